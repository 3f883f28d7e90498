//! Subset matching of JSON, with messages that say where and how an answer
//! differs. A pattern object matches an object that has at least its members
//! (each matching); an array matches an array of the same length element by
//! element; anything else must be equal. Three operators, each an object
//! with one key: `{"$exists": false}` (the member must be absent; `true`:
//! present, any value), `{"$contains": "text"}` (a substring) or
//! `{"$contains": [patterns]}` (an array with an element matching each), and
//! `{"$length": n}` (of an array, object or string); an object whose keys
//! all start with `$` applies each operator. Lists of webhooks or app
//! calls are matched against lists of patterns in order or in any order.

use serde_json::Value;

use super::format::Order;

/// Where and how an actual value differs from its pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    pub path: String,
    pub expected: String,
    pub actual: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: expected {}, got {}",
            self.path, self.expected, self.actual
        )
    }
}

/// Compact JSON, cut to a readable length.
pub fn brief(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= 300 {
        text
    } else {
        let cut: String = text.chars().take(300).collect();
        format!("{cut}…")
    }
}

fn mismatch(path: &str, expected: String, actual: String) -> Mismatch {
    Mismatch {
        path: path.to_owned(),
        expected,
        actual,
    }
}

/// The operators of a pattern object whose keys all start with `$`
/// (`{"$length": 2, "$contains": […]}`), if it is one.
fn operators(pattern: &Value) -> Option<Vec<(&str, &Value)>> {
    let members = pattern.as_object()?;
    let all = !members.is_empty() && members.keys().all(|key| key.starts_with('$'));
    all.then(|| members.iter().map(|(k, v)| (k.as_str(), v)).collect())
}

/// Whether a member's pattern is `{"$exists": false}`.
fn must_be_absent(pattern: &Value) -> bool {
    operators(pattern).is_some_and(|ops| ops == [("$exists", &Value::Bool(false))])
}

