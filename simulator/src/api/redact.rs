//! Credentials never reach the journal, wherever a request carries them: a
//! parameter or body member with a secret's name (at any depth of a JSON
//! body), any authorization or token header (with or without a scheme), and
//! a secret written inside a text — a batch operation's `relative_url` or
//! body, a form body in a string. What is redacted reads `[redacted]`; the
//! rest of the request is kept as sent.

use std::borrow::Cow;

use serde_json::Value;

/// Names whose values are credentials.
const SECRETS: [&str; 9] = [
    "access_token",
    "appsecret_proof",
    "input_token",
    "client_secret",
    "fb_exchange_token",
    "app_secret",
    "verify_token",
    "password",
    "pin",
];

pub const REDACTED: &str = "[redacted]";

/// Headers most requests carry that never hold a credential: kept without a
/// closer look.
const COMMON_HEADERS: [&str; 6] = [
    "content-type",
    "user-agent",
    "accept",
    "accept-language",
    "x-forwarded-for",
    "x-forwarded-proto",
];

fn is_secret(name: &str) -> bool {
    SECRETS
        .iter()
        .any(|secret| secret.eq_ignore_ascii_case(name))
}

/// A query or form parameter's value as the journal keeps it.
pub fn param(name: &str, value: String) -> String {
    if is_secret(name) {
        REDACTED.to_owned()
    } else {
        scrub(&value).into_owned()
    }
}

/// A header's value as the journal keeps it: credentials of any
/// authorization header (keeping a scheme when there is one), and the
/// whole value of a header named like a token, key, secret or signature.
pub fn header(name: &str, value: String) -> String {
    // Names from the HTTP layer are lowercase already.
    let name = if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    };
    if COMMON_HEADERS.contains(&name.as_ref()) {
        return value;
    }
    if name.contains("authorization") {
        return match value.trim().split_once(' ') {
            Some((scheme, _)) => [scheme, " ", REDACTED].concat(),
            None => REDACTED.to_owned(),
        };
    }
    let secretive = ["token", "secret", "key", "signature", "cookie", "auth"]
        .iter()
        .any(|word| name.contains(word));
    if secretive {
        REDACTED.to_owned()
    } else {
        value
    }
}

/// A body as the journal keeps it: members named like secrets redacted at
/// any depth, secrets inside strings scrubbed (in place: most bodies hold no
/// secret and come back as they were, without being rebuilt).
pub fn body(mut value: Value) -> Value {
    redact_in_place(&mut value);
    value
}

fn redact_in_place(value: &mut Value) {
    match value {
        Value::Object(members) => {
            for (name, member) in members.iter_mut() {
                if is_secret(name) {
                    *member = Value::String(REDACTED.to_owned());
                } else {
                    redact_in_place(member);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_in_place),
        Value::String(text) => {
            if let Cow::Owned(clean) = scrub(text) {
                *text = clean;
            }
        }
        _ => {}
    }
}

/// Where a secret's value ends inside a text.
fn ends_value(c: char) -> bool {
    c.is_whitespace() || "\"\\&,;}]#".contains(c)
}

/// A text with the value after each secret's name (`access_token=…`,
/// `"access_token":"…"`, `\"pin\":\"…\"`) redacted.
pub fn scrub(text: &str) -> Cow<'_, str> {
    // A secret is only ever assigned (`=` or `:`): most texts (a `fields`
    // list, a message) have neither and need no closer look.
    if !text.bytes().any(|b| b == b'=' || b == b':') {
        return Cow::Borrowed(text);
    }
    let lower = text.to_ascii_lowercase();
    if !SECRETS.iter().any(|secret| lower.contains(secret)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while at < text.len() {
        let Some(name) = SECRETS
            .iter()
            .find(|secret| lower[at..].starts_with(*secret))
        else {
            at += text[at..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let boundary_before = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
        let mut value_start = at + name.len();
        let rest = &text[value_start..];
        let separated = rest.trim_start_matches(['"', '\\']);
        let assigns = separated.starts_with('=') || separated.starts_with(':');
        if !boundary_before || !assigns {
            at += name.len();
            continue;
        }
        value_start += rest.len() - separated.len() + 1;
        value_start += text[value_start..].len()
            - text[value_start..]
                .trim_start_matches([' ', '"', '\\'])
                .len();
        let value_len = text[value_start..]
            .find(ends_value)
            .unwrap_or(text.len() - value_start);
        if value_len > 0 && &text[value_start..value_start + value_len] != REDACTED {
            out.push_str(&text[copied..value_start]);
            out.push_str(REDACTED);
            copied = value_start + value_len;
        }
        at = value_start + value_len.max(1);
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_inside_texts_are_scrubbed() {
        assert_eq!(scrub("me?fields=id"), "me?fields=id");
        assert_eq!(
            scrub("me?access_token=EAAB12&fields=id"),
            "me?access_token=[redacted]&fields=id"
        );
        let batch = r#"[{"method":"GET","relative_url":"me?access_token=EAAB"},{"method":"POST","relative_url":"1/x","body":"pin=123456&a=b"},{"body":{"access_token":"EAAC"}}]"#;
        assert_eq!(
            scrub(batch),
            r#"[{"method":"GET","relative_url":"me?access_token=[redacted]"},{"method":"POST","relative_url":"1/x","body":"pin=[redacted]&a=b"},{"body":{"access_token":"[redacted]"}}]"#
        );
        assert_eq!(
            scrub(r#"{\"appsecret_proof\": \"abc\"}"#),
            r#"{\"appsecret_proof\": \"[redacted]\"}"#
        );
        assert_eq!(
            scrub("shipping=3&spin=1"),
            "shipping=3&spin=1",
            "names inside words"
        );
        assert_eq!(scrub("access_token"), "access_token");
        assert_eq!(scrub("ACCESS_TOKEN=x é"), "ACCESS_TOKEN=[redacted] é");
    }

    #[test]
    fn headers_lose_their_credentials_with_or_without_a_scheme() {
        let h = |name: &str, value: &str| header(name, value.to_owned());
        assert_eq!(h("authorization", "Bearer EAAB"), "Bearer [redacted]");
        assert_eq!(h("authorization", "s3cr3t-no-scheme"), "[redacted]");
        assert_eq!(
            h("proxy-authorization", "Basic dXNlcjpwYXNz"),
            "Basic [redacted]"
        );
        assert_eq!(h("x-api-key", "k"), "[redacted]");
        assert_eq!(h("x-access-token", "t"), "[redacted]");
        assert_eq!(h("user-agent", "pywa/4.5"), "pywa/4.5");
    }

    #[test]
    fn bodies_lose_secrets_at_any_depth() {
        let sent =
            json!({"a": {"client_secret": "s", "list": [{"pin": "1"}]}, "note": "x?input_token=T"});
        assert_eq!(
            body(sent),
            json!({"a": {"client_secret": "[redacted]", "list": [{"pin": "[redacted]"}]}, "note": "x?input_token=[redacted]"})
        );
        assert_eq!(param("Access_Token", "EAAB".into()), "[redacted]");
        assert_eq!(
            param("q", "a&access_token=EAAB".into()),
            "a&access_token=[redacted]"
        );
    }
}
