//! Phone numbers as people type them (`+1 555-010-0001`) and what their
//! digits tell: the E.164 digits, the calling code and the country.

/// The digits of a phone number as typed: `+1 555-010-0001` -> `15550100001`.
pub fn phone_digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// E.164 numbers have 8 to 15 digits (country code included).
pub fn is_e164_length(digits: &str) -> bool {
    (8..=15).contains(&digits.len())
}

/// The calling code and ISO 3166 country of a phone number, when known.
pub fn calling_code(digits: &str) -> Option<(&'static str, &'static str)> {
    const CODES: [(&str, &str); 24] = [
        ("1", "US"),
        ("7", "RU"),
        ("20", "EG"),
        ("27", "ZA"),
        ("33", "FR"),
        ("34", "ES"),
        ("39", "IT"),
        ("44", "GB"),
        ("49", "DE"),
        ("52", "MX"),
        ("54", "AR"),
        ("55", "BR"),
        ("57", "CO"),
        ("60", "MY"),
        ("62", "ID"),
        ("63", "PH"),
        ("65", "SG"),
        ("81", "JP"),
        ("90", "TR"),
        ("91", "IN"),
        ("234", "NG"),
        ("254", "KE"),
        ("880", "BD"),
        ("971", "AE"),
    ];
    CODES
        .iter()
        .filter(|(code, _)| digits.starts_with(code))
        .max_by_key(|(code, _)| code.len())
        .copied()
}

/// The ITU-T E.164 world numbering zone of a number, from the first digit
/// of its calling code (`1` North America … `9` the Middle East and Central
/// and South Asia): the region metasim gives a number.
pub fn numbering_zone(digits: &str) -> Option<&'static str> {
    Some(match digits.as_bytes().first()? {
        b'1' => "North America",
        b'2' => "Africa",
        b'3' | b'4' => "Europe",
        b'5' => "South and Central America",
        b'6' => "Southeast Asia and Oceania",
        b'7' => "Russia and Kazakhstan",
        b'8' => "East Asia",
        b'9' => "Middle East, Central and South Asia",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_follow_the_first_digit() {
        assert_eq!(numbering_zone("15550100001"), Some("North America"));
        assert_eq!(numbering_zone("447700900123"), Some("Europe"));
        assert_eq!(
            numbering_zone("919876543210"),
            Some("Middle East, Central and South Asia")
        );
        assert_eq!(numbering_zone("0123"), None);
        assert_eq!(numbering_zone(""), None);
    }

    #[test]
    fn digits_drop_formatting() {
        assert_eq!(phone_digits("+1 555-010-0001"), "15550100001");
        assert!(is_e164_length("15550100001"));
        assert!(!is_e164_length("1234567"));
    }

    #[test]
    fn the_longest_calling_code_wins() {
        assert_eq!(calling_code("8801711000000"), Some(("880", "BD")));
        assert_eq!(calling_code("15550100001"), Some(("1", "US")));
        assert_eq!(calling_code("999"), None);
    }
}
