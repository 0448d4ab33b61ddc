//! The one error type of the core. The binding maps each variant to one Python exception.

use std::fmt;

/// Everything that can go wrong while compiling a plan or producing output.
#[derive(Debug)]
pub enum Error {
    /// A JSON Schema cannot be compiled: `pointer` is the JSON pointer of the offending node.
    Schema { pointer: String, reason: String },
    /// A conversation template is malformed (unknown placeholder, unbalanced brace, ...).
    Template { location: String, reason: String },
    /// The generation config is invalid (bad constraint value, missing pool, ...).
    Config { field: String, reason: String },
    /// Writing output failed.
    Io {
        path: String,
        source: std::io::Error,
    },
    /// A generated instance failed validation (`validate=True`): `location` names the sample and
    /// the JSON pointer inside it. Only a bug in the generator can cause this.
    Invalid { location: String, reason: String },
    /// The run was stopped by the caller (Ctrl-C, or an error raised by a progress hook).
    Cancelled,
}

impl Error {
    pub fn schema(pointer: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Schema {
            pointer: pointer.into(),
            reason: reason.into(),
        }
    }
    pub fn template(location: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Template {
            location: location.into(),
            reason: reason.into(),
        }
    }
    pub fn config(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Config {
            field: field.into(),
            reason: reason.into(),
        }
    }
    pub fn io(path: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Schema { pointer, reason } => {
                let at = if pointer.is_empty() { "#" } else { pointer };
                write!(f, "schema at {at}: {reason}")
            }
            Error::Template { location, reason } => write!(f, "template {location}: {reason}"),
            Error::Config { field, reason } => write!(f, "{field}: {reason}"),
            Error::Io { path, source } => write!(f, "{path}: {source}"),
            Error::Invalid { location, reason } => {
                write!(f, "generated {location} is invalid: {reason}")
            }
            Error::Cancelled => write!(f, "generation was cancelled"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Result alias used throughout the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;
