//! Conformance cases of the queue area (scores and overrides, the queue order, "my next
//! conversation", the reply collision check, capacity, settings and timers), run on every
//! backend through [`queue_conformance_tests!`].

use ascolto_core::assignment::{AgentLoad, ChannelKind, KindCounts, QueuedConversation, can_take};
use ascolto_core::followup::{ScheduledAction, ScheduledKind};
use ascolto_core::priority::{CustomerSignals, PriorityOverride};
use ascolto_core::{
    AgentId, Channel, ConversationId, ConversationStatus, EmailAddress, Identity, IdentityKind, Presence,
    Priority, Role, TeamId,
};
use chrono::{DateTime, Duration, Utc};

use crate::{
    AgentPatch, AssignmentScope, CheckedReply, ConversationFilter, ConversationPatch, ConversationSort,
    DEFAULT_CAPACITY, EscalationEffect, InboundMessage, JobOutcome, JobState, NewAgent, NewAgentMessage,
    NewJob, NextRequest, PageRequest, PresenceOf, QueueScore, QueueUpdate, SlaEscalation, Store, StoreError,
    WaitingChange,
};

/// Expands to one `#[tokio::test]` per queue case, like [`crate::conformance_tests!`].
#[macro_export]
macro_rules! queue_conformance_tests {
    ($fixture:expr) => {
        $crate::__queue_conformance_cases! { $fixture;
            saved_signals_and_score_read_back_and_set_the_priority,
            an_override_wins_and_removing_it_restores_the_computed_level,
            priority_sort_is_level_then_score_then_wait_across_pages,
            recomputed_scores_are_stored_in_one_batch,
            conversations_fall_due_when_their_inputs_change_outside_the_recompute,
            next_conversation_is_the_first_that_fits_and_respects_capacity,
            a_reply_after_the_draft_began_is_a_conflict_and_stores_nothing,
            a_reply_clears_the_wait,
            releasing_an_agent_returns_their_open_conversations,
            capacity_defaults_and_round_trips,
            settings_round_trip,
            a_due_job_is_claimed_once_and_finishes,
            a_customer_message_cancels_a_reply_job_and_it_never_fires,
            a_dedupe_key_stores_a_job_once,
            automatic_assignment_fills_capacity_by_language_team_and_urgency,
            a_busy_day_of_automatic_assignment_never_overloads_anyone,
            presence_reads_capacity_and_load_of_an_agent_or_a_team,
            an_sla_escalation_acts_once_and_a_reply_ends_its_raise,
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __queue_conformance_cases {
    ($fixture:expr; $($case:ident),* $(,)?) => {
        $(
            #[::tokio::test]
            async fn $case() {
                $crate::conformance::run($fixture, |store| {
                    ::std::boxed::Box::pin($crate::conformance_queue::$case(store))
                })
                .await;
            }
        )*
    };
}

macro_rules! assert_err {
    ($result:expr, $pattern:pat) => {{
        let result = $result;
        assert!(matches!(result, Err($pattern)), "expected {}, got {result:?}", stringify!($pattern));
    }};
}

fn at(minute: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(1_772_355_600_000).expect("a valid time") + Duration::minutes(minute)
}

async fn conversation(store: &dyn Store, local: &str, channel: Channel, minute: i64) -> ConversationId {
    let identity = Identity::parse(IdentityKind::Email, &format!("{local}@example.com")).expect("address");
    let inbound = InboundMessage {
        channel,
        identity,
        customer_name: None,
        conversation: None,
        subject: "Aiuto".into(),
        text: "Il pacco non arriva".into(),
        html: None,
        attachments: Vec::new(),
        channel_message_id: None,
        received_at: at(minute),
    };
    store.ingest(inbound).await.expect("ingest").conversation.id
}

async fn agent(store: &dyn Store, name: &str, languages: &[&str]) -> AgentId {
    let new = NewAgent {
        name: name.into(),
        email: EmailAddress::parse(&format!("{name}@desk.example")).expect("address"),
        role: Role::Agent,
        password_hash: None,
        languages: languages.iter().map(|l| l.to_string()).collect(),
        teams: Vec::new(),
        reports_to: None,
        ui_language: "it".into(),
    };
    store.create_agent(new).await.expect("agent").id
}

async fn score(store: &dyn Store, id: ConversationId, score: u16, level: Priority, language: Option<&str>) {
    let update = QueueUpdate {
        signals: Some((CustomerSignals { urgency: 0.9, ..Default::default() }, language.map(str::to_owned))),
        waiting: WaitingChange::CustomerWrote(at(0)),
        score,
        computed_level: Some(level),
        ..Default::default()
    };
    store.save_queue_state(id, update, at(1)).await.expect("save queue state");
}

fn reply(conversation: ConversationId, agent: AgentId, minute: i64) -> NewAgentMessage {
    NewAgentMessage {
        conversation,
        agent,
        text: format!("Risposta delle {minute}"),
        html: None,
        note: false,
        created_at: at(minute),
        template: None,
    }
}

fn request(agent: AgentId, languages: &[&str], capacity: KindCounts) -> NextRequest {
    NextRequest {
        agent,
        languages: languages.iter().map(|l| l.to_string()).collect(),
        teams: Vec::new(),
        capacity,
    }
}

pub async fn saved_signals_and_score_read_back_and_set_the_priority(store: &dyn Store) {
    let id = conversation(store, "anna", Channel::Email, 0).await;
    score(store, id, 600, Priority::Urgent, Some("it")).await;
    assert_eq!(store.get_conversation(id).await.expect("read").priority, Priority::Urgent);
    let states = store.queue_states(&[id, ConversationId(999_999)]).await.expect("states");
    assert_eq!(states.len(), 1);
    let state = &states[0];
    assert_eq!((state.score, state.computed_level), (600, Priority::Urgent));
    assert_eq!(state.language.as_deref(), Some("it"));
    assert_eq!(state.waiting_since, Some(at(0)));
    assert!((state.signals.urgency - 0.9).abs() < 1e-6);
    assert_err!(
        store.save_queue_state(ConversationId(999_999), QueueUpdate::default(), at(1)).await,
        StoreError::NotFound { .. }
    );
}

pub async fn an_override_wins_and_removing_it_restores_the_computed_level(store: &dyn Store) {
    let id = conversation(store, "bruno", Channel::Email, 0).await;
    let lead = agent(store, "lead", &["it"]).await;
    score(store, id, 350, Priority::High, None).await;
    let by_hand = PriorityOverride { priority: Priority::Low, by: lead, at: at(5) };
    let overridden = store.set_priority_override(id, Some(by_hand), at(5)).await.expect("override");
    assert_eq!(overridden.priority, Priority::Low);
    // A recompute keeps the override in charge.
    score(store, id, 700, Priority::Urgent, None).await;
    let state = store.queue_states(&[id]).await.expect("states").remove(0);
    assert_eq!(state.overridden, Some(by_hand));
    assert_eq!(state.computed_level, Priority::Urgent);
    assert_eq!(store.get_conversation(id).await.expect("read").priority, Priority::Low);
    let restored = store.set_priority_override(id, None, at(6)).await.expect("remove override");
    assert_eq!(restored.priority, Priority::Urgent);
}

pub async fn priority_sort_is_level_then_score_then_wait_across_pages(store: &dyn Store) {
    let mut expected = Vec::new();
    for (n, (points, level)) in
        [(100, Priority::Normal), (700, Priority::Urgent), (400, Priority::High), (800, Priority::Urgent)]
            .into_iter()
            .enumerate()
    {
        let id = conversation(store, &format!("sort{n}"), Channel::Email, n as i64).await;
        score(store, id, points, level, None).await;
        expected.push((level.rank(), std::cmp::Reverse(points), id));
    }
    let untouched = conversation(store, "sort-untouched", Channel::Email, 10).await;
    expected.push((Priority::Normal.rank(), std::cmp::Reverse(0), untouched));
    expected.sort();
    let expected: Vec<_> = expected.into_iter().map(|(_, _, id)| id).collect();
    let filter = ConversationFilter { sort: ConversationSort::Priority, ..Default::default() };
    let mut listed = Vec::new();
    let mut page = PageRequest::first(2);
    loop {
        let result = store
            .list_conversations(&filter, &ascolto_core::agent::Visibility::All, page)
            .await
            .expect("list");
        listed.extend(result.items.iter().map(|c| c.id));
        match result.next {
            Some(cursor) => page = PageRequest::after(cursor, 2),
            None => break,
        }
    }
    assert_eq!(listed, expected);
}

pub async fn recomputed_scores_are_stored_in_one_batch(store: &dyn Store) {
    let first = conversation(store, "batch1", Channel::Email, 0).await;
    let second = conversation(store, "batch2", Channel::WebChat, 1).await;
    let due = |by| async move {
        let inputs = store.due_queue_inputs(by, 10).await.expect("inputs");
        inputs.iter().map(|i| i.conversation_id).collect::<Vec<_>>()
    };
    let inputs = store.due_queue_inputs(at(2), 10).await.expect("inputs");
    assert_eq!(
        inputs.iter().map(|i| i.conversation_id).collect::<Vec<_>>(),
        vec![first, second],
        "new is due"
    );
    assert_eq!(inputs[1].channel, Channel::WebChat);
    assert_eq!(store.due_queue_inputs(at(2), 1).await.expect("inputs").len(), 1, "the limit holds");
    let scores = [
        QueueScore {
            conversation_id: first,
            score: 320,
            computed_level: Priority::High,
            rescore_at: Some(at(30)),
            was_due_at: inputs[0].rescore_at,
        },
        QueueScore {
            conversation_id: second,
            score: 900,
            computed_level: Priority::Urgent,
            rescore_at: None,
            was_due_at: inputs[1].rescore_at,
        },
    ];
    assert_eq!(store.save_queue_scores(&scores).await.expect("save scores"), 2);
    // A second write of scores read before the first is stale: the rows moved on.
    let stale = [QueueScore { score: 5, computed_level: Priority::Normal, ..scores[0] }];
    assert_eq!(store.save_queue_scores(&stale).await.expect("save stale"), 0, "a stale score is skipped");
    assert_eq!(due(at(29)).await, Vec::<ConversationId>::new(), "nothing is due before its time");
    assert_eq!(due(at(30)).await, vec![first], "a score that never moves by itself is never due");
    let reread = store.due_queue_inputs(at(30), 10).await.expect("inputs");
    assert_eq!((reread[0].score, reread[0].computed_level), (320, Priority::High));
    assert_eq!(store.get_conversation(second).await.expect("read").priority, Priority::Urgent);
}

/// A write that moves a score's inputs outside the service's refresh makes the conversation
/// due for the next recompute: a change of status, of the customer's tags, a new SLA policy.
pub async fn conversations_fall_due_when_their_inputs_change_outside_the_recompute(store: &dyn Store) {
    let id = conversation(store, "due", Channel::Email, 0).await;
    let other = conversation(store, "due-other", Channel::Email, 0).await;
    let due_now = || async {
        let inputs = store.due_queue_inputs(at(5), 10).await.expect("inputs");
        inputs.iter().map(|i| i.conversation_id).collect::<Vec<_>>()
    };
    let settle = |id| async move {
        let update = QueueUpdate { score: 10, rescore_at: Some(at(600)), ..Default::default() };
        store.save_queue_state(id, update, at(1)).await.expect("save queue state");
    };
    settle(id).await;
    settle(other).await;
    assert_eq!(due_now().await, Vec::<ConversationId>::new(), "refreshed: due in ten hours");

    let customer = store.get_conversation(id).await.expect("read").customer_id;
    let vip = crate::CustomerPatch { tags: Some(vec!["vip".into()]), ..Default::default() };
    store.update_customer(customer, vip, at(2)).await.expect("tag the customer");
    assert_eq!(due_now().await, vec![id], "a new tag can change the score");
    settle(id).await;

    let status = |status| ConversationPatch { status: Some(status), ..Default::default() };
    store.update_conversation(id, status(ConversationStatus::Pending), at(3)).await.expect("pending");
    assert_eq!(due_now().await, Vec::<ConversationId>::new(), "only open conversations are read");
    store.update_conversation(id, status(ConversationStatus::Open), at(4)).await.expect("open");
    assert_eq!(due_now().await, vec![id], "back in the open queue");
    settle(id).await;

    assert_eq!(store.mark_queue_due().await.expect("mark"), 2);
    assert_eq!(due_now().await, vec![id, other], "a new policy makes every open one due");
}

pub async fn next_conversation_is_the_first_that_fits_and_respects_capacity(store: &dyn Store) {
    let german = conversation(store, "hans", Channel::Email, 0).await;
    score(store, german, 900, Priority::Urgent, Some("de")).await;
    let calm = conversation(store, "calm", Channel::Email, 1).await;
    score(store, calm, 100, Priority::Normal, Some("it")).await;
    let pressing = conversation(store, "pressing", Channel::Email, 2).await;
    score(store, pressing, 500, Priority::High, Some("it")).await;
    let chat = conversation(store, "chat", Channel::WebChat, 3).await;
    score(store, chat, 100, Priority::Normal, None).await;
    let maria = agent(store, "maria", &["it"]).await;
    let room_for_one_email = KindCounts { live: 0, email: 1 };
    let next = store.claim_next_conversation(&request(maria, &["it"], room_for_one_email), at(10)).await;
    let next = next.expect("claim").expect("a conversation fits");
    assert_eq!((next.id, next.assignee), (pressing, Some(maria)));
    let full = store.claim_next_conversation(&request(maria, &["it"], room_for_one_email), at(11)).await;
    assert_eq!(full.expect("claim"), None, "no room left");
    let chat_room = KindCounts { live: 1, email: 1 };
    let next = store.claim_next_conversation(&request(maria, &["it"], chat_room), at(12)).await;
    assert_eq!(next.expect("claim").map(|c| c.id), Some(chat));
}

pub async fn a_reply_after_the_draft_began_is_a_conflict_and_stores_nothing(store: &dyn Store) {
    let id = conversation(store, "carla", Channel::Email, 0).await;
    let (first, second) = (agent(store, "first", &["it"]).await, agent(store, "second", &["it"]).await);
    let stored = store.add_checked_reply(reply(id, first, 5), Some(at(1))).await.expect("first reply");
    let CheckedReply::Stored(sent) = stored else { panic!("the first reply conflicts: {stored:?}") };
    let clash = store.add_checked_reply(reply(id, second, 6), Some(at(2))).await.expect("second reply");
    assert_eq!(clash, CheckedReply::Conflict(sent.clone()));
    assert_eq!(store.get_conversation(id).await.expect("read").message_count, 2);
    let later = store.add_checked_reply(reply(id, second, 7), Some(at(5))).await.expect("a fresh draft");
    assert!(matches!(later, CheckedReply::Stored(_)), "{later:?}");
}

pub async fn a_reply_clears_the_wait(store: &dyn Store) {
    let id = conversation(store, "dario", Channel::Email, 0).await;
    score(store, id, 100, Priority::Normal, None).await;
    let someone = agent(store, "someone", &["it"]).await;
    store.add_checked_reply(reply(id, someone, 3), None).await.expect("reply");
    assert_eq!(store.queue_states(&[id]).await.expect("states")[0].waiting_since, None);
}

pub async fn releasing_an_agent_returns_their_open_conversations(store: &dyn Store) {
    let open = conversation(store, "open", Channel::Email, 0).await;
    let done = conversation(store, "done", Channel::Email, 1).await;
    let leaving = agent(store, "leaving", &["it"]).await;
    for id in [open, done] {
        let patch = ConversationPatch { assignee: Some(Some(leaving)), ..Default::default() };
        store.update_conversation(id, patch, at(2)).await.expect("assign");
    }
    let resolve = ConversationPatch { status: Some(ConversationStatus::Resolved), ..Default::default() };
    store.update_conversation(done, resolve, at(3)).await.expect("resolve");
    let released = store.release_conversations(leaving, at(4)).await.expect("release");
    assert_eq!(released.iter().map(|c| c.id).collect::<Vec<_>>(), vec![open]);
    assert_eq!(store.get_conversation(open).await.expect("read").assignee, None);
    assert_eq!(store.get_conversation(done).await.expect("read").assignee, Some(leaving));
}

pub async fn capacity_defaults_and_round_trips(store: &dyn Store) {
    let someone = agent(store, "cap", &["it"]).await;
    assert_eq!(store.agent_capacity(someone).await.expect("capacity"), DEFAULT_CAPACITY);
    let wanted = KindCounts { live: 5, email: 30 };
    store.set_agent_capacity(someone, wanted).await.expect("set capacity");
    assert_eq!(store.agent_capacity(someone).await.expect("capacity"), wanted);
    assert_err!(store.set_agent_capacity(AgentId(999_999), wanted).await, StoreError::NotFound { .. });
}

pub async fn settings_round_trip(store: &dyn Store) {
    assert_eq!(store.get_setting("sla_policy").await.expect("read"), None);
    store.put_setting("sla_policy", r#"{"a":1}"#, at(0)).await.expect("put");
    store.put_setting("sla_policy", r#"{"a":2}"#, at(1)).await.expect("put again");
    assert_eq!(store.get_setting("sla_policy").await.expect("read").as_deref(), Some(r#"{"a":2}"#));
}

fn job(conversation: ConversationId, kind: ScheduledKind, created: i64, due: i64) -> NewJob {
    NewJob {
        conversation,
        action: ScheduledAction {
            kind,
            due_at: at(due),
            created_at: at(created),
            cancel_on_customer_reply: true,
        },
        created_by: None,
        dedupe_key: None,
    }
}

pub async fn a_due_job_is_claimed_once_and_finishes(store: &dyn Store) {
    let id = conversation(store, "eva", Channel::Email, 0).await;
    let scheduled = store.schedule_job(job(id, ScheduledKind::RemindAgent, 1, 60)).await.expect("schedule");
    assert_eq!(scheduled.state, JobState::Scheduled);
    assert!(store.claim_jobs(at(59), at(70), 10).await.expect("claim").is_empty(), "not due yet");
    let claimed = store.claim_jobs(at(60), at(70), 10).await.expect("claim");
    assert_eq!(claimed.iter().map(|j| j.id).collect::<Vec<_>>(), vec![scheduled.id]);
    assert!(store.claim_jobs(at(61), at(71), 10).await.expect("claim").is_empty(), "leased");
    store.finish_job(scheduled.id, JobOutcome::Done, at(62)).await.expect("finish");
    assert!(store.claim_jobs(at(80), at(90), 10).await.expect("claim").is_empty(), "done");
    assert_eq!(store.get_job(scheduled.id).await.expect("job").state, JobState::Done);
    assert_err!(store.finish_job(999_999, JobOutcome::Done, at(62)).await, StoreError::NotFound { .. });
    assert_err!(
        store.schedule_job(job(ConversationId(999_999), ScheduledKind::RemindAgent, 1, 2)).await,
        StoreError::NotFound { .. }
    );
}

pub async fn a_customer_message_cancels_a_reply_job_and_it_never_fires(store: &dyn Store) {
    let id = conversation(store, "franca", Channel::Email, 0).await;
    let sender = agent(store, "sender", &["it"]).await;
    let kind = ScheduledKind::ScheduledReply { text: "Ci sono novità?".into() };
    let scheduled = store.schedule_job(job(id, kind.clone(), 1, 60)).await.expect("schedule");
    let kept = store
        .schedule_job(NewJob {
            action: ScheduledAction { cancel_on_customer_reply: false, ..job(id, kind, 1, 60).action },
            ..job(id, ScheduledKind::RemindAgent, 1, 60)
        })
        .await
        .expect("schedule");
    conversation(store, "franca", Channel::Email, 30).await;
    assert_eq!(store.cancel_jobs_on_customer_reply(id, at(30)).await.expect("cancel"), 1);
    let listed = store.list_jobs(id).await.expect("list");
    assert_eq!(
        listed.iter().map(|j| (j.id, j.state)).collect::<Vec<_>>(),
        vec![(kept.id, JobState::Scheduled), (scheduled.id, JobState::Cancelled)]
    );
    assert_eq!(store.fire_reply_job(scheduled.id, reply(id, sender, 60)).await.expect("fire"), None);
    let fired = store.fire_reply_job(kept.id, reply(id, sender, 61)).await.expect("fire");
    assert!(fired.is_some(), "a job the customer does not cancel fires");
    assert_eq!(store.fire_reply_job(kept.id, reply(id, sender, 62)).await.expect("fire again"), None);
    assert_eq!(store.get_conversation(id).await.expect("read").message_count, 3);
}

pub async fn a_dedupe_key_stores_a_job_once(store: &dyn Store) {
    let id = conversation(store, "gino", Channel::Email, 0).await;
    let keyed = || NewJob {
        dedupe_key: Some("sla:first_response:1".into()),
        ..job(id, ScheduledKind::RemindAgent, 1, 5)
    };
    let first = store.schedule_job(keyed()).await.expect("schedule");
    let second = store.schedule_job(keyed()).await.expect("schedule again");
    assert_eq!(first.id, second.id);
    assert_eq!(store.list_jobs(id).await.expect("list").len(), 1);
    let cancelled = store.cancel_job(first.id, at(2)).await.expect("cancel");
    assert_eq!(cancelled.state, JobState::Cancelled);
}

async fn online(store: &dyn Store, agent: AgentId) {
    let patch = AgentPatch { presence: Some(Presence::Online), ..Default::default() };
    store.update_agent(agent, patch).await.expect("go online");
}

pub async fn automatic_assignment_fills_capacity_by_language_team_and_urgency(store: &dyn Store) {
    let team = store.create_team("Resi").await.expect("team").id;
    let maria = agent(store, "maria", &["it"]).await;
    let john = agent(store, "john", &["en"]).await;
    let resi = agent(store, "resi", &["it"]).await;
    let away = agent(store, "away", &["it", "en", "de"]).await;
    for (someone, email) in [(maria, 2), (john, 1), (resi, 1), (away, 5)] {
        store.set_agent_capacity(someone, KindCounts { live: 0, email }).await.expect("capacity");
    }
    for someone in [maria, john, resi] {
        online(store, someone).await;
    }
    let patch = AgentPatch { teams: Some(vec![team]), ..Default::default() };
    store.update_agent(resi, patch).await.expect("join the team");
    let calm = conversation(store, "calm", Channel::Email, 0).await;
    score(store, calm, 100, Priority::Normal, Some("it")).await;
    let urgent = conversation(store, "urgent", Channel::Email, 1).await;
    score(store, urgent, 800, Priority::Urgent, Some("it")).await;
    let high = conversation(store, "high", Channel::Email, 2).await;
    score(store, high, 450, Priority::High, Some("it")).await;
    let english = conversation(store, "english", Channel::Email, 3).await;
    score(store, english, 100, Priority::Normal, Some("en")).await;
    let german = conversation(store, "german", Channel::Email, 4).await;
    score(store, german, 900, Priority::Urgent, Some("de")).await;
    let returns = conversation(store, "returns", Channel::Email, 5).await;
    score(store, returns, 100, Priority::Normal, Some("it")).await;
    let to_team = ConversationPatch { team: Some(Some(team)), ..Default::default() };
    store.update_conversation(returns, to_team, at(6)).await.expect("to the team");
    let chat = conversation(store, "chat", Channel::WebChat, 7).await;
    score(store, chat, 900, Priority::Urgent, Some("it")).await;

    let excluded = AssignmentScope { excluded_teams: vec![team] };
    let assigned = store.assign_waiting(&excluded, at(10)).await.expect("assign");
    let pairs: Vec<_> = assigned.iter().map(|c| (c.id, c.assignee)).collect();
    // Maria and Resi take the two most pressing Italian e-mails (the least loaded first, ties
    // to the lower id), Maria the third; the team's conversation is left to the team; nobody
    // speaks German; nobody has room for chats.
    assert_eq!(
        pairs,
        vec![(urgent, Some(maria)), (high, Some(resi)), (calm, Some(maria)), (english, Some(john))]
    );
    assert_eq!(store.get_conversation(german).await.expect("read").assignee, None);
    assert_eq!(store.get_conversation(chat).await.expect("read").assignee, None);
    assert_eq!(store.get_conversation(returns).await.expect("read").assignee, None);
    assert!(store.assign_waiting(&AssignmentScope::default(), at(11)).await.expect("assign").is_empty());
    // Resolving frees room; with the team no longer excluded, its conversation goes to Resi.
    let resolve = ConversationPatch { status: Some(ConversationStatus::Resolved), ..Default::default() };
    store.update_conversation(high, resolve, at(12)).await.expect("resolve");
    let assigned = store.assign_waiting(&AssignmentScope::default(), at(13)).await.expect("assign");
    assert_eq!(assigned.iter().map(|c| (c.id, c.assignee)).collect::<Vec<_>>(), vec![(returns, Some(resi))]);
}

/// SplitMix64, so the simulation is the same on every run and every backend.
struct Random(u64);

impl Random {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }
}

/// A simulated agent: what the test set, to check the store's passes against.
#[derive(Debug, Clone)]
struct SimAgent {
    id: AgentId,
    languages: Vec<String>,
    teams: Vec<TeamId>,
    capacity: KindCounts,
    online: bool,
}

/// A simulated conversation: what the test set.
#[derive(Debug, Clone)]
struct SimConversation {
    id: ConversationId,
    channel: Channel,
    language: String,
    team: Option<TeamId>,
    level: Priority,
    score: u16,
    waiting_since: DateTime<Utc>,
}

impl SimConversation {
    fn queued(&self) -> QueuedConversation {
        QueuedConversation {
            id: self.id,
            channel: self.channel,
            language: Some(self.language.clone()),
            team: self.team,
            level: self.level,
            score: self.score,
            waiting_since: self.waiting_since,
        }
    }
}

const SIM_AGENTS: u64 = 50;
const SIM_BURSTS: u64 = 10;
const SIM_BURST: u64 = 500;

async fn sim_agents(store: &dyn Store, teams: &[TeamId], random: &mut Random) -> Vec<SimAgent> {
    let language_sets: [&[&str]; 4] = [&["it"], &["it"], &["it", "en"], &["en"]];
    let mut agents = Vec::new();
    for n in 0..SIM_AGENTS {
        let languages = language_sets[random.below(4) as usize];
        let id = agent(store, &format!("sim{n}"), languages).await;
        let capacity = KindCounts { live: random.below(4) as u16, email: random.below(12) as u16 + 3 };
        store.set_agent_capacity(id, capacity).await.expect("capacity");
        let agent_teams = if random.below(100) < 30 { vec![teams[random.below(3) as usize]] } else { vec![] };
        let online = random.below(100) < 80;
        let presence = if online { Presence::Online } else { Presence::Away };
        let patch =
            AgentPatch { presence: Some(presence), teams: Some(agent_teams.clone()), ..Default::default() };
        store.update_agent(id, patch).await.expect("agent settings");
        let languages = languages.iter().map(|l| l.to_string()).collect();
        agents.push(SimAgent { id, languages, teams: agent_teams, capacity, online });
    }
    agents
}

/// What the test draws for one simulated conversation, before it is stored.
#[derive(Debug, Clone)]
struct SimDraw {
    number: u64,
    channel: Channel,
    language: &'static str,
    level: Priority,
    score: u16,
    team: Option<TeamId>,
}

fn sim_draw(number: u64, teams: &[TeamId], random: &mut Random) -> SimDraw {
    let channel = if random.below(100) < 25 { Channel::WebChat } else { Channel::Email };
    let language = match random.below(100) {
        0..60 => "it",
        60..95 => "en",
        _ => "de",
    };
    let (level, score) = match random.below(100) {
        0..10 => (Priority::Urgent, 700 + random.below(300) as u16),
        10..30 => (Priority::High, 350 + random.below(300) as u16),
        _ => (Priority::Normal, random.below(300) as u16),
    };
    let team = if random.below(100) < 10 { Some(teams[random.below(3) as usize]) } else { None };
    SimDraw { number, channel, language, level, score, team }
}

async fn sim_conversation(store: &dyn Store, draw: SimDraw, minute: i64) -> SimConversation {
    let id = conversation(store, &format!("sim-customer{}", draw.number), draw.channel, minute).await;
    let update = QueueUpdate {
        signals: Some((CustomerSignals::default(), Some(draw.language.to_owned()))),
        waiting: WaitingChange::CustomerWrote(at(minute)),
        score: draw.score,
        computed_level: Some(draw.level),
        ..Default::default()
    };
    store.save_queue_state(id, update, at(minute)).await.expect("save queue state");
    if draw.team.is_some() {
        let patch = ConversationPatch { team: Some(draw.team), ..Default::default() };
        store.update_conversation(id, patch, at(minute)).await.expect("set the team");
    }
    SimConversation {
        id,
        channel: draw.channel,
        language: draw.language.to_owned(),
        team: draw.team,
        level: draw.level,
        score: draw.score,
        waiting_since: at(minute),
    }
}

/// Every open or pending conversation's assignee, read back from the store.
async fn assignees(
    store: &dyn Store,
) -> std::collections::HashMap<ConversationId, (ConversationStatus, Option<AgentId>)> {
    let mut all = std::collections::HashMap::new();
    let filter = ConversationFilter::default();
    let mut page = PageRequest::first(200);
    loop {
        let result = store
            .list_conversations(&filter, &ascolto_core::agent::Visibility::All, page)
            .await
            .expect("list");
        all.extend(result.items.iter().map(|c| (c.id, (c.status, c.assignee))));
        match result.next {
            Some(cursor) => page = PageRequest::after(cursor, 200),
            None => break,
        }
    }
    all
}

/// Checks a pass's outcome against what the test set: nobody over capacity, nothing left
/// that an online agent with room could take, and nothing handed out while a more pressing
/// conversation its agent could also have taken waits.
fn check_pass(
    agents: &[SimAgent],
    conversations: &[SimConversation],
    state: &std::collections::HashMap<ConversationId, (ConversationStatus, Option<AgentId>)>,
    assigned_now: &[(ConversationId, AgentId)],
) {
    let mut loads: Vec<AgentLoad> = agents
        .iter()
        .map(|a| AgentLoad {
            agent_id: a.id,
            presence: if a.online { Presence::Online } else { Presence::Away },
            languages: a.languages.clone(),
            teams: a.teams.clone(),
            capacity: a.capacity,
            assigned: KindCounts::default(),
        })
        .collect();
    let mut waiting = Vec::new();
    for conversation in conversations {
        match state[&conversation.id] {
            (ConversationStatus::Open | ConversationStatus::Pending, Some(agent)) => {
                let load = loads.iter_mut().find(|l| l.agent_id == agent).expect("a simulated agent");
                crate::add_to_load(&mut load.assigned, conversation.channel);
            }
            (ConversationStatus::Open, None) => waiting.push(conversation.queued()),
            _ => {}
        }
    }
    for load in &loads {
        assert!(
            load.assigned.live <= load.capacity.live && load.assigned.email <= load.capacity.email,
            "agent {} holds {:?} over capacity {:?}",
            load.agent_id,
            load.assigned,
            load.capacity
        );
    }
    for queued in &waiting {
        if let Some(load) = loads.iter().find(|l| l.presence == Presence::Online && can_take(l, queued)) {
            panic!("conversation {} waits while agent {} could take it: {load:?}", queued.id, load.agent_id);
        }
    }
    let by_id: std::collections::HashMap<_, _> = conversations.iter().map(|c| (c.id, c)).collect();
    for load in &loads {
        // Ignoring capacity: could this agent have taken the waiting conversation at all?
        let unlimited =
            AgentLoad { capacity: KindCounts { live: u16::MAX, email: u16::MAX }, ..load.clone() };
        for kind in [ChannelKind::Live, ChannelKind::Email] {
            let Some(least_pressing) = assigned_now
                .iter()
                .filter(|(_, agent)| *agent == load.agent_id)
                .map(|(id, _)| by_id[id].queued())
                .filter(|c| c.kind() == kind)
                .map(|c| c.key())
                .max()
            else {
                continue;
            };
            for queued in waiting.iter().filter(|c| c.kind() == kind && c.key() < least_pressing) {
                assert!(
                    !can_take(&unlimited, queued),
                    "agent {} got a less pressing conversation while {} waited",
                    load.agent_id,
                    queued.id
                );
            }
        }
    }
}

pub async fn a_busy_day_of_automatic_assignment_never_overloads_anyone(store: &dyn Store) {
    let mut random = Random(0x00A5_C017);
    let mut teams = Vec::new();
    for name in ["Resi", "Fatture", "Tecnico"] {
        teams.push(store.create_team(name).await.expect("team").id);
    }
    let mut agents = sim_agents(store, &teams, &mut random).await;
    let mut conversations = Vec::new();
    let mut assigned_total = 0;
    for burst in 0..SIM_BURSTS {
        let minute = burst as i64 * 60;
        // A burst arrives all at once: its conversations are stored concurrently.
        let draws: Vec<SimDraw> =
            (0..SIM_BURST).map(|n| sim_draw(burst * SIM_BURST + n, &teams, &mut random)).collect();
        let stored = futures_util::future::join_all(
            draws.into_iter().map(|draw| sim_conversation(store, draw, minute)),
        );
        conversations.extend(stored.await);
        let assigned = store
            .assign_waiting(&AssignmentScope::default(), at(minute + 30))
            .await
            .expect("assignment pass");
        let pairs: Vec<_> = assigned
            .iter()
            .map(|c| (c.id, c.assignee.expect("an assigned conversation has an assignee")))
            .collect();
        assigned_total += pairs.len();
        let state = assignees(store).await;
        check_pass(&agents, &conversations, &state, &pairs);
        // Between bursts agents finish about a third of what they hold, and one goes offline.
        for (id, _) in state
            .iter()
            .filter(|(_, (status, assignee))| *status == ConversationStatus::Open && assignee.is_some())
        {
            if random.below(3) == 0 {
                let resolve =
                    ConversationPatch { status: Some(ConversationStatus::Resolved), ..Default::default() };
                store.update_conversation(*id, resolve, at(minute + 40)).await.expect("resolve");
            }
        }
        let leaving = &mut agents[burst as usize];
        if leaving.online {
            leaving.online = false;
            let patch = AgentPatch { presence: Some(Presence::Offline), ..Default::default() };
            store.update_agent(leaving.id, patch).await.expect("go offline");
            store.release_conversations(leaving.id, at(minute + 45)).await.expect("release");
        }
    }
    assert!(assigned_total > 1_000, "the passes assigned only {assigned_total} conversations");
}

pub async fn presence_reads_capacity_and_load_of_an_agent_or_a_team(store: &dyn Store) {
    let team = store.create_team("Resi").await.expect("team").id;
    let (nora, olga, outsider) = (
        agent(store, "nora", &["it"]).await,
        agent(store, "olga", &["en"]).await,
        agent(store, "out", &["it"]).await,
    );
    for member in [nora, olga] {
        let patch = AgentPatch { teams: Some(vec![team]), ..Default::default() };
        store.update_agent(member, patch).await.expect("join");
    }
    online(store, nora).await;
    store.set_agent_capacity(nora, KindCounts { live: 2, email: 4 }).await.expect("capacity");
    let chat = conversation(store, "presence-chat", Channel::WebChat, 0).await;
    let assign = ConversationPatch { assignee: Some(Some(nora)), ..Default::default() };
    store.update_conversation(chat, assign, at(1)).await.expect("assign");

    let mine = store.agent_presence(PresenceOf::Agent(nora)).await.expect("presence");
    assert_eq!(mine.len(), 1);
    assert_eq!(
        (mine[0].agent.presence, mine[0].capacity),
        (Presence::Online, KindCounts { live: 2, email: 4 })
    );
    assert_eq!(mine[0].assigned, KindCounts { live: 1, email: 0 });
    let members = store.agent_presence(PresenceOf::Team(team)).await.expect("team presence");
    assert_eq!(members.iter().map(|m| m.agent.id).collect::<Vec<_>>(), vec![nora, olga]);
    assert_eq!((members[1].agent.presence, members[1].capacity), (Presence::Offline, DEFAULT_CAPACITY));
    assert!(!members.iter().any(|m| m.agent.id == outsider));
    assert_err!(store.agent_presence(PresenceOf::Agent(AgentId(999_999))).await, StoreError::NotFound { .. });
    assert_err!(store.agent_presence(PresenceOf::Team(TeamId(999_999))).await, StoreError::NotFound { .. });
}

fn escalation(
    conversation: ConversationId,
    key: &str,
    action: ascolto_core::sla::EscalationAction,
    minute: i64,
) -> SlaEscalation {
    SlaEscalation {
        conversation_id: conversation,
        key: key.into(),
        metric: ascolto_core::sla::SlaMetric::FirstResponse,
        action,
        breach: minute >= 120,
        deadline: at(120),
        fired_at: at(minute),
    }
}

pub async fn an_sla_escalation_acts_once_and_a_reply_ends_its_raise(store: &dyn Store) {
    use ascolto_core::sla::EscalationAction::{NotifyLead, RaisePriority, Reassign};
    let id = conversation(store, "elena", Channel::Email, 0).await;
    let other = conversation(store, "fabio", Channel::Email, 0).await;
    let giulia = agent(store, "giulia", &["it"]).await;
    score(store, id, 100, Priority::Normal, Some("it")).await;
    let patch = ConversationPatch { assignee: Some(Some(giulia)), ..Default::default() };
    store.update_conversation(id, patch, at(1)).await.expect("assign");

    // A warning that only notifies changes nothing on the conversation, and is kept.
    let warned = escalation(id, "first_response:warning:notify_lead", NotifyLead, 90);
    let unchanged = store.record_sla_escalation(&warned, EscalationEffect::default()).await.expect("record");
    let unchanged = unchanged.expect("recorded the first time");
    assert_eq!((unchanged.priority, unchanged.assignee), (Priority::Normal, Some(giulia)));

    // At the deadline the priority is raised one level, once.
    let raise = escalation(id, "first_response:deadline:raise_priority", RaisePriority, 120);
    let effect = EscalationEffect { raise_to: Some(Priority::High), ..Default::default() };
    let raised = store.record_sla_escalation(&raise, effect).await.expect("record").expect("recorded");
    assert_eq!(raised.priority, Priority::High);
    assert_eq!(raised.assignee, Some(giulia), "raising keeps the assignee");
    let effect = EscalationEffect { raise_to: Some(Priority::Urgent), ..Default::default() };
    let again = store.record_sla_escalation(&raise, effect).await.expect("record twice");
    assert!(again.is_none(), "an escalation acts once: {again:?}");
    assert_eq!(store.get_conversation(id).await.expect("read").priority, Priority::High);
    let state = store.queue_states(&[id]).await.expect("states").remove(0);
    assert_eq!(state.escalated_level, Some(Priority::High));

    // An hour after the deadline the conversation goes back to the queue, still raised.
    let reassign = escalation(id, "first_response:after_60:reassign", Reassign, 180);
    let effect = EscalationEffect { unassign: true, ..Default::default() };
    let back = store.record_sla_escalation(&reassign, effect).await.expect("record").expect("recorded");
    assert_eq!(back.assignee, None);
    assert_eq!(back.priority, Priority::High);

    // They are listed per conversation, oldest first, and only for the conversations asked.
    let fired = store.sla_escalations(&[id, other]).await.expect("list");
    let keys: Vec<&str> = fired.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "first_response:warning:notify_lead",
            "first_response:deadline:raise_priority",
            "first_response:after_60:reassign"
        ]
    );
    assert_eq!(fired[1], raise, "an escalation reads back as recorded");
    assert!(!fired[0].breach && fired[1].breach);
    assert!(store.sla_escalations(&[other]).await.expect("list other").is_empty());

    // An agent's note does not end the raise; a reply to the customer does.
    let mut note = reply(id, giulia, 200);
    note.note = true;
    store.add_checked_reply(note, None).await.expect("note");
    let state = store.queue_states(&[id]).await.expect("states").remove(0);
    assert_eq!(state.escalated_level, Some(Priority::High), "a note is not an answer");
    store.add_checked_reply(reply(id, giulia, 210), None).await.expect("reply");
    let state = store.queue_states(&[id]).await.expect("states").remove(0);
    assert_eq!(state.escalated_level, None, "the answer ends the raise");
    assert_eq!(store.sla_escalations(&[id]).await.expect("list").len(), 3, "the history stays");

    // An escalation of a conversation that does not exist is `NotFound`.
    let ghost =
        escalation(ConversationId(999_999), "first_response:deadline:raise_priority", RaisePriority, 120);
    assert_err!(
        store.record_sla_escalation(&ghost, EscalationEffect::default()).await,
        StoreError::NotFound { .. }
    );
}
