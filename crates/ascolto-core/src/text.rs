//! Small parsing helpers shared by the domain types: string enums stored as text, and
//! trimmed, bounded text fields.

use crate::ParseError;

/// Declares a fieldless enum that is stored and sent as a lower-case word.
///
/// It gives `as_str`, `ALL`, `FromStr` (with an error listing the accepted words), and
/// serde and OpenAPI support through the same words.
#[macro_export]
macro_rules! word_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
        )]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $word)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word this value is stored and sent as.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::ParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($word => Ok($name::$variant),)+
                    other => Err($crate::ParseError::new(
                        stringify!($name),
                        format!(
                            "{other:?} is not one of: {}",
                            [$($word),+].join(", ")
                        ),
                    )),
                }
            }
        }
    };
}

/// Trims `raw` and checks it is neither empty nor longer than `max_chars`.
pub fn required_text(field: &'static str, raw: &str, max_chars: usize) -> Result<String, ParseError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(ParseError::new(field, "must not be empty"));
    }
    bounded(field, trimmed, max_chars).map(str::to_owned)
}

/// Checks `raw` is at most `max_chars` characters long.
pub fn bounded<'a>(field: &'static str, raw: &'a str, max_chars: usize) -> Result<&'a str, ParseError> {
    if raw.chars().count() > max_chars {
        return Err(ParseError::new(field, format!("must be at most {max_chars} characters")));
    }
    Ok(raw)
}

/// Parses a tag: trimmed, lower-case, 1 to 64 characters of letters, digits, `-`, `_` or `:`.
pub fn parse_tag(raw: &str) -> Result<String, ParseError> {
    let tag = raw.trim().to_lowercase();
    let valid = !tag.is_empty()
        && tag.chars().count() <= 64
        && tag.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ':'));
    if valid {
        Ok(tag)
    } else {
        Err(ParseError::new(
            "tags",
            format!("{raw:?} is not a tag: use 1 to 64 letters, digits, '-', '_' or ':'"),
        ))
    }
}

/// Parses a list of tags, dropping duplicates and keeping them sorted.
pub fn parse_tags<S: AsRef<str>>(raw: &[S]) -> Result<Vec<String>, ParseError> {
    let mut tags = raw.iter().map(|t| parse_tag(t.as_ref())).collect::<Result<Vec<_>, _>>()?;
    tags.sort();
    tags.dedup();
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_lower_cased_sorted_and_unique() {
        assert_eq!(parse_tags(&["VIP", "pre-sale", "vip"]).unwrap(), vec!["pre-sale", "vip"]);
    }

    #[test]
    fn a_tag_with_spaces_is_refused() {
        assert!(parse_tag("two words").is_err());
        assert!(parse_tag("   ").is_err());
    }

    #[test]
    fn required_text_counts_characters_not_bytes() {
        assert!(required_text("name", "è".repeat(10).as_str(), 10).is_ok());
        assert!(required_text("name", "è".repeat(11).as_str(), 10).is_err());
    }
}
