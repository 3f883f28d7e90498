//! Business info checks that Pages and WhatsApp profiles share: opening
//! hours as Meta writes them and plausible email addresses.

use std::collections::BTreeMap;

use super::Invalid;

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// An address shaped like `x@y.z`.
pub fn looks_like_email(text: &str) -> bool {
    text.split_once('@').is_some_and(|(user, domain)| {
        !user.is_empty() && domain.contains('.') && !domain.starts_with('.')
    })
}

/// Opening hours as Meta writes them: keys `{day}_{slot}_{open|close}` (day
/// `mon`..`sun`, slot 1 or 2), values `HH:MM`, each slot opened and closed.
pub fn check_hours(hours: &BTreeMap<String, String>) -> Result<(), Invalid> {
    let refuse = |message: String| Err(Invalid::new("hours", message));
    for (key, value) in hours {
        let mut parts = key.split('_');
        let (Some(day), Some(slot), Some(edge), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return refuse(format!(
                "hours: key {key:?} must look like mon_1_open or sun_2_close"
            ));
        };
        if !DAYS.contains(&day) || !matches!(slot, "1" | "2") || !matches!(edge, "open" | "close") {
            return refuse(format!(
                "hours: key {key:?} must look like mon_1_open or sun_2_close"
            ));
        }
        if !is_clock_time(value) {
            return refuse(format!(
                "hours: {key} must be a time like 09:00, got {value:?}"
            ));
        }
        let other = format!(
            "{day}_{slot}_{}",
            if edge == "open" { "close" } else { "open" }
        );
        if !hours.contains_key(&other) {
            return refuse(format!("hours: {key} needs a matching {other}"));
        }
    }
    Ok(())
}

fn is_clock_time(text: &str) -> bool {
    let Some((h, m)) = text.split_once(':') else {
        return false;
    };
    let two_digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    two_digits(h)
        && two_digits(m)
        && h.parse::<u8>().is_ok_and(|h| h < 24)
        && m.parse::<u8>().is_ok_and(|m| m < 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn hours_are_checked() {
        assert!(check_hours(&hours(&[("mon_1_open", "09:00"), ("mon_1_close", "17:00")])).is_ok());
        assert!(check_hours(&hours(&[("mon_1_open", "09:00")])).is_err());
        assert!(check_hours(&hours(&[("mon_3_open", "09:00"), ("mon_3_close", "10:00")])).is_err());
        assert!(check_hours(&hours(&[("mon_1_open", "9:00"), ("mon_1_close", "17:00")])).is_err());
        assert!(check_hours(&hours(&[("mon_1_open", "24:00"), ("mon_1_close", "17:00")])).is_err());
        assert!(check_hours(&hours(&[("monday", "09:00")])).is_err());
    }

    #[test]
    fn emails() {
        assert!(looks_like_email("hello@luckyshrub.example"));
        assert!(!looks_like_email("@x.y"));
        assert!(!looks_like_email("a@.y"));
    }
}
