//! Assignment in small, readable cases; the simulation covers the crowd.

use ascolto_core::assignment::{
    AgentLoad, KindCounts, QueuedConversation, next_for, plan_assignments, releases_conversations, sort_queue,
};
use ascolto_core::{AgentId, Channel, ConversationId, Presence, Priority, TeamId};
use chrono::Duration;

use crate::rome;

/// An online agent speaking `languages`, able to hold 2 chats and 5 e-mails, holding none.
fn agent(id: i64, languages: &[&str]) -> AgentLoad {
    AgentLoad {
        agent_id: AgentId(id),
        presence: Presence::Online,
        languages: languages.iter().map(|code| (*code).to_owned()).collect(),
        teams: Vec::new(),
        capacity: KindCounts { live: 2, email: 5 },
        assigned: KindCounts::default(),
    }
}

/// A normal Italian e-mail waiting since `minutes_ago` minutes before 15:00.
fn email(id: i64, minutes_ago: i64) -> QueuedConversation {
    QueuedConversation {
        id: ConversationId(id),
        channel: Channel::Email,
        language: Some("it".to_owned()),
        team: None,
        level: Priority::Normal,
        score: 100,
        waiting_since: rome("2026-03-03 15:00") - Duration::minutes(minutes_ago),
    }
}

fn chat(id: i64, minutes_ago: i64) -> QueuedConversation {
    QueuedConversation { channel: Channel::WebChat, ..email(id, minutes_ago) }
}

/// The plan as `conversation->agent` pairs.
fn plan(agents: &[AgentLoad], queue: &[QueuedConversation]) -> Vec<String> {
    plan_assignments(agents, queue)
        .iter()
        .map(|(conversation, agent)| format!("{conversation}->{agent}"))
        .collect()
}

#[test]
fn conversations_go_to_the_least_loaded_agent_who_speaks_the_language() {
    let busy = AgentLoad { assigned: KindCounts { live: 0, email: 3 }, ..agent(1, &["it"]) };
    let idle = agent(2, &["it", "en"]);
    let english_only = agent(3, &["en"]);
    let queue = [email(10, 30), email(11, 20), email(12, 10)];
    assert_eq!(plan(&[busy, idle, english_only], &queue), ["10->2", "11->2", "12->2"]);
}

#[test]
fn load_is_a_share_of_capacity_so_bigger_capacities_take_more() {
    let small = AgentLoad { capacity: KindCounts { live: 2, email: 2 }, ..agent(1, &["it"]) };
    let large = AgentLoad { capacity: KindCounts { live: 2, email: 8 }, ..agent(2, &["it"]) };
    let queue: Vec<QueuedConversation> = (1..=6).map(|id| email(id, 60 - id)).collect();
    assert_eq!(plan(&[small, large], &queue), ["1->1", "2->2", "3->2", "4->2", "5->2", "6->1"]);
}

#[test]
fn nothing_is_assigned_beyond_capacity() {
    let one_chat = AgentLoad { capacity: KindCounts { live: 1, email: 0 }, ..agent(1, &["it"]) };
    assert_eq!(plan(&[one_chat], &[chat(1, 5), chat(2, 3), email(3, 60)]), ["1->1"]);
}

#[test]
fn urgent_conversations_are_assigned_first_then_the_oldest() {
    let urgent = QueuedConversation { level: Priority::Urgent, ..email(3, 1) };
    let one_seat = AgentLoad { capacity: KindCounts { live: 0, email: 2 }, ..agent(1, &["it"]) };
    assert_eq!(plan(&[one_seat], &[email(1, 10), email(2, 90), urgent]), ["3->1", "2->1"]);
}

#[test]
fn only_online_agents_receive_conversations() {
    let agents: Vec<AgentLoad> = [Presence::Away, Presence::Break, Presence::Offline]
        .into_iter()
        .enumerate()
        .map(|(index, presence)| AgentLoad { presence, ..agent(index as i64, &["it"]) })
        .collect();
    assert_eq!(plan(&agents, &[email(1, 5)]), Vec::<String>::new());
    assert!(releases_conversations(Presence::Offline));
    assert!(!releases_conversations(Presence::Break));
}

#[test]
fn a_team_conversation_goes_only_to_that_teams_agents() {
    let billing = AgentLoad { teams: vec![TeamId(1)], ..agent(1, &["it"]) };
    let support = AgentLoad { teams: vec![TeamId(2)], ..agent(2, &["it"]) };
    let for_billing = QueuedConversation { team: Some(TeamId(1)), ..email(1, 5) };
    let queue = [for_billing];
    assert_eq!(plan(&[support.clone(), billing], &queue), ["1->1"]);
    assert_eq!(plan(&[support], &queue), Vec::<String>::new());
}

#[test]
fn a_conversation_nobody_can_take_does_not_hold_up_the_others() {
    let german =
        QueuedConversation { language: Some("de".to_owned()), level: Priority::Urgent, ..email(1, 99) };
    let unknown_language = QueuedConversation { language: None, ..email(3, 1) };
    assert_eq!(plan(&[agent(1, &["it-IT"])], &[german, email(2, 5), unknown_language]), ["2->1", "3->1"]);
}

#[test]
fn a_conversation_listed_twice_is_planned_once() {
    assert_eq!(plan(&[agent(1, &["it"])], &[email(1, 5), email(1, 5)]), ["1->1"]);
}

#[test]
fn my_next_conversation_is_the_most_pressing_one_i_can_take() {
    let me = agent(1, &["it"]);
    let english =
        QueuedConversation { language: Some("en".to_owned()), level: Priority::Urgent, ..email(1, 90) };
    let high = QueuedConversation { level: Priority::High, ..email(2, 1) };
    let queue = [email(3, 300), english, high];
    assert_eq!(next_for(&me, &queue), Some(ConversationId(2)));
}

#[test]
fn my_next_conversation_respects_my_capacity_and_presence() {
    let full_on_chats = AgentLoad { assigned: KindCounts { live: 2, email: 0 }, ..agent(1, &["it"]) };
    assert_eq!(next_for(&full_on_chats, &[chat(1, 50), email(2, 5)]), Some(ConversationId(2)));
    assert_eq!(next_for(&full_on_chats, &[chat(1, 50)]), None);
    let on_break = AgentLoad { presence: Presence::Break, ..agent(1, &["it"]) };
    assert_eq!(
        next_for(&on_break, &[email(2, 5)]),
        Some(ConversationId(2)),
        "asking is itself being available"
    );
    let offline = AgentLoad { presence: Presence::Offline, ..agent(1, &["it"]) };
    assert_eq!(next_for(&offline, &[email(2, 5)]), None);
}

#[test]
fn sorting_the_queue_puts_the_most_pressing_first() {
    let mut queue =
        [email(1, 10), QueuedConversation { level: Priority::Urgent, ..email(2, 1) }, email(3, 20)];
    sort_queue(&mut queue);
    let ids: Vec<i64> = queue.iter().map(|conversation| conversation.id.0).collect();
    assert_eq!(ids, [2, 3, 1]);
}
