//! Why something a person tried in Messenger or Instagram was refused:
//! the same reasons on both, in the person's words.

/// A refused action of a person (or account owner) in Messenger or Instagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonRefusal {
    /// No such person: `(what, id)`, e.g. `("Facebook user", "35…")`.
    UnknownPerson(&'static str, String),
    /// Not someone (or a Page) they can write to.
    UnknownRecipient(String),
    ToSelf,
    /// `reply_to.mid` is not a message of this conversation.
    UnknownReply(String),
    UnknownMessage(String),
    /// A reaction to a message the person did not receive.
    NotReceived(String),
    /// Nothing to read: the other side sent nothing.
    NothingToRead,
    /// Only a professional account offers buttons to tap.
    NotProfessional(String),
}

impl PersonRefusal {
    pub fn message(&self) -> String {
        match self {
            PersonRefusal::UnknownPerson(what, id) => format!("No {what} with id {id:?}"),
            PersonRefusal::UnknownRecipient(id) => {
                format!("to: {id:?} is no one this person can write to in this sandbox")
            }
            PersonRefusal::ToSelf => "to: a person does not message themselves".to_owned(),
            PersonRefusal::UnknownReply(mid) => {
                format!("reply_to.mid: {mid:?} is not a message of this conversation")
            }
            PersonRefusal::UnknownMessage(mid) => format!("No message with id {mid:?}"),
            PersonRefusal::NotReceived(mid) => format!(
                "Message {mid} was not sent to this person: one reacts to what one received"
            ),
            PersonRefusal::NothingToRead => {
                "Nothing to read: the other side sent nothing yet".to_owned()
            }
            PersonRefusal::NotProfessional(id) => format!(
                "{id} is a personal account: only professional accounts send buttons to tap"
            ),
        }
    }
}
