//! Scenario variables and `${…}` substitution. A scenario starts with the
//! sandbox's names — `${waba}` (a fixture handle → its id), `${token.NAME}`,
//! `${secret.APP}`, `${app_token.APP}`, `${sandbox}` (its id) and
//! `${webhook_url}` (where the sandbox's webhooks go) — and each step's
//! `capture` adds more (`${wamid}`). A string that is exactly one `${name}`
//! becomes the variable's JSON value (a captured number stays a number);
//! anywhere else the value is written into the text. `$${` is a literal `${`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

#[derive(Debug, Clone, Default)]
pub struct Vars {
    values: BTreeMap<String, Value>,
}

impl Vars {
    pub fn set(&mut self, name: impl Into<String>, value: Value) {
        self.values.insert(name.into(), value);
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    /// The names under `namespace.` (`token` gives the token handles).
    pub fn names_in(&self, namespace: &str) -> Vec<&str> {
        self.values
            .keys()
            .filter_map(|name| name.strip_prefix(namespace)?.strip_prefix('.'))
            .collect()
    }

    /// Every variable of a sandbox: handles, tokens, secrets and app tokens.
    pub fn of_sandbox(info: &Value) -> Self {
        let mut vars = Vars::default();
        let strings = |key: &str| -> Vec<(String, String)> {
            info[key]
                .as_object()
                .map(|members| {
                    members
                        .iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                        .collect()
                })
                .unwrap_or_default()
        };
        let handles = strings("handles");
        for (handle, id) in &handles {
            vars.set(handle.clone(), Value::String(id.clone()));
        }
        for (handle, token) in strings("tokens") {
            vars.set(format!("token.{handle}"), Value::String(token));
        }
        for (app, secret) in strings("app_secrets") {
            if let Some((_, id)) = handles.iter().find(|(handle, _)| *handle == app) {
                vars.set(
                    format!("app_token.{app}"),
                    Value::String(format!("{id}|{secret}")),
                );
            }
            vars.set(format!("secret.{app}"), Value::String(secret));
        }
        if let Some(id) = info["id"].as_str() {
            vars.set("sandbox", Value::String(id.to_owned()));
        }
        vars
    }

    /// Substitute in a string; `field` names it in errors.
    pub fn string(&self, text: &str, field: &str) -> Result<Value, String> {
        if let Some(name) = text
            .strip_prefix("${")
            .and_then(|rest| rest.strip_suffix('}'))
            .filter(|name| !name.contains(['{', '}', '$']))
        {
            return self.lookup(name, field).cloned();
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..at]);
            let after = &rest[at..];
            if let Some(tail) = after.strip_prefix("$${") {
                out.push_str("${");
                rest = tail;
            } else if let Some(tail) = after.strip_prefix("${") {
                let Some(end) = tail.find('}') else {
                    return Err(format!("{field}: unclosed ${{ in {text:?}"));
                };
                match self.lookup(&tail[..end], field)? {
                    Value::String(s) => out.push_str(s),
                    other => out.push_str(&other.to_string()),
                }
                rest = &tail[end + 1..];
            } else {
                out.push('$');
                rest = &after[1..];
            }
        }
        out.push_str(rest);
        Ok(Value::String(out))
    }

    /// A string that must stay a string after substitution (paths, tokens).
    pub fn text(&self, text: &str, field: &str) -> Result<String, String> {
        Ok(match self.string(text, field)? {
            Value::String(s) => s,
            other => other.to_string(),
        })
    }

    /// Substitute in every string (and object key) of a JSON value.
    pub fn value(&self, value: &Value, field: &str) -> Result<Value, String> {
        Ok(match value {
            Value::String(s) => self.string(s, field)?,
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.value(item, &format!("{field}[{i}]")))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(members) => Value::Object(self.object(members, field)?),
            other => other.clone(),
        })
    }

    pub fn object(
        &self,
        members: &Map<String, Value>,
        field: &str,
    ) -> Result<Map<String, Value>, String> {
        members
            .iter()
            .map(|(key, item)| {
                let place = format!("{field}.{key}");
                Ok((self.text(key, &place)?, self.value(item, &place)?))
            })
            .collect()
    }

    fn lookup(&self, name: &str, field: &str) -> Result<&Value, String> {
        self.values.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.values.keys().map(String::as_str).collect();
            format!(
                "{field}: unknown variable ${{{name}}} (known: {})",
                known.join(", ")
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vars() -> Vars {
        Vars::of_sandbox(&json!({
            "id": "s1",
            "handles": {"app": "11", "waba": "22"},
            "tokens": {"t": "EAA1"},
            "app_secrets": {"app": "abc"},
        }))
    }

    #[test]
    fn sandbox_names_become_variables() {
        let vars = vars();
        assert_eq!(vars.get("waba"), Some(&json!("22")));
        assert_eq!(vars.get("token.t"), Some(&json!("EAA1")));
        assert_eq!(vars.get("secret.app"), Some(&json!("abc")));
        assert_eq!(vars.get("app_token.app"), Some(&json!("11|abc")));
        assert_eq!(vars.get("sandbox"), Some(&json!("s1")));
    }

    #[test]
    fn a_whole_string_keeps_the_type_and_text_interpolates() {
        let mut vars = vars();
        vars.set("n", json!(3));
        assert_eq!(vars.string("${n}", "f").unwrap(), json!(3));
        assert_eq!(
            vars.string("/v23.0/${waba}/x${n}", "f").unwrap(),
            json!("/v23.0/22/x3")
        );
        assert_eq!(
            vars.string("cost $5, $${waba}", "f").unwrap(),
            json!("cost $5, ${waba}")
        );
        assert_eq!(
            vars.value(&json!({"${waba}": ["${n}", {"a": "${token.t}"}]}), "body")
                .unwrap(),
            json!({"22": [3, {"a": "EAA1"}]})
        );
    }

    #[test]
    fn unknown_and_unclosed_variables_name_the_field() {
        let vars = vars();
        let error = vars
            .value(&json!({"a": ["${nope}"]}), "graph.body")
            .unwrap_err();
        assert!(
            error.starts_with("graph.body.a[0]: unknown variable ${nope} (known: "),
            "{error}"
        );
        let error = vars.string("x${waba", "graph.path").unwrap_err();
        assert_eq!(error, "graph.path: unclosed ${ in \"x${waba\"");
    }
}
