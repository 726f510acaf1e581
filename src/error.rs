//! The error every command hands back to the user: one line for stderr and exit code 2.
//!
//! Depends on nothing else in the crate, so every module can return it.

/// A user error: one line for stderr, exit code 2.
#[derive(Debug)]
pub struct UserError(pub String);

impl<E: std::fmt::Display> From<E> for UserError {
    fn from(e: E) -> Self {
        UserError(e.to_string())
    }
}

/// Shorthand for the result of a command.
pub type Result<T, E = UserError> = std::result::Result<T, E>;
