//! `Display` and `std::error::Error` for [`GraphError`], so that `?` works
//! with it in a function returning `Box<dyn std::error::Error>` (or anyhow's,
//! or eyre's). `FixtureError` has its own, beside it in `world/fixture.rs`.

use std::fmt;

use crate::api::error::GraphError;

/// Meta's message, then its code, subcode and HTTP status:
/// `(#100) Invalid parameter (code 100, HTTP 400)`.
impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.error_subcode {
            Some(subcode) => write!(
                f,
                "{} (code {}, subcode {subcode}, HTTP {})",
                self.message, self.code, self.http_status
            ),
            None => write!(
                f,
                "{} (code {}, HTTP {})",
                self.message, self.code, self.http_status
            ),
        }
    }
}

impl std::error::Error for GraphError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_say_their_code_and_work_with_question_mark() {
        fn create() -> Result<(), Box<dyn std::error::Error>> {
            Err(GraphError::sim_invalid("id: use 1 to 64 letters"))?
        }
        let error = create().unwrap_err();
        assert_eq!(
            error.to_string(),
            "(#100) id: use 1 to 64 letters (code 100, HTTP 400)"
        );
        let unknown = GraphError::sim_not_found("No sandbox with id \"x\"");
        assert_eq!(
            unknown.to_string(),
            "No sandbox with id \"x\" (code 100, subcode 33, HTTP 404)"
        );
        let fixture = crate::FixtureError::at("users[0].name", "missing");
        let boxed: Box<dyn std::error::Error> = Box::new(fixture);
        assert_eq!(boxed.to_string(), "users[0].name: missing");
    }
}
