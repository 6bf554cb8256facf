//! The values of the agents' interface area of the store: macros (canned replies).

use chrono::{DateTime, Utc};
use serde::Serialize;

/// A macro to create, or the new name and text of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMacro {
    /// Unique among macros.
    pub name: String,
    /// The text, with variables such as `{{customer.first_name}}` filled in when inserted.
    pub body: String,
}

/// A stored macro.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Macro {
    pub id: i64,
    pub name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
