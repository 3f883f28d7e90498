//! The calling settings beyond `calling.status` and the call icon, in
//! `POST /{phone-number-id}/settings` `{"calling": {…}}`:
//! `callback_permission_status` (a user who calls the number grants it a
//! temporary permission to call back: `call_rules.rs`) and `sip` (calls are
//! signalled over SIP instead of the Graph API: `status` and the calling
//! app's SIP server, `servers: [{hostname, port?, request_uri_user_params?}]`).
//! Meta keeps one SIP server per number and app and generates a SIP user
//! password for each number and app, which `GET …/settings
//! ?include_sip_credentials=true` shows to that app. Meta's documents write
//! `ENABLED`/`DISABLED`, the v23 spec `enabled`/`disabled`: both are taken,
//! and the answer is the spec's.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::world::accounts::people::MAX_APPS;
use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;

/// The port Meta uses when a server names none (SIP over TLS).
pub const DEFAULT_SIP_PORT: u16 = 5061;
/// The longest hostname (RFC 1035).
pub const SIP_HOSTNAME_MAX: usize = 253;
/// The most request-URI user parameters metasim keeps per server (Meta
/// names no limit; this bounds state).
pub const SIP_PARAMS_MAX: usize = 16;
/// The longest key or value of a request-URI user parameter (metasim's bound).
pub const SIP_PARAM_MAX: usize = 128;
/// The length of a generated SIP user password.
const SIP_PASSWORD_LEN: usize = 32;

/// One app's SIP server for a number.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SipServer {
    pub app_id: String,
    pub hostname: String,
    pub port: u16,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub request_uri_user_params: BTreeMap<String, String>,
}

/// A number's SIP settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct SipSettings {
    #[serde(default)]
    pub enabled: bool,
    /// At most one per app, in the order the apps configured them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub servers: Vec<SipServer>,
}

impl SipSettings {
    pub fn is_default(&self) -> bool {
        *self == SipSettings::default()
    }

    /// A restored snapshot's SIP settings keep the bounds an update keeps:
    /// one server per app (at most [`MAX_APPS`]), each as `servers[]` takes it.
    pub fn check(&self, place: &str) -> Result<(), Invalid> {
        let refuse = |why: &str| Err(Invalid::new(place, format!("{place}: {why}")));
        if self.servers.len() > MAX_APPS {
            return refuse("more SIP servers than apps");
        }
        for (i, server) in self.servers.iter().enumerate() {
            if self.servers[..i].iter().any(|s| s.app_id == server.app_id) {
                return refuse("two SIP servers of one app");
            }
            let entry = json!({
                "hostname": server.hostname,
                "port": server.port,
                "request_uri_user_params": server.request_uri_user_params,
            });
            if sip_server(&entry, &server.app_id).as_ref() != Ok(server) {
                return refuse("a SIP server out of its bounds");
            }
        }
        if self.enabled && self.servers.is_empty() {
            return refuse("SIP enabled without a server");
        }
        Ok(())
    }

    /// `{"status", "servers"}` as `GET …/settings` shows it; the password of
    /// `credentials`' server when asked (`(app id, password)`).
    pub fn to_json(&self, credentials: Option<(&str, &str)>) -> Value {
        let servers: Vec<Value> = self
            .servers
            .iter()
            .map(|server| {
                let mut item = Map::new();
                item.insert("app_id".into(), json!(server.app_id));
                item.insert("hostname".into(), json!(server.hostname));
                item.insert("port".into(), json!(server.port));
                if !server.request_uri_user_params.is_empty() {
                    item.insert(
                        "request_uri_user_params".into(),
                        json!(server.request_uri_user_params),
                    );
                }
                if let Some((_, password)) = credentials.filter(|(app, _)| *app == server.app_id) {
                    item.insert("sip_user_password".into(), json!(password));
                }
                Value::Object(item)
            })
            .collect();
        json!({
            "status": if self.enabled { "enabled" } else { "disabled" },
            "servers": servers,
        })
    }
}

