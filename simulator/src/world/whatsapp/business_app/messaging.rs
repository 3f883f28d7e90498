//! Messages in the WhatsApp Business app. A consumer writes to a business
//! number — through the Cloud API when the number is on it (a `messages`
//! webhook, the service window), into the app otherwise (nothing reaches any
//! integration, no window opens). The business writes from the app or a
//! companion: free, outside the window rules, and — once onboarded — echoed
//! to the integration as `smb_message_echoes`. Either way the message is one
//! of the number's messages, so the app's devices and the consumer's phone
//! show it, and the history synchronization can share it.

use serde_json::Value;

use crate::world::encode::EncodedJson;
use crate::world::events::EventPayload;
use crate::world::sandbox::Sandbox;
use crate::world::shared::phone::phone_digits;
use crate::world::whatsapp::messaging::{Direction, InboundRefusal, MessageStatus, WaMessage};

/// Why the business could not send from the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppSendRefusal {
    UnknownNumber,
    UnknownConsumer,
    NotOnWhatsapp,
    /// The consumer blocked the business number.
    Blocked,
}

impl Sandbox {
    /// The phone number id `to` names: a phone number id, or the digits of a
    /// WhatsApp Business app number.
    fn business_number_named(&self, to: &str) -> String {
        if self.whatsapp.phone_numbers.contains_key(to) {
            return to.to_owned();
        }
        self.whatsapp
            .business_app
            .numbers
            .get(&phone_digits(to))
            .map_or_else(|| to.to_owned(), |n| n.phone_number_id.clone())
    }

    /// A consumer writes to the business number `to`: through the Cloud API
    /// when it is on it, into the WhatsApp Business app otherwise.
    pub fn consumer_writes(
        &mut self,
        consumer: &str,
        to: &str,
        message: Value,
    ) -> Result<String, InboundRefusal> {
        let phone_number_id = self.business_number_named(to);
        let in_app_only = self
            .app_number_of_phone(&phone_number_id)
            .is_some_and(|(_, number)| number.onboarding.is_none());
        if !in_app_only {
            return self.receive_message(consumer, &phone_number_id, message);
        }
        let person = self
            .whatsapp
            .consumers
            .get(consumer)
            .ok_or(InboundRefusal::UnknownConsumer)?;
        if !person.on_whatsapp {
            return Err(InboundRefusal::NotOnWhatsapp);
        }
        if person.blocked.contains(&phone_number_id) {
            return Err(InboundRefusal::Blocked);
        }
        let id = self.ids.wamid(consumer, true);
        self.record_app_message(&phone_number_id, consumer, Direction::Inbound, &id, message);
        Ok(id)
    }

    /// The business `digits` sends `message` to `consumer` from the app, on
    /// its device `device_id`.
    pub fn send_from_business_app(
        &mut self,
        digits: &str,
        consumer: &str,
        message: Value,
        device_id: &str,
    ) -> Result<String, AppSendRefusal> {
        let number = self
            .whatsapp
            .business_app
            .numbers
            .get(digits)
            .ok_or(AppSendRefusal::UnknownNumber)?;
        let phone_number_id = number.phone_number_id.clone();
        let waba_id = number.onboarding.as_ref().map(|o| o.waba_id.clone());
        let person = self
            .whatsapp
            .consumers
            .get(consumer)
            .ok_or(AppSendRefusal::UnknownConsumer)?
            .clone();
        if !person.on_whatsapp {
            return Err(AppSendRefusal::NotOnWhatsapp);
        }
        if person.blocked.contains(&phone_number_id) {
            return Err(AppSendRefusal::Blocked);
        }
        let id = self.ids.wamid(consumer, false);
        self.record_app_message(
            &phone_number_id,
            consumer,
            Direction::Outbound,
            &id,
            message.clone(),
        );
        self.whatsapp
            .business_app
            .sent_from_app
            .insert(id.clone(), device_id.to_owned());
        if let Some(waba_id) = waba_id {
            let business = self.business_of_phone(&phone_number_id).unwrap_or_default();
            let now = self.clock.now();
            let echo = EventPayload::WhatsappMessageEcho {
                waba_id,
                phone_number_id,
                message_id: id.clone(),
                to: consumer.to_owned(),
                to_user_id: self.bsuid(consumer, &business),
                to_parent_user_id: self.parent_bsuid(consumer, &business),
                username: person.username.clone(),
                message,
            };
            self.events.emit(now, echo);
        }
        Ok(id)
    }

    /// Was the message sent from the WhatsApp Business app (not the Cloud API)?
    pub fn sent_from_business_app(&self, message_id: &str) -> bool {
        self.whatsapp
            .business_app
            .sent_from_app
            .contains_key(message_id)
    }

    /// Keep a message of the app: delivered at once, unpriced.
    fn record_app_message(
        &mut self,
        phone_number_id: &str,
        consumer: &str,
        direction: Direction,
        id: &str,
        message: Value,
    ) {
        let status = match direction {
            Direction::Inbound => MessageStatus::Received,
            Direction::Outbound => MessageStatus::Delivered,
        };
        let record = WaMessage {
            seq: self.whatsapp.messaging.next_seq(),
            id: id.to_owned(),
            phone_number_id: phone_number_id.to_owned(),
            consumer: consumer.to_owned(),
            direction,
            message: EncodedJson::from_value(&message),
            rendered: None,
            time: self.clock.now(),
            status,
            error: None,
            pricing: None,
            biz_opaque_callback_data: None,
            addressed_by_user_id: false,
            receipts: Vec::new(),
        };
        self.whatsapp
            .messaging
            .messages
            .insert(id.to_owned(), record);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::whatsapp::business_app::tests::{SHOP, with_shop};
    use serde_json::json;

    const ALICE: &str = "15550109999";

    fn hello() -> Value {
        json!({ "type": "text", "text": { "body": "Hello" } })
    }

    #[test]
    fn before_onboarding_nothing_reaches_an_integration() {
        let mut sandbox = with_shop();
        let events = sandbox.events.all().len();
        let id = sandbox.consumer_writes(ALICE, SHOP, hello()).unwrap();
        let reply = sandbox
            .send_from_business_app(SHOP, ALICE, hello(), "15550123456:0")
            .unwrap();
        assert_eq!(sandbox.events.all().len(), events, "no webhook");
        let phone_number_id = &sandbox.whatsapp.business_app.numbers[SHOP].phone_number_id;
        assert!(
            !sandbox.window_open(phone_number_id, ALICE),
            "no service window"
        );
        let messages = &sandbox.whatsapp.messaging.messages;
        assert_eq!(messages[&id].direction, Direction::Inbound);
        assert_eq!(messages[&reply].status, MessageStatus::Delivered);
        assert!(sandbox.sent_from_business_app(&reply));
        assert!(!sandbox.sent_from_business_app(&id));
    }

    #[test]
    fn app_sends_are_checked() {
        let mut sandbox = with_shop();
        assert_eq!(
            sandbox.send_from_business_app(SHOP, "19990000000", hello(), "x"),
            Err(AppSendRefusal::UnknownConsumer)
        );
        assert_eq!(
            sandbox.send_from_business_app("19990000000", ALICE, hello(), "x"),
            Err(AppSendRefusal::UnknownNumber)
        );
        assert_eq!(
            sandbox.consumer_writes(ALICE, "nobody", hello()),
            Err(InboundRefusal::UnknownBusinessNumber)
        );
    }
}
