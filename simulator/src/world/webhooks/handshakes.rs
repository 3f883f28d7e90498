//! Verification handshakes waiting to be performed: saving a callback URL
//! (app subscription, WABA or phone number override) records one; the HTTP layer performs
//! the GET and settles it. Transient: never part of a snapshot.

use serde::{Deserialize, Serialize};

use crate::world::sandbox::Sandbox;
use crate::world::webhooks::subscriptions::{AppSubscription, WebhookObject};
use crate::world::whatsapp::callbacks::PhoneOverride;
use crate::world::whatsapp::waba::WabaSubscription;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum HandshakeTarget {
    /// `/{app-id}/subscriptions` for an object; on failure the subscription it
    /// replaced (if any) comes back.
    AppSubscription {
        app_id: String,
        object: WebhookObject,
        previous: Option<AppSubscription>,
    },
    /// `override_callback_uri` of `/{waba-id}/subscribed_apps`; on failure the
    /// app's previous subscription (if any) comes back.
    WabaOverride {
        waba_id: String,
        app_id: String,
        previous: Option<WabaSubscription>,
    },
    /// `webhook_configuration` of `POST /{phone-number-id}`; on failure the
    /// app's previous override for the number (if any) comes back.
    PhoneOverride {
        phone_number_id: String,
        app_id: String,
        previous: Option<PhoneOverride>,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PendingHandshake {
    pub target: HandshakeTarget,
    pub url: String,
    pub verify_token: String,
    pub challenge: String,
    /// The batch operation that asked for it: only that operation's answer
    /// fails if the handshake does.
    pub batch_index: Option<usize>,
}

impl Sandbox {
    /// Ask for a handshake; the challenge comes from the seeded generator.
    pub fn request_handshake(&mut self, target: HandshakeTarget, url: &str, verify_token: &str) {
        let challenge = self.ids.code(10);
        self.pending_handshakes.push(PendingHandshake {
            target,
            url: url.to_owned(),
            verify_token: verify_token.to_owned(),
            challenge,
            batch_index: None,
        });
    }

    /// Apply a handshake's outcome: activate, or undo what was saved.
    pub fn settle_handshake(&mut self, handshake: &PendingHandshake, verified: bool) {
        match &handshake.target {
            HandshakeTarget::AppSubscription {
                app_id,
                object,
                previous,
            } => self.settle_subscription(app_id, *object, verified, previous.clone()),
            HandshakeTarget::WabaOverride {
                waba_id,
                app_id,
                previous,
            } => {
                if !verified && let Some(waba) = self.whatsapp.wabas.get_mut(waba_id) {
                    waba.subscribed_apps.retain(|s| &s.app_id != app_id);
                    waba.subscribed_apps.extend(previous.clone());
                }
            }
            HandshakeTarget::PhoneOverride {
                phone_number_id,
                app_id,
                previous,
            } => {
                if !verified {
                    self.replace_phone_override(phone_number_id, app_id, previous.clone());
                }
            }
        }
    }
}
