//! Macro variables: `{{customer.first_name}}` and friends, filled in when a macro is inserted.
//! Unknown variables stay as written, so the reply box's placeholder check catches them.

use ascolto_core::{Agent, Conversation, Customer};

/// The variables a macro may use, for the settings page and the API documentation.
pub const VARIABLES: &[&str] = &[
    "customer.name",
    "customer.first_name",
    "agent.name",
    "agent.first_name",
    "conversation.subject",
    "conversation.id",
];

fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or(name)
}

fn value(variable: &str, customer: &Customer, agent: &Agent, conversation: &Conversation) -> Option<String> {
    Some(match variable {
        "customer.name" => customer.name.clone(),
        "customer.first_name" => first_name(&customer.name).to_owned(),
        "agent.name" => agent.name.clone(),
        "agent.first_name" => first_name(&agent.name).to_owned(),
        "conversation.subject" => conversation.subject.clone(),
        "conversation.id" => conversation.id.to_string(),
        _ => return None,
    })
}

/// The macro's text with every known `{{variable}}` (spaces inside the braces allowed)
/// replaced by its value.
pub fn fill(body: &str, customer: &Customer, agent: &Agent, conversation: &Conversation) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        match after.find("}}") {
            Some(close) => {
                let variable = after[..close].trim();
                match value(variable, customer, agent, conversation) {
                    Some(filled) => out.push_str(&filled),
                    None => out.push_str(&rest[open..open + 2 + close + 2]),
                }
                rest = &after[close + 2..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ascolto_core::{
        AgentId, Channel, ConversationId, ConversationStatus, CustomerId, EmailAddress, Presence, Priority,
        Role,
    };
    use chrono::Utc;

    fn fixtures() -> (Customer, Agent, Conversation) {
        let now = Utc::now();
        let customer = Customer {
            id: CustomerId(3),
            name: "Giulia Rossi".into(),
            identities: vec![],
            tags: vec![],
            language: None,
            notes: String::new(),
            merged_into: None,
            created_at: now,
            updated_at: now,
        };
        let agent = Agent {
            id: AgentId(1),
            name: "Marco Bianchi".into(),
            email: EmailAddress::parse("marco@example.com").unwrap(),
            role: Role::Agent,
            languages: vec![],
            presence: Presence::Online,
            teams: vec![],
            reports_to: None,
            ui_language: "it".into(),
            active: true,
        };
        let conversation = Conversation {
            id: ConversationId(42),
            customer_id: customer.id,
            channel: Channel::Email,
            subject: "Rimborso".into(),
            status: ConversationStatus::Open,
            priority: Priority::Normal,
            assignee: None,
            team: None,
            tags: vec![],
            merged_into: None,
            message_count: 1,
            created_at: now,
            updated_at: now,
            last_message_at: now,
            last_customer_message_at: Some(now),
            last_agent_reply_at: None,
            first_response_at: None,
            resolved_at: None,
            snoozed_until: None,
        };
        (customer, agent, conversation)
    }

    #[test]
    fn known_variables_are_filled_and_unknown_ones_stay() {
        let (customer, agent, conversation) = fixtures();
        let filled = fill(
            "Ciao {{customer.first_name}}, sono {{ agent.first_name }} ({{conversation.id}}). {{order.number}} {{",
            &customer,
            &agent,
            &conversation,
        );
        assert_eq!(filled, "Ciao Giulia, sono Marco (42). {{order.number}} {{");
    }
}
