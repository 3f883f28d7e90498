//! "Connect WhatsApp" on a Facebook Page and "Sync profile with Page".
//!
//! A Page has at most one WhatsApp number and a number at most one Page.
//! While sync is on, every change to the Page's business info is copied to
//! the number's WhatsApp profile; nothing flows back. Editing a synced field
//! on the WhatsApp side stops the sync: in the Business app only after the
//! user confirms a warning, through the Cloud API at once (an API call has
//! no one to warn). Turning sync back on copies the Page's current values.

use serde::{Deserialize, Serialize};

use crate::world::pages::{ALL_PAGE_TASKS, Page, PageInfoUpdate};
use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;
use crate::world::whatsapp::profile::{
    BusinessProfile, ProfileUpdate, TEXT_FIELDS, WEBSITE_MAX, check_update,
};

/// The WhatsApp profile fields a Page's business info fills.
pub const SYNCED_FIELDS: [&str; 7] = [
    "about",
    "description",
    "address",
    "email",
    "websites",
    "hours",
    "category",
];

/// The Page task a person needs to connect WhatsApp (a Page admin has it).
const LINK_TASK: &str = ALL_PAGE_TASKS[5];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WhatsappPageLink {
    pub page_id: String,
    pub phone_number_id: String,
    /// The Facebook user who connected them.
    pub linked_by: String,
    pub linked_at: i64,
    pub sync: ProfileSync,
}

/// Whether the Page's business info flows to the WhatsApp profile.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ProfileSync {
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled_at: Option<i64>,
    /// Why and when sync stopped (while it is off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<SyncStop>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SyncStop {
    pub reason: SyncStopReason,
    pub at: i64,
    /// The WhatsApp-side fields whose edit stopped it (empty when turned off).
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SyncStopReason {
    /// The person turned "Sync profile with Page" off.
    TurnedOff,
    /// A synced field was edited in the WhatsApp Business app (after the warning).
    WhatsappAppEdit,
    /// A synced field was edited through the Cloud API's business profile.
    CloudApiEdit,
}

/// Why a link step was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkError {
    UnknownPage(String),
    UnknownPhone(String),
    UnknownUser(String),
    /// No user was named and the number's business has no owner to act.
    NoActingUser,
    NotPageAdmin {
        user: String,
        page: String,
    },
    NotOnWhatsapp(String),
    PageTaken {
        page: String,
        phone: String,
    },
    PhoneTaken {
        phone: String,
        page: String,
    },
    NotLinked(String),
}

impl LinkError {
    pub fn message(&self) -> String {
        match self {
            LinkError::UnknownPage(id) => {
                format!("No Facebook Page with id {id:?} in this sandbox")
            }
            LinkError::UnknownPhone(id) => {
                format!("No WhatsApp phone number with id {id:?} in this sandbox")
            }
            LinkError::UnknownUser(id) => {
                format!("No Facebook user with id {id:?} in this sandbox")
            }
            LinkError::NoActingUser => {
                "user_id is required: the number's business has no owner to log in to Facebook"
                    .into()
            }
            LinkError::NotPageAdmin { user, page } => format!(
                "Facebook user {user} cannot connect WhatsApp to Page {page}: it needs a role with the {LINK_TASK} task on the Page"
            ),
            LinkError::NotOnWhatsapp(id) => format!(
                "Phone number {id} is not registered on WhatsApp yet; register it before connecting it to a Page"
            ),
            LinkError::PageTaken { page, phone } => format!(
                "Page {page} already has WhatsApp number {phone} connected; remove it first"
            ),
            LinkError::PhoneTaken { phone, page } => format!(
                "Phone number {phone} is already connected to Page {page}; remove it there first"
            ),
            LinkError::NotLinked(page) => format!("Page {page} has no WhatsApp number connected"),
        }
    }
}