/// `enabled`/`disabled` in either case, as a flag; the refusal names `path`.
pub fn enabled_flag(value: Option<&Value>, path: &str) -> Result<bool, Invalid> {
    match value.and_then(Value::as_str) {
        Some(v) if v.eq_ignore_ascii_case("enabled") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("disabled") => Ok(false),
        Some(other) => Err(Invalid::new(
            path,
            format!("Param {path} must be one of {{enabled, disabled}} - got \"{other}\"."),
        )),
        None => Err(Invalid::new(
            path,
            format!("The parameter {path} is required."),
        )),
    }
}

fn text<'v>(value: &'v Value, key: &str, path: &str, max: usize) -> Result<&'v str, Invalid> {
    let path = format!("{path}['{key}']");
    let text = value
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| Invalid::new(&path, format!("The parameter {path} is required.")))?;
    if text.chars().count() > max {
        return Err(Invalid::new(
            &path,
            format!("Param {path} must be at most {max} characters long."),
        ));
    }
    Ok(text)
}

fn is_hostname(host: &str) -> bool {
    host.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    })
}

/// One `servers[]` entry of the app `app_id`, checked.
fn sip_server(value: &Value, app_id: &str) -> Result<SipServer, Invalid> {
    let path = "calling['sip']['servers'][0]";
    let hostname = text(value, "hostname", path, SIP_HOSTNAME_MAX)?;
    if !is_hostname(hostname) {
        return Err(Invalid::new(
            format!("{path}['hostname']"),
            format!("Param {path}['hostname'] must be a host name - got \"{hostname}\"."),
        ));
    }
    let port = match value.get("port") {
        None | Some(Value::Null) => DEFAULT_SIP_PORT,
        Some(port) => port
            .as_u64()
            .and_then(|p| u16::try_from(p).ok())
            .filter(|p| *p > 0)
            .ok_or_else(|| {
                Invalid::new(
                    format!("{path}['port']"),
                    format!("Param {path}['port'] must be a port number between 1 and 65535."),
                )
            })?,
    };
    let params_path = format!("{path}['request_uri_user_params']");
    let mut request_uri_user_params = BTreeMap::new();
    match value.get("request_uri_user_params") {
        None | Some(Value::Null) => {}
        Some(Value::Object(params)) if params.len() <= SIP_PARAMS_MAX => {
            for (key, param) in params {
                let key_fits = !key.is_empty() && key.chars().count() <= SIP_PARAM_MAX;
                let param = param
                    .as_str()
                    .filter(|p| key_fits && p.chars().count() <= SIP_PARAM_MAX);
                let Some(param) = param else {
                    return Err(Invalid::new(
                        &params_path,
                        format!(
                            "Param {params_path} must map names to texts of at most {SIP_PARAM_MAX} characters."
                        ),
                    ));
                };
                request_uri_user_params.insert(key.clone(), param.to_owned());
            }
        }
        Some(_) => {
            return Err(Invalid::new(
                &params_path,
                format!(
                    "Param {params_path} must be an object of at most {SIP_PARAMS_MAX} parameters."
                ),
            ));
        }
    }
    Ok(SipServer {
        app_id: app_id.to_owned(),
        hostname: hostname.to_owned(),
        port,
        request_uri_user_params,
    })
}

/// The SIP settings after the app `app_id` sent `sip`, or the refusal.
/// `servers` replaces the app's server (`[]` removes it); SIP cannot be
/// enabled without a server.
pub fn updated_sip(
    current: &SipSettings,
    sip: &Value,
    app_id: &str,
) -> Result<SipSettings, Invalid> {
    let mut next = current.clone();
    if let Some(status) = sip.get("status") {
        next.enabled = enabled_flag(Some(status), "calling['sip']['status']")?;
    }
    match sip.get("servers") {
        None => {}
        Some(Value::Array(servers)) if servers.len() <= 1 => {
            let server = servers
                .first()
                .map(|server| sip_server(server, app_id))
                .transpose()?;
            match next.servers.iter_mut().find(|s| s.app_id == app_id) {
                Some(slot) => match server {
                    Some(server) => *slot = server,
                    None => next.servers.retain(|s| s.app_id != app_id),
                },
                None => next.servers.extend(server),
            }
        }
        Some(_) => {
            return Err(Invalid::new(
                "calling['sip']['servers']",
                "Param calling['sip']['servers'] must be a list of one SIP server.",
            ));
        }
    }
    if next.enabled && next.servers.is_empty() {
        return Err(Invalid::new(
            "calling['sip']['servers']",
            "SIP cannot be enabled without a SIP server: give calling['sip']['servers'].",
        ));
    }
    Ok(next)
}

