//! The Pages part of a fixture: each Page with its business info and the
//! Facebook users who have a role on it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{ALL_PAGE_TASKS, Page, PageInfo};
use crate::world::fixture::FixtureError;
use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PageFixture {
    pub handle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(flatten)]
    pub info: PageInfo,
    /// Facebook users with a role on the Page (they see it in `/me/accounts`).
    #[serde(default)]
    pub roles: Vec<PageRoleFixture>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PageRoleFixture {
    pub user: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tasks: Option<Vec<String>>,
}

impl Sandbox {
    pub(crate) fn load_pages(&mut self, pages: &[PageFixture]) -> Result<(), FixtureError> {
        for (i, page) in pages.iter().enumerate() {
            let place = format!("pages[{i}]");
            let mut roles = BTreeMap::new();
            for (r, role) in page.roles.iter().enumerate() {
                let user = self.resolve_handle(
                    &role.user,
                    &[NodeKind::User],
                    &format!("{place}.roles[{r}].user"),
                )?;
                let tasks = role
                    .tasks
                    .clone()
                    .unwrap_or_else(|| ALL_PAGE_TASKS.iter().map(|t| (*t).to_owned()).collect());
                roles.insert(user, tasks);
            }
            let id = self.fixture_node(NodeKind::Page, page.id.as_deref(), &place)?;
            self.name_handle(&page.handle, &id, &place)?;
            let mut built = Page::new(id.clone(), page.name.clone(), roles);
            built.info = page.info.clone();
            if let Some(category) = &page.category {
                built.category = category.clone();
            }
            self.pages.pages.insert(id, Box::new(built));
        }
        Ok(())
    }
}
