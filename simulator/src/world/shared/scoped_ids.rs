//! The ids a business account knows a person by: page-scoped ids (PSIDs) on
//! Messenger, Instagram-scoped ids (IGSIDs) on Instagram. One per account
//! and person, derived from the seed, the account and the person — stable
//! whenever it is first needed, and drawn from nothing, so giving one out
//! shifts no other id. Each is a Graph node of the product's scoped-user kind.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;

/// Who a scoped id stands for.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ScopedId {
    /// The Page or Instagram professional account that sees the person so.
    pub account: String,
    pub person: String,
}

/// The scoped ids of one product.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ScopedIds {
    /// scoped id -> who it stands for.
    pub ids: BTreeMap<String, ScopedId>,
    /// `{account}/{person}` -> scoped id.
    pairs: BTreeMap<String, String>,
}

impl ScopedIds {
    pub fn get(&self, scoped: &str) -> Option<&ScopedId> {
        self.ids.get(scoped)
    }

    /// The id `person` has for `account`, if given out already.
    pub fn find(&self, account: &str, person: &str) -> Option<&str> {
        self.pairs
            .get(&format!("{account}/{person}"))
            .map(String::as_str)
    }

    pub fn insert(&mut self, scoped: String, account: &str, person: &str) {
        self.pairs
            .insert(format!("{account}/{person}"), scoped.clone());
        self.ids.insert(
            scoped,
            ScopedId {
                account: account.to_owned(),
                person: person.to_owned(),
            },
        );
    }
}

impl Sandbox {
    /// An id of `kind`'s shape derived from `salt` (not drawn), skipping ids
    /// in use; registered as a node of `kind` when `node` says so.
    pub fn derive_id(&mut self, kind: NodeKind, salt: &str, node: bool) -> String {
        let (prefix, len) = kind.id_shape();
        let mut attempt = 0u32;
        loop {
            let salted = format!("{kind:?}/{salt}/{attempt}");
            let id = format!(
                "{prefix}{}",
                self.ids.derived_digits(&salted, len - prefix.len())
            );
            if !self.registry.contains_key(&id) {
                if node {
                    self.registry.insert(id.clone(), kind);
                }
                return id;
            }
            attempt += 1;
        }
    }

    /// A scoped id of `kind` for `person` as `account` sees them, registered.
    pub fn derive_scoped_id(&mut self, kind: NodeKind, account: &str, person: &str) -> String {
        self.derive_id(kind, &format!("{account}/{person}"), true)
    }
}
