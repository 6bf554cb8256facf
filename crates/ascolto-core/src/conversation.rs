//! Conversations: one thread with one customer on one channel, and its place in the queue.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{AgentId, ConversationId, CustomerId, TeamId, word_enum};

word_enum!(
    /// The channel a conversation runs on. Replies go back through the same channel.
    Channel {
        Email = "email",
        WebChat = "webchat",
        WhatsApp = "whatsapp",
        Telegram = "telegram",
        /// Messages created by an integration through the JSON API.
        Api = "api",
    }
);

impl Channel {
    /// Live channels, where a customer waits minutes rather than hours.
    pub fn is_live(self) -> bool {
        matches!(self, Channel::WebChat | Channel::WhatsApp | Channel::Telegram)
    }
}

word_enum!(
    /// Where a conversation stands.
    ConversationStatus {
        /// Waiting for an agent.
        Open = "open",
        /// Waiting for the customer.
        Pending = "pending",
        /// Put aside until a time or until the customer writes.
        Snoozed = "snoozed",
        Resolved = "resolved",
    }
);

word_enum!(
    /// How soon a conversation needs an answer.
    Priority {
        Urgent = "urgent",
        High = "high",
        Normal = "normal",
        Low = "low",
    }
);

impl Priority {
    /// Sort rank: 0 is the most urgent.
    pub fn rank(self) -> i64 {
        match self {
            Priority::Urgent => 0,
            Priority::High => 1,
            Priority::Normal => 2,
            Priority::Low => 3,
        }
    }

    pub fn from_rank(rank: i64) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.rank() == rank)
    }
}

/// A conversation as the queue and the reports see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Conversation {
    pub id: ConversationId,
    pub customer_id: CustomerId,
    pub channel: Channel,
    pub subject: String,
    pub status: ConversationStatus,
    pub priority: Priority,
    pub assignee: Option<AgentId>,
    pub team: Option<TeamId>,
    pub tags: Vec<String>,
    /// Set when this conversation was merged into another: its messages live there now.
    pub merged_into: Option<ConversationId>,
    pub message_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_message_at: DateTime<Utc>,
    /// The customer's latest message, the start of their current wait.
    pub last_customer_message_at: Option<DateTime<Utc>>,
    pub last_agent_reply_at: Option<DateTime<Utc>>,
    /// The first reply an agent sent: first-response time is measured to here.
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub snoozed_until: Option<DateTime<Utc>>,
}

impl Conversation {
    /// Whether the customer is waiting for us: their message is newer than our last reply.
    pub fn customer_is_waiting(&self) -> bool {
        match (self.last_customer_message_at, self.last_agent_reply_at) {
            (Some(customer), Some(agent)) => customer > agent,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_rank_round_trips() {
        for priority in Priority::ALL {
            assert_eq!(Priority::from_rank(priority.rank()), Some(*priority));
        }
        assert_eq!(Priority::from_rank(9), None);
    }

    #[test]
    fn unknown_status_lists_the_accepted_words() {
        let error = "closed".parse::<ConversationStatus>().unwrap_err();
        assert!(error.reason.contains("open, pending, snoozed, resolved"), "{error}");
    }
}
