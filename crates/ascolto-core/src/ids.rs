//! Typed identifiers, so a customer id can never be passed where a conversation id is meant.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
            utoipa::ToSchema,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self)
            }
        }
    };
}

id_type!(
    /// A customer: one person, whatever channels they write from.
    CustomerId
);
id_type!(
    /// A conversation (a ticket, in other desks' words).
    ConversationId
);
id_type!(
    /// One message, note or reply inside a conversation.
    MessageId
);
id_type!(
    /// A person who answers customers.
    AgentId
);
id_type!(
    /// A group of agents sharing a queue.
    TeamId
);
