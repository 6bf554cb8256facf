//! Agents, their roles and teams, and who may see what.

use serde::{Deserialize, Serialize};

use crate::{AgentId, Conversation, EmailAddress, TeamId, word_enum};

word_enum!(
    /// What an agent may do.
    Role {
        /// Everything, including agents, teams, channels and settings.
        Admin = "admin",
        /// Their teams' conversations and those of the agents who report to them.
        Lead = "lead",
        /// Their teams' conversations, their own, and the unassigned general queue.
        Agent = "agent",
    }
);

word_enum!(
    /// Whether an agent can take new conversations now.
    Presence {
        Online = "online",
        Away = "away",
        Break = "break",
        Offline = "offline",
    }
);

/// A person who answers customers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Agent {
    pub id: AgentId,
    pub name: String,
    #[schema(value_type = String)]
    pub email: EmailAddress,
    pub role: Role,
    /// Languages the agent answers in (`it`, `en`).
    pub languages: Vec<String>,
    pub presence: Presence,
    pub teams: Vec<TeamId>,
    /// The lead this agent reports to.
    pub reports_to: Option<AgentId>,
    /// The language of the agent's interface (`it` or `en`).
    pub ui_language: String,
    pub active: bool,
}

/// A group of agents sharing a queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Team {
    pub id: TeamId,
    pub name: String,
}

/// What a signed-in agent may see, worked out once per request from their role.
///
/// The store turns this into a `WHERE` clause for lists and search; single reads check it
/// with [`Visibility::can_see`], so a list and a direct read never disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    /// Admins: everything.
    All,
    /// Conversations of these teams, assigned to these agents, or in the general queue
    /// (no team).
    Scoped { teams: Vec<TeamId>, agents: Vec<AgentId> },
}

impl Visibility {
    /// The scope of `agent`, given the ids of the agents who report to them.
    pub fn of(agent: &Agent, reports: &[AgentId]) -> Self {
        match agent.role {
            Role::Admin => Visibility::All,
            Role::Lead => {
                let mut agents = vec![agent.id];
                agents.extend_from_slice(reports);
                Visibility::Scoped { teams: agent.teams.clone(), agents }
            }
            Role::Agent => Visibility::Scoped { teams: agent.teams.clone(), agents: vec![agent.id] },
        }
    }

    pub fn can_see(&self, conversation: &Conversation) -> bool {
        self.can_see_parts(conversation.team, conversation.assignee)
    }

    /// The same rule from a conversation's team and assignee alone.
    pub fn can_see_parts(&self, team: Option<TeamId>, assignee: Option<AgentId>) -> bool {
        match self {
            Visibility::All => true,
            Visibility::Scoped { teams, agents } => {
                team.is_none_or(|team| teams.contains(&team))
                    || assignee.is_some_and(|assignee| agents.contains(&assignee))
            }
        }
    }
}
