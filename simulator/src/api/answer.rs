//! What a Graph call answers with on success: a JSON tree, or an answer
//! already encoded from a typed value. Most routes build a tree (`json!`);
//! the hot ones (sending a message) serialize a small typed struct once
//! instead, skipping the tree's maps and their hashing. A tree is encoded
//! after the sandbox lock is released (a large answer holds nobody up); an
//! encoded answer is small by construction.

use serde::Serialize;
use serde_json::Value;

use crate::world::encode::meta_json;

#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Tree(Value),
    /// JSON as [`meta_json`] encodes it.
    Encoded(Vec<u8>),
}

impl Answer {
    /// A typed value, encoded now. Only for small answers: this runs inside
    /// the sandbox's lock.
    pub fn typed<T: Serialize>(value: &T) -> Answer {
        Answer::Encoded(meta_json(value))
    }

    /// The answer's bytes as they go out.
    pub fn encode(self) -> Vec<u8> {
        match self {
            Answer::Tree(tree) => meta_json(&tree),
            Answer::Encoded(bytes) => bytes,
        }
    }

    /// The answer as a tree (a batch reads its operations' answers).
    pub fn into_tree(self) -> Value {
        match self {
            Answer::Tree(tree) => tree,
            Answer::Encoded(bytes) => {
                serde_json::from_slice(&bytes).expect("an encoded answer is JSON")
            }
        }
    }
}

impl From<Value> for Answer {
    fn from(tree: Value) -> Answer {
        Answer::Tree(tree)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Serialize)]
    struct Sent<'a> {
        messaging_product: &'a str,
        id: &'a str,
    }

    #[test]
    fn a_typed_answer_encodes_as_its_tree_would() {
        let typed = Answer::typed(&Sent {
            messaging_product: "whatsapp",
            id: "wamid.1/\u{e9}",
        });
        let tree = Answer::from(json!({"messaging_product": "whatsapp", "id": "wamid.1/\u{e9}"}));
        assert_eq!(typed.clone().encode(), tree.clone().encode());
        assert_eq!(typed.into_tree(), tree.into_tree());
    }
}