/// Who edits a WhatsApp business profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileEditor {
    CloudApi,
    /// The WhatsApp Business app; `confirm` answers the "sync will stop" warning.
    BusinessApp {
        confirm: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum ProfileEditError {
    UnknownPhone(String),
    Invalid(Invalid),
    /// The app warns before an edit that would stop the sync with a Page.
    WouldStopSync {
        page_id: String,
        fields: Vec<String>,
    },
}

/// A profile field's length limit (a Page allows longer texts).
fn limit(field: &str) -> usize {
    TEXT_FIELDS
        .iter()
        .find(|(name, _)| *name == field)
        .map_or(usize::MAX, |(_, max)| *max)
}

/// Prose cut to the field's limit.
fn clamp(field: &str, text: &str) -> String {
    text.chars().take(limit(field)).collect()
}

/// Copy a Page's business info over the synced fields of a WhatsApp profile.
/// Prose is cut to WhatsApp's limits; a value WhatsApp's profile would refuse
/// whole (an email or website too long to keep, an empty about) is not
/// copied, and the WhatsApp field keeps its value.
fn copy_page_to_profile(page: &Page, profile: &mut BusinessProfile) {
    let info = &page.info;
    if let Some(about) = &info.about {
        profile.about = Some(clamp("about", about));
    }
    profile.description = info.description.as_deref().map(|t| clamp("description", t));
    profile.address = info
        .single_line_address
        .as_deref()
        .map(|t| clamp("address", t));
    match info.emails.first() {
        None => profile.email = None,
        Some(email) if email.chars().count() <= limit("email") => {
            profile.email = Some(email.clone());
        }
        Some(_) => {}
    }
    match &info.website {
        None => profile.websites.clear(),
        Some(website) if website.len() <= WEBSITE_MAX => profile.websites = vec![website.clone()],
        Some(_) => {}
    }
    profile.hours = info.hours.clone();
    profile.category = Some(page.category.clone());
}

impl Sandbox {
    /// The digits of the WhatsApp number connected to a Page, if any.
    pub fn linked_whatsapp_number(&self, page_id: &str) -> Option<&str> {
        let link = self.links.whatsapp_pages.get(page_id)?;
        self.whatsapp
            .phone_numbers
            .get(&link.phone_number_id)
            .map(|phone| phone.digits.as_str())
    }

    /// The Page link of a WhatsApp number, if it has one.
    pub fn whatsapp_link_of_phone(&self, phone_number_id: &str) -> Option<&WhatsappPageLink> {
        self.links
            .whatsapp_pages
            .values()
            .find(|link| link.phone_number_id == phone_number_id)
    }

    /// "Connect WhatsApp": `user_id` (default: the owner of the number's
    /// business) must administer the Page; the number must be registered.
    pub fn link_whatsapp_to_page(
        &mut self,
        page_id: &str,
        phone_number_id: &str,
        user_id: Option<&str>,
    ) -> Result<&WhatsappPageLink, LinkError> {
        let page = self
            .pages
            .pages
            .get(page_id)
            .ok_or_else(|| LinkError::UnknownPage(page_id.to_owned()))?;
        let phone = self
            .whatsapp
            .phone_numbers
            .get(phone_number_id)
            .ok_or_else(|| LinkError::UnknownPhone(phone_number_id.to_owned()))?;
        let user = match user_id {
            Some(user) if self.accounts.users.contains_key(user) => user.to_owned(),
            Some(user) => return Err(LinkError::UnknownUser(user.to_owned())),
            None => self
                .business_of_phone(phone_number_id)
                .and_then(|business| {
                    self.accounts
                        .businesses
                        .get(&business)?
                        .owner_user_id
                        .clone()
                })
                .ok_or(LinkError::NoActingUser)?,
        };
        if !page
            .roles
            .get(&user)
            .is_some_and(|tasks| tasks.iter().any(|t| t == LINK_TASK))
        {
            return Err(LinkError::NotPageAdmin {
                user,
                page: page_id.to_owned(),
            });
        }
        if !phone.is_registered() {
            return Err(LinkError::NotOnWhatsapp(phone_number_id.to_owned()));
        }
        if let Some(link) = self.links.whatsapp_pages.get(page_id) {
            return Err(LinkError::PageTaken {
                page: page_id.to_owned(),
                phone: link.phone_number_id.clone(),
            });
        }
        if let Some(link) = self.whatsapp_link_of_phone(phone_number_id) {
            return Err(LinkError::PhoneTaken {
                phone: phone_number_id.to_owned(),
                page: link.page_id.clone(),
            });
        }
        let link = WhatsappPageLink {
            page_id: page_id.to_owned(),
            phone_number_id: phone_number_id.to_owned(),
            linked_by: user,
            linked_at: self.clock.now(),
            sync: ProfileSync::default(),
        };
        Ok(self
            .links
            .whatsapp_pages
            .entry(page_id.to_owned())
            .or_insert(link))
    }

    fn require_page(&self, page_id: &str) -> Result<(), LinkError> {
        if self.pages.pages.contains_key(page_id) {
            Ok(())
        } else {
            Err(LinkError::UnknownPage(page_id.to_owned()))
        }
    }

    /// The WhatsApp link of a Page.
    pub fn whatsapp_link(&self, page_id: &str) -> Result<&WhatsappPageLink, LinkError> {
        self.require_page(page_id)?;
        self.links
            .whatsapp_pages
            .get(page_id)
            .ok_or_else(|| LinkError::NotLinked(page_id.to_owned()))
    }

    /// "Remove WhatsApp": the Page loses its WhatsApp button; the WhatsApp
    /// profile keeps whatever it holds.
    pub fn unlink_whatsapp_from_page(
        &mut self,
        page_id: &str,
    ) -> Result<WhatsappPageLink, LinkError> {
        self.require_page(page_id)?;
        self.links
            .whatsapp_pages
            .remove(page_id)
            .ok_or_else(|| LinkError::NotLinked(page_id.to_owned()))
    }

    /// Turn "Sync profile with Page" on (copying the Page's current values
    /// over) or off.
    pub fn set_profile_sync(
        &mut self,
        page_id: &str,
        enabled: bool,
    ) -> Result<&WhatsappPageLink, LinkError> {
        self.require_page(page_id)?;
        let now = self.clock.now();
        let link = self
            .links
            .whatsapp_pages
            .get_mut(page_id)
            .ok_or_else(|| LinkError::NotLinked(page_id.to_owned()))?;
        match (link.sync.enabled, enabled) {
            (false, true) => {
                link.sync.enabled = true;
                link.sync.enabled_at = Some(now);
                link.sync.stopped = None;
                self.copy_synced_page(page_id);
            }
            (true, false) => {
                link.sync.enabled = false;
                link.sync.stopped = Some(SyncStop {
                    reason: SyncStopReason::TurnedOff,
                    at: now,
                    fields: Vec::new(),
                });
            }
            _ => {}
        }
        Ok(&self.links.whatsapp_pages[page_id])
    }

    /// Edit a Page's business info; a synced WhatsApp profile follows.
    pub fn edit_page_info(&mut self, page_id: &str, update: PageInfoUpdate) -> Result<(), Invalid> {
        update.check()?;
        let page = self
            .pages
            .pages
            .get_mut(page_id)
            .ok_or_else(|| Invalid::new("page_id", format!("unknown Page {page_id}")))?;
        if page.apply(update) {
            self.copy_synced_page(page_id);
        }
        Ok(())
    }

    /// Copy the Page's business info to its number's profile if sync is on.
    fn copy_synced_page(&mut self, page_id: &str) {
        let Some(link) = self.links.whatsapp_pages.get(page_id) else {
            return;
        };
        if !link.sync.enabled {
            return;
        }
        if let (Some(page), Some(phone)) = (
            self.pages.pages.get(page_id),
            self.whatsapp.phone_numbers.get_mut(&link.phone_number_id),
        ) {
            copy_page_to_profile(page, &mut phone.profile);
        }
    }

    /// Edit a number's WhatsApp profile from the Cloud API or the Business
    /// app, with the sync rules above. Answers the stop it caused, if any.
    pub fn edit_whatsapp_profile(
        &mut self,
        phone_number_id: &str,
        update: ProfileUpdate,
        editor: ProfileEditor,
    ) -> Result<Option<SyncStop>, ProfileEditError> {
        if !self.whatsapp.phone_numbers.contains_key(phone_number_id) {
            return Err(ProfileEditError::UnknownPhone(phone_number_id.to_owned()));
        }
        // A broken edit is refused before the app would warn about the sync.
        check_update(&update).map_err(ProfileEditError::Invalid)?;
        let synced: Vec<String> = update
            .touched_fields()
            .into_iter()
            .filter(|field| SYNCED_FIELDS.contains(field))
            .map(str::to_owned)
            .collect();
        let syncing_page = self
            .whatsapp_link_of_phone(phone_number_id)
            .filter(|link| link.sync.enabled)
            .map(|link| link.page_id.clone());
        let stop = match (&syncing_page, synced.is_empty(), editor) {
            (Some(page_id), false, ProfileEditor::BusinessApp { confirm: false }) => {
                return Err(ProfileEditError::WouldStopSync {
                    page_id: page_id.clone(),
                    fields: synced,
                });
            }
            (Some(page_id), false, editor) => Some((
                page_id.clone(),
                SyncStop {
                    reason: match editor {
                        ProfileEditor::CloudApi => SyncStopReason::CloudApiEdit,
                        ProfileEditor::BusinessApp { .. } => SyncStopReason::WhatsappAppEdit,
                    },
                    at: self.clock.now(),
                    fields: synced,
                },
            )),
            _ => None,
        };
        self.update_business_profile(phone_number_id, update)
            .map_err(ProfileEditError::Invalid)?;
        Ok(stop.map(|(page_id, stop)| {
            if let Some(link) = self.links.whatsapp_pages.get_mut(&page_id) {
                link.sync.enabled = false;
                link.sync.stopped = Some(stop.clone());
            }
            stop
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    fn linked() -> (Sandbox, String, String) {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let page = sandbox.handles["page"].clone();
        let phone = sandbox.handles["phone_number"].clone();
        sandbox.link_whatsapp_to_page(&page, &phone, None).unwrap();
        (sandbox, page, phone)
    }

    fn hours_edit(open: &str) -> PageInfoUpdate {
        PageInfoUpdate {
            hours: Some(
                [("mon_1_open", open), ("mon_1_close", "17:00")]
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
            ),
            ..Default::default()
        }
    }

    fn profile_hours(sandbox: &Sandbox, phone: &str) -> Option<String> {
        sandbox.whatsapp.phone_numbers[phone]
            .profile
            .hours
            .get("mon_1_open")
            .cloned()
    }

    #[test]
    fn page_edits_flow_only_while_sync_is_on() {
        let (mut sandbox, page, phone) = linked();
        sandbox.edit_page_info(&page, hours_edit("08:00")).unwrap();
        assert_eq!(profile_hours(&sandbox, &phone), None, "sync starts off");
        sandbox.set_profile_sync(&page, true).unwrap();
        assert_eq!(profile_hours(&sandbox, &phone).as_deref(), Some("08:00"));
        sandbox.edit_page_info(&page, hours_edit("07:00")).unwrap();
        assert_eq!(profile_hours(&sandbox, &phone).as_deref(), Some("07:00"));
    }

    #[test]
    fn an_app_edit_warns_then_stops_the_sync() {
        let (mut sandbox, page, phone) = linked();
        sandbox.set_profile_sync(&page, true).unwrap();
        let edit = ProfileUpdate {
            hours: hours_edit("11:00").hours,
            ..Default::default()
        };
        let warned = sandbox.edit_whatsapp_profile(
            &phone,
            edit.clone(),
            ProfileEditor::BusinessApp { confirm: false },
        );
        assert!(matches!(
            warned,
            Err(ProfileEditError::WouldStopSync { .. })
        ));
        assert_eq!(profile_hours(&sandbox, &phone).as_deref(), Some("09:00"));
        let stop = sandbox
            .edit_whatsapp_profile(&phone, edit, ProfileEditor::BusinessApp { confirm: true })
            .unwrap()
            .unwrap();
        assert_eq!(stop.reason, SyncStopReason::WhatsappAppEdit);
        assert_eq!(profile_hours(&sandbox, &phone).as_deref(), Some("11:00"));
        assert_eq!(sandbox.pages.pages[&page].info.hours["mon_1_open"], "09:00");
        sandbox.edit_page_info(&page, hours_edit("06:00")).unwrap();
        assert_eq!(profile_hours(&sandbox, &phone).as_deref(), Some("11:00"));
        sandbox.set_profile_sync(&page, true).unwrap();
        assert_eq!(profile_hours(&sandbox, &phone).as_deref(), Some("06:00"));
    }

    #[test]
    fn unsynced_fields_and_the_cloud_api() {
        let (mut sandbox, page, phone) = linked();
        sandbox.set_profile_sync(&page, true).unwrap();
        let vertical = ProfileUpdate {
            vertical: Some("RETAIL".into()),
            ..Default::default()
        };
        let outcome = sandbox
            .edit_whatsapp_profile(
                &phone,
                vertical,
                ProfileEditor::BusinessApp { confirm: false },
            )
            .unwrap();
        assert_eq!(outcome, None, "the vertical is not synced: no warning");
        let about = ProfileUpdate {
            texts: vec![("about".into(), "Open late".into())],
            ..Default::default()
        };
        let stop = sandbox
            .edit_whatsapp_profile(&phone, about, ProfileEditor::CloudApi)
            .unwrap()
            .unwrap();
        assert_eq!(stop.reason, SyncStopReason::CloudApiEdit);
        assert!(!sandbox.links.whatsapp_pages[&page].sync.enabled);
    }

    #[test]
    fn link_requirements() {
        let (mut sandbox, page, phone) = linked();
        assert!(matches!(
            sandbox.link_whatsapp_to_page(&page, &phone, None),
            Err(LinkError::PageTaken { .. })
        ));
        sandbox.unlink_whatsapp_from_page(&page).unwrap();
        assert!(matches!(
            sandbox.unlink_whatsapp_from_page(&page),
            Err(LinkError::NotLinked(_))
        ));
        let owner = sandbox.handles["owner"].clone();
        sandbox
            .pages
            .pages
            .get_mut(&page)
            .unwrap()
            .roles
            .insert(owner.clone(), vec!["ANALYZE".into()]);
        assert!(matches!(
            sandbox.link_whatsapp_to_page(&page, &phone, Some(&owner)),
            Err(LinkError::NotPageAdmin { .. })
        ));
    }
}