/// Check `actual` against `pattern`; `path` names the value (`body`).
pub fn check(pattern: &Value, actual: &Value, path: &str) -> Result<(), Mismatch> {
    if let Some(operators) = operators(pattern) {
        for (name, argument) in operators {
            check_operator(name, argument, actual, path)?;
        }
        return Ok(());
    }
    match (pattern, actual) {
        (Value::Object(expected), Value::Object(members)) => {
            for (key, want) in expected {
                let place = format!("{path}.{key}");
                match (must_be_absent(want), members.get(key)) {
                    (true, None) => {}
                    (true, Some(found)) => {
                        return Err(mismatch(&place, "no such member".into(), brief(found)));
                    }
                    (false, None) => {
                        return Err(mismatch(
                            &place,
                            brief(want),
                            "nothing (no such member)".into(),
                        ));
                    }
                    (false, Some(found)) => check(want, found, &place)?,
                }
            }
            Ok(())
        }
        (Value::Array(expected), Value::Array(items)) => {
            if expected.len() != items.len() {
                return Err(mismatch(
                    path,
                    format!("{} items {}", expected.len(), brief(pattern)),
                    format!("{} items {}", items.len(), brief(actual)),
                ));
            }
            for (i, (want, found)) in expected.iter().zip(items).enumerate() {
                check(want, found, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        _ if pattern == actual => Ok(()),
        _ => Err(mismatch(path, brief(pattern), brief(actual))),
    }
}

fn check_operator(
    name: &str,
    argument: &Value,
    actual: &Value,
    path: &str,
) -> Result<(), Mismatch> {
    match (name, argument) {
        // Absence is decided by the parent object; reaching here means present.
        ("$exists", Value::Bool(true)) => Ok(()),
        ("$exists", Value::Bool(false)) => Err(mismatch(path, "nothing".into(), brief(actual))),
        ("$contains", Value::String(part)) => match actual {
            Value::String(text) if text.contains(part.as_str()) => Ok(()),
            _ => Err(mismatch(
                path,
                format!("a string containing {part:?}"),
                brief(actual),
            )),
        },
        ("$contains", Value::Array(wanted)) => {
            let Value::Array(items) = actual else {
                return Err(mismatch(
                    path,
                    format!("an array containing {}", brief(argument)),
                    brief(actual),
                ));
            };
            for (i, want) in wanted.iter().enumerate() {
                if !items.iter().any(|item| check(want, item, path).is_ok()) {
                    return Err(mismatch(
                        &format!("{path}.$contains[{i}]"),
                        format!("an element matching {}", brief(want)),
                        format!("none of {} elements {}", items.len(), brief(actual)),
                    ));
                }
            }
            Ok(())
        }
        ("$length", Value::Number(n)) => {
            let length = match actual {
                Value::Array(items) => Some(items.len()),
                Value::Object(members) => Some(members.len()),
                Value::String(text) => Some(text.chars().count()),
                _ => None,
            };
            match (length, n.as_u64()) {
                (Some(length), Some(want)) if length as u64 == want => Ok(()),
                (Some(length), _) => Err(mismatch(
                    path,
                    format!("length {n}"),
                    format!("length {length}: {}", brief(actual)),
                )),
                (None, _) => Err(mismatch(path, format!("length {n}"), brief(actual))),
            }
        }
        _ => Err(mismatch(
            path,
            format!(
                "a known operator ($exists: true|false, $contains: string|array, $length: number), not {name}: {}",
                brief(argument)
            ),
            brief(actual),
        )),
    }
}

/// Match new `items` against `patterns`: the count must be `count`, and the
/// patterns must match distinct items (in order, or in any order). Answers
/// which item each pattern matched, or why not.
pub fn check_list(
    items: &[Value],
    patterns: &[Value],
    count: usize,
    order: Order,
    noun: &str,
) -> Result<Vec<usize>, String> {
    if items.len() != count {
        return Err(format!(
            "expected {count} new {noun}, got {}: {}",
            items.len(),
            brief(&Value::Array(items.to_vec()))
        ));
    }
    match order {
        Order::InOrder => in_order(items, patterns, noun),
        Order::Any => any_order(items, patterns, noun),
    }
}

/// Leftmost matching finds a subsequence whenever one exists.
fn in_order(items: &[Value], patterns: &[Value], noun: &str) -> Result<Vec<usize>, String> {
    let mut chosen = Vec::with_capacity(patterns.len());
    let mut next = 0;
    for (p, pattern) in patterns.iter().enumerate() {
        let found = (next..items.len()).find(|&i| check(pattern, &items[i], "").is_ok());
        match found {
            Some(i) => {
                chosen.push(i);
                next = i + 1;
            }
            None => {
                let closest = items
                    .get(next)
                    .map(|item| check(pattern, item, &format!("{noun}[{next}]")));
                let why = match closest {
                    Some(Err(mismatch)) => format!("; {noun}[{next}] differs at {mismatch}"),
                    _ => format!("; no {noun} left after [{}]", next.saturating_sub(1)),
                };
                return Err(format!(
                    "match[{p}] ({}) matches no {noun} in order{why}",
                    brief(pattern)
                ));
            }
        }
    }
    Ok(chosen)
}

/// Each pattern to a different item (augmenting paths; the lists are short).
fn any_order(items: &[Value], patterns: &[Value], noun: &str) -> Result<Vec<usize>, String> {
    let fits: Vec<Vec<usize>> = patterns
        .iter()
        .map(|pattern| {
            (0..items.len())
                .filter(|&i| check(pattern, &items[i], "").is_ok())
                .collect()
        })
        .collect();
    let mut owner: Vec<Option<usize>> = vec![None; items.len()];
    fn augment(
        p: usize,
        fits: &[Vec<usize>],
        owner: &mut [Option<usize>],
        seen: &mut [bool],
    ) -> bool {
        for &i in &fits[p] {
            if seen[i] {
                continue;
            }
            seen[i] = true;
            if owner[i].is_none_or(|other| augment(other, fits, owner, seen)) {
                owner[i] = Some(p);
                return true;
            }
        }
        false
    }
    for p in 0..patterns.len() {
        let mut seen = vec![false; items.len()];
        if !augment(p, &fits, &mut owner, &mut seen) {
            let why = if fits[p].is_empty() {
                match items
                    .first()
                    .map(|item| check(&patterns[p], item, &format!("{noun}[0]")))
                {
                    Some(Err(mismatch)) => format!("; e.g. {mismatch}"),
                    _ => String::new(),
                }
            } else {
                "; the ones it matches are taken by other patterns".to_owned()
            };
            return Err(format!(
                "match[{p}] ({}) matches no {noun}{why}",
                brief(&patterns[p])
            ));
        }
    }
    let mut chosen = vec![0; patterns.len()];
    for (i, p) in owner.iter().enumerate() {
        if let Some(p) = p {
            chosen[*p] = i;
        }
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn objects_match_a_subset_and_arrays_element_by_element() {
        let actual = json!({"a": 1, "b": {"c": [1, 2], "d": "x"}});
        assert_eq!(check(&json!({"b": {"d": "x"}}), &actual, "body"), Ok(()));
        assert_eq!(check(&json!({"b": {"c": [1, 2]}}), &actual, "body"), Ok(()));
        let error = check(&json!({"b": {"c": [1, 3]}}), &actual, "body").unwrap_err();
        assert_eq!(error.to_string(), "body.b.c[1]: expected 3, got 2");
        let error = check(&json!({"b": {"c": [1]}}), &actual, "body").unwrap_err();
        assert_eq!(
            error.to_string(),
            "body.b.c: expected 1 items [1], got 2 items [1,2]"
        );
        let error = check(&json!({"z": 1}), &actual, "body").unwrap_err();
        assert_eq!(
            error.to_string(),
            "body.z: expected 1, got nothing (no such member)"
        );
    }

    #[test]
    fn operators_check_presence_substrings_elements_and_lengths() {
        let actual = json!({"id": "wamid.HBgL", "list": [{"k": 1}, {"k": 2}]});
        assert!(
            check(
                &json!({"id": {"$exists": true}, "gone": {"$exists": false}}),
                &actual,
                "b"
            )
            .is_ok()
        );
        let error = check(&json!({"id": {"$exists": false}}), &actual, "b").unwrap_err();
        assert_eq!(
            error.to_string(),
            "b.id: expected no such member, got \"wamid.HBgL\""
        );
        assert!(check(&json!({"id": {"$contains": "wamid."}}), &actual, "b").is_ok());
        assert!(check(&json!({"list": {"$contains": [{"k": 2}]}}), &actual, "b").is_ok());
        let error = check(&json!({"list": {"$contains": [{"k": 3}]}}), &actual, "b").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("b.list.$contains[0]: expected an element matching {\"k\":3}")
        );
        assert!(
            check(
                &json!({"list": {"$length": 2}, "id": {"$length": 10}}),
                &actual,
                "b"
            )
            .is_ok()
        );
        let error = check(&json!({"list": {"$length": 1}}), &actual, "b").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("b.list: expected length 1, got length 2")
        );
        let error = check(&json!({"id": {"$regex": "x"}}), &actual, "b").unwrap_err();
        assert!(error.expected.starts_with("a known operator"), "{error}");
    }

    #[test]
    fn lists_match_in_order_or_in_any_order() {
        let items = [json!({"n": 1}), json!({"n": 2}), json!({"n": 3})];
        let patterns = [json!({"n": 1}), json!({"n": 3})];
        assert_eq!(
            check_list(&items, &patterns, 3, Order::InOrder, "webhooks"),
            Ok(vec![0, 2])
        );
        let reversed = [json!({"n": 3}), json!({"n": 1})];
        let error = check_list(&items, &reversed, 3, Order::InOrder, "webhooks").unwrap_err();
        assert!(
            error.starts_with("match[1] ({\"n\":1}) matches no webhooks in order"),
            "{error}"
        );
        assert_eq!(
            check_list(&items, &reversed, 3, Order::Any, "webhooks"),
            Ok(vec![2, 0])
        );
        let error = check_list(&items, &patterns, 2, Order::Any, "webhooks").unwrap_err();
        assert!(
            error.starts_with("expected 2 new webhooks, got 3"),
            "{error}"
        );
        // Two patterns that fit the same single item: one of them is left out.
        let both = [json!({}), json!({"n": 2})];
        assert_eq!(
            check_list(&items[1..2], &both, 1, Order::Any, "calls").unwrap_err(),
            "match[1] ({\"n\":2}) matches no calls; the ones it matches are taken by other patterns"
        );
        // Augmenting: the first pattern gives up the item the second needs.
        let items = [json!({"n": 2}), json!({"n": 1})];
        let patterns = [json!({}), json!({"n": 2})];
        assert_eq!(
            check_list(&items, &patterns, 2, Order::Any, "calls"),
            Ok(vec![1, 0])
        );
    }
}