impl Sandbox {
    /// Calls of the number are signalled over SIP (calling and SIP enabled):
    /// the Graph API's call actions are refused and no `calls` webhook is sent.
    pub fn sip_signalling(&self, phone_number_id: &str) -> bool {
        self.whatsapp
            .phone_numbers
            .get(phone_number_id)
            .is_some_and(|p| p.settings.calling == "enabled" && p.settings.sip.enabled)
    }

    /// The SIP user password Meta generates for a number and an app:
    /// derived from the seed, the number and the app.
    pub fn sip_user_password(&self, phone_number_id: &str, app_id: &str) -> String {
        self.ids.derived_base62(
            &format!("sip_user_password:{phone_number_id}:{app_id}"),
            SIP_PASSWORD_LEN,
        )
    }

    /// `GET /{phone-number-id}/settings`; with `credentials_for`, that
    /// app's SIP server shows its password; the calling restrictions in
    /// force (`call_restrictions.rs`) are shown too.
    pub fn phone_settings_json(
        &self,
        phone_number_id: &str,
        credentials_for: Option<&str>,
    ) -> Option<Value> {
        let phone = self.whatsapp.phone_numbers.get(phone_number_id)?;
        let mut shown = phone.settings.to_json();
        if !phone.settings.sip.is_default() {
            let password =
                credentials_for.map(|app| (app, self.sip_user_password(phone_number_id, app)));
            let credentials = password.as_ref().map(|(app, p)| (*app, p.as_str()));
            shown["calling"]["sip"] = phone.settings.sip.to_json(credentials);
        }
        if let Some(restrictions) = self.restrictions_json(phone_number_id) {
            shown["calling"]["restrictions"] = restrictions;
        }
        Some(shown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sip_needs_a_server_and_keeps_one_per_app() {
        let none = SipSettings::default();
        assert!(updated_sip(&none, &json!({"status": "ENABLED"}), "app").is_err());
        let server = json!({"status": "ENABLED", "servers": [{"hostname": "sip.example.com"}]});
        let on = updated_sip(&none, &server, "app").unwrap();
        assert!(on.enabled);
        assert_eq!(on.servers[0].port, DEFAULT_SIP_PORT);
        let moved = json!({"servers": [{"hostname": "pbx.example.com", "port": 5060,
            "request_uri_user_params": {"tgrp": "wa"}}]});
        let moved = updated_sip(&on, &moved, "app").unwrap();
        assert_eq!(moved.servers.len(), 1);
        assert_eq!(moved.servers[0].hostname, "pbx.example.com");
        let other = updated_sip(
            &moved,
            &json!({"servers": [{"hostname": "b.example"}]}),
            "other",
        );
        assert_eq!(other.unwrap().servers.len(), 2);
        assert!(updated_sip(&moved, &json!({"servers": []}), "app").is_err());
        for bad in [
            json!({"servers": [{"hostname": "not a host"}]}),
            json!({"servers": [{"hostname": "a.example", "port": 70000}]}),
            json!({"servers": [{"hostname": "a.example", "request_uri_user_params": {"k": 1}}]}),
            json!({"servers": [{"hostname": "a.example"}, {"hostname": "b.example"}]}),
            json!({"status": "maybe"}),
        ] {
            assert!(updated_sip(&moved, &bad, "app").is_err(), "{bad}");
        }
        let shown = moved.to_json(Some(("app", "secret")));
        assert_eq!(shown["servers"][0]["sip_user_password"], "secret");
        assert_eq!(shown["servers"][0]["request_uri_user_params"]["tgrp"], "wa");
        assert!(moved.to_json(Some(("other", "x")))["servers"][0]["sip_user_password"].is_null());
    }
}
