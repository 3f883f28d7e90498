//! Three calling settings: `call_icon_visibility` (Meta's documents write
//! `DEFAULT` / `DISABLE_ALL`, the v23 spec `visible` / `hidden`: both are
//! taken, the answer is the spec's), `call_icons.restrict_to_user_countries`
//! (the ISO 3166 countries whose users see the call button: a user of
//! another country has no button, so their call does not reach the number;
//! a user's country is the one of their phone's calling code) and
//! `srtp_key_exchange_protocol` (`DTLS`, Meta's default, or `SDES`, which
//! Meta allows only while SIP signals the number's calls; the spec's
//! `DTLS-SRTP` / `SDES-SRTP` are taken too, the answer is Meta's documented
//! `DTLS` / `SDES`). Meta documents `DISABLE_ALL` as hiding the button and
//! every entry point outside the chat, so that users cannot make unsolicited
//! calls: while it is `hidden`, a user's call does not reach the number
//! either. Business-initiated calls are not bound by either setting.

use serde_json::Value;

use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;
use crate::world::shared::phone::calling_code;

/// The most countries `restrict_to_user_countries` keeps (there are 249
/// ISO 3166-1 codes; Meta names no bound).
pub const ICON_COUNTRIES_MAX: usize = 249;

/// `call_icon_visibility` as the spec writes it.
pub fn icon_visibility(value: &Value) -> Result<&'static str, Invalid> {
    match value.as_str() {
        Some("DEFAULT" | "visible") => Ok("visible"),
        Some("DISABLE_ALL" | "hidden") => Ok("hidden"),
        _ => Err(Invalid::new(
            "calling['call_icon_visibility']",
            "Param calling['call_icon_visibility'] must be one of {DEFAULT, DISABLE_ALL} (or the spec's {visible, hidden}).",
        )),
    }
}

/// `call_icons`: `{"restrict_to_user_countries": [ISO 3166-1 alpha-2]}`,
/// upper-cased, each once, in the order given; `[]` lifts the restriction.
pub fn icon_countries(value: &Value) -> Result<Vec<String>, Invalid> {
    let path = "calling['call_icons']['restrict_to_user_countries']";
    let refuse = || {
        Invalid::new(
            path,
            format!(
                "Param {path} must be a list of at most {ICON_COUNTRIES_MAX} two-letter ISO 3166 country codes (like US)."
            ),
        )
    };
    let codes = value
        .get("restrict_to_user_countries")
        .and_then(Value::as_array)
        .filter(|codes| codes.len() <= ICON_COUNTRIES_MAX)
        .ok_or_else(refuse)?;
    let mut countries: Vec<String> = Vec::new();
    for code in codes {
        let code = code
            .as_str()
            .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()))
            .ok_or_else(refuse)?
            .to_ascii_uppercase();
        if !countries.contains(&code) {
            countries.push(code);
        }
    }
    Ok(countries)
}

/// `srtp_key_exchange_protocol` as Meta documents it (`DTLS` or `SDES`).
pub fn srtp_protocol(value: &Value) -> Result<&'static str, Invalid> {
    match value.as_str() {
        Some("DTLS" | "DTLS-SRTP") => Ok("DTLS"),
        Some("SDES" | "SDES-SRTP") => Ok("SDES"),
        _ => Err(Invalid::new(
            "calling['srtp_key_exchange_protocol']",
            "Param calling['srtp_key_exchange_protocol'] must be one of {DTLS, SDES}.",
        )),
    }
}

/// Meta: SDES key exchange is allowed only while SIP is enabled.
pub fn check_srtp_with_sip(protocol: Option<&str>, sip_enabled: bool) -> Result<(), Invalid> {
    if protocol == Some("SDES") && !sip_enabled {
        return Err(Invalid::new(
            "calling['srtp_key_exchange_protocol']",
            "SDES can be used only when SIP signaling is enabled: enable calling['sip'] or use DTLS.",
        ));
    }
    Ok(())
}

/// A restored snapshot's icon countries and SRTP protocol keep the bounds
/// an update keeps.
pub fn check_kept(
    countries: &[String],
    srtp: Option<&str>,
    sip_enabled: bool,
    place: &str,
) -> Result<(), Invalid> {
    let given = serde_json::json!({ "restrict_to_user_countries": countries });
    let countries_fit = icon_countries(&given).is_ok_and(|kept| kept == countries);
    let srtp_fits = srtp.is_none_or(|p| srtp_protocol(&Value::from(p)) == Ok(p));
    if !countries_fit || !srtp_fits {
        return Err(Invalid::new(
            place,
            format!("{place}: call icon countries or SRTP protocol out of their bounds"),
        ));
    }
    check_srtp_with_sip(srtp, sip_enabled)
}

impl Sandbox {
    /// `call_icon_visibility` is `hidden` (`DISABLE_ALL`): no user sees the
    /// number's call button or any other way to call it unsolicited.
    pub fn call_icon_hidden(&self, phone_number_id: &str) -> bool {
        self.whatsapp
            .phone_numbers
            .get(phone_number_id)
            .is_some_and(|p| p.settings.call_icon_visibility == "hidden")
    }

    /// The user sees the number's call button: no country list, or the
    /// country of the user's calling code is in it.
    pub fn call_icon_shown_to(&self, phone_number_id: &str, consumer: &str) -> bool {
        let country = calling_code(consumer).map(|(_, country)| country);
        self.whatsapp
            .phone_numbers
            .get(phone_number_id)
            .map(|p| &p.settings.call_icon_countries)
            .is_none_or(|countries| {
                countries.is_empty() || country.is_some_and(|c| countries.iter().any(|k| k == c))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn takes_meta_and_spec_spellings() {
        assert_eq!(icon_visibility(&json!("DISABLE_ALL")), Ok("hidden"));
        assert_eq!(icon_visibility(&json!("visible")), Ok("visible"));
        assert!(icon_visibility(&json!("loud")).is_err());
        let countries = json!({"restrict_to_user_countries": ["us", "BR", "US"]});
        assert_eq!(icon_countries(&countries).unwrap(), ["US", "BR"]);
        for bad in [
            json!({}),
            json!({"restrict_to_user_countries": ["USA"]}),
            json!({"restrict_to_user_countries": [1]}),
            json!({"restrict_to_user_countries": vec!["US"; 250]}),
        ] {
            assert!(icon_countries(&bad).is_err(), "{bad}");
        }
        assert_eq!(srtp_protocol(&json!("SDES-SRTP")), Ok("SDES"));
        assert!(srtp_protocol(&json!("ZRTP")).is_err());
        assert!(check_srtp_with_sip(Some("SDES"), false).is_err());
        assert!(check_srtp_with_sip(Some("SDES"), true).is_ok());
        assert!(check_srtp_with_sip(Some("DTLS"), false).is_ok());
    }
}
