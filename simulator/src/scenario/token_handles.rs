//! Telling a mistyped token handle from a literal token. A step's `token` is
//! a handle of the sandbox (`system_user_token`, an app's handle) or, to test
//! a bad token, literal text (`"nope"`). Text that is not a handle but ends in
//! `_token` or is within two edits of one is taken for a typo and refused
//! with the handles there are, instead of being sent and answered with a
//! puzzling `190`.

/// How many single-character edits still read as a typo.
const TYPO_EDITS: usize = 2;

/// Levenshtein distance, bounded in cost by the short strings it compares.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

/// The error for `text` when it reads as a mistyped handle of `known`.
pub fn mistyped(text: &str, known: &[&str]) -> Option<String> {
    if known.contains(&text) {
        return None;
    }
    let closest = known
        .iter()
        .map(|handle| (edits(text, handle), *handle))
        .min();
    let typo =
        text.ends_with("_token") || closest.is_some_and(|(distance, _)| distance <= TYPO_EDITS);
    if !typo {
        return None;
    }
    let hint = match closest {
        Some((distance, handle)) if distance <= TYPO_EDITS => {
            format!(" (did you mean {handle:?}?)")
        }
        _ => String::new(),
    };
    Some(format!(
        "graph.token: unknown token handle {text:?}{hint}; this sandbox has {}",
        known.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: [&str; 3] = ["app", "system_user_token", "user_token"];

    #[test]
    fn typos_are_refused_with_the_closest_handle() {
        assert_eq!(
            mistyped("sytem_user_token", &KNOWN).unwrap(),
            "graph.token: unknown token handle \"sytem_user_token\" (did you mean \"system_user_token\"?); this sandbox has app, system_user_token, user_token"
        );
        assert!(
            mistyped("page_token", &KNOWN)
                .unwrap()
                .contains("unknown token handle \"page_token\"; this")
        );
        assert!(
            mistyped("ap", &KNOWN)
                .unwrap()
                .contains("did you mean \"app\"")
        );
    }

    #[test]
    fn handles_and_literal_tokens_pass() {
        for text in [
            "app",
            "user_token",
            "nope",
            "EAAMbogus",
            "123|secret",
            "expired-token",
        ] {
            assert_eq!(mistyped(text, &KNOWN), None, "{text}");
        }
        assert_eq!(edits("kitten", "sitting"), 3);
        assert_eq!(edits("", "abc"), 3);
    }
}
