//! The placeholder vocabulary of conversation templates: every [`Fill`] by its name, and the
//! numbered form (`{finding_2}`) that asks for an independent value of the same kind.

pub use crate::text::Fill as Placeholder;

/// Every placeholder name with its kind and a one-line description (the documented vocabulary).
pub const VOCABULARY: &[(&str, Placeholder, &str)] = crate::text::FILLS;

impl Placeholder {
    /// Resolves a placeholder name: an exact vocabulary name, or one with a numeric suffix
    /// (`finding_2`) meaning an independent value of the same kind. Returns `(kind, group)`.
    pub fn resolve(name: &str) -> Option<(Self, u32)> {
        if let Some(kind) = Placeholder::by_name(name) {
            return Some((kind, 0));
        }
        let (base, suffix) = name.rsplit_once('_')?;
        let group: u32 = suffix.parse().ok()?;
        Some((Placeholder::by_name(base)?, group))
    }
}

/// The vocabulary's names, comma-separated (for error messages).
pub fn known_names() -> String {
    VOCABULARY
        .iter()
        .map(|(n, _, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}
