//! Timers across a restart on a real SQLite file: a scheduled reply cancelled by the
//! customer's message never fires, and a due one fires exactly once, even after the desk and
//! store are dropped and the same file is opened again.

use std::path::Path;
use std::sync::{Arc, Mutex};

use ascolto_core::calendar::Calendar;
use ascolto_core::followup::{FollowUpAction, FollowUpRule, ScheduledAction};
use ascolto_core::sla::{SlaPolicy, SlaTarget};
use ascolto_core::{AgentId, Channel, Direction, EmailAddress, Identity, IdentityKind, Role};
use ascolto_service::events::{Envelope, Event};
use ascolto_service::{Clock, Desk, InboundRequest, ReplyRequest};
use ascolto_store::{ConversationPatch, JobState, NewAgent, PageRequest, Store};
use ascolto_store_sqlite::SqliteStore;
use chrono::{DateTime, TimeDelta, Utc};

#[derive(Debug)]
struct TestClock(Mutex<DateTime<Utc>>);

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

fn start() -> DateTime<Utc> {
    // A Tuesday morning in Rome.
    DateTime::parse_from_rfc3339("2026-03-03T09:00:00+01:00").unwrap().with_timezone(&Utc)
}

async fn open(path: &Path, now: DateTime<Utc>) -> (Desk, SqliteStore) {
    let store = SqliteStore::open(path).await.unwrap();
    store.migrate().await.unwrap();
    let desk = Desk::with_clock(Arc::new(store.clone()), Arc::new(TestClock(Mutex::new(now))));
    (desk, store)
}

fn message(email: &str, text: &str, at: DateTime<Utc>) -> InboundRequest {
    InboundRequest {
        channel: Channel::Api,
        identity: Identity::parse(IdentityKind::Email, email).unwrap(),
        customer_name: None,
        conversation: None,
        subject: None,
        text: text.to_owned(),
        html: None,
        attachments: vec![],
        channel_message_id: None,
        received_at: Some(at),
    }
}

async fn replies_in(store: &dyn Store, conversation: ascolto_core::ConversationId) -> Vec<String> {
    let messages = store.list_messages(conversation, PageRequest::first(50)).await.unwrap();
    messages.items.into_iter().filter(|m| m.direction == Direction::Outbound).map(|m| m.text).collect()
}

#[tokio::test]
async fn a_cancelled_timer_never_fires_and_a_due_one_fires_once_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let (desk, store) = open(&path, start()).await;
    let agent = NewAgent {
        name: "Giulia".into(),
        email: EmailAddress::parse("giulia@desk.example").unwrap(),
        role: Role::Agent,
        password_hash: None,
        languages: vec!["it".into()],
        teams: vec![],
        reports_to: None,
        ui_language: "it".into(),
    };
    let agent = store.create_agent(agent).await.unwrap().id;
    let waiting =
        desk.ingest(message("anna@example.com", "Quando arriva?", start())).await.unwrap().conversation.id;
    let answering =
        desk.ingest(message("bruno@example.com", "Ci sono novità?", start())).await.unwrap().conversation.id;
    let in_an_hour = start() + TimeDelta::hours(1);
    let cancelled = ScheduledAction::reply("Arriva domani.".into(), in_an_hour, start(), true);
    let cancelled = desk.schedule(waiting, cancelled, Some(agent)).await.unwrap();
    let due = ScheduledAction::reply("Ecco le novità.".into(), in_an_hour, start(), true);
    let due = desk.schedule(answering, due, Some(agent)).await.unwrap();
    let nudge = FollowUpRule {
        after_business_hours: 2,
        action: FollowUpAction::Nudge { template: "Ci sei ancora?".into() },
    };
    let nudge = nudge.schedule(&Calendar::italian_office(), start()).unwrap();
    let nudge = desk.schedule(answering, nudge, Some(agent)).await.unwrap();
    // Anna writes before her scheduled reply is due: it is cancelled at once.
    desk.ingest(message("anna@example.com", "Lasciate stare, ho risolto.", start() + TimeDelta::minutes(10)))
        .await
        .unwrap();
    assert_eq!(store.get_job(cancelled.id).await.unwrap().state, JobState::Cancelled);
    store.close().await;
    drop((desk, store));

    // A new process, an hour later, on the same file.
    let (desk, store) = open(&path, in_an_hour).await;
    assert_eq!(desk.run_due_jobs(10).await.unwrap(), 1, "only the due, uncancelled reply is claimed");
    assert_eq!(desk.run_due_jobs(10).await.unwrap(), 0, "nothing fires twice");
    assert_eq!(replies_in(&store, answering).await, vec!["Ecco le novità.".to_owned()]);
    assert!(replies_in(&store, waiting).await.is_empty(), "the cancelled reply never went out");
    assert_eq!(store.get_job(due.id).await.unwrap().state, JobState::Done);
    assert_eq!(
        store.get_job(nudge.id).await.unwrap().state,
        JobState::Scheduled,
        "two business hours not yet passed"
    );
    store.close().await;
    drop((desk, store));

    // Bruno writes back before the nudge is due; a later worker cancels it instead of sending.
    let (desk, store) = open(&path, start() + TimeDelta::hours(3)).await;
    desk.ingest(message("bruno@example.com", "Grazie!", start() + TimeDelta::minutes(90))).await.unwrap();
    assert_eq!(desk.run_due_jobs(10).await.unwrap(), 0);
    assert_eq!(store.get_job(nudge.id).await.unwrap().state, JobState::Cancelled);
    assert_eq!(replies_in(&store, answering).await.len(), 1, "no nudge after the customer wrote");
    store.close().await;
}

/// A policy like the default one with a one-hour first response on the API channel, so the
/// test's times are easy to follow: warning at 9:45, breach at 10:00, reassignment at 11:00.
fn one_hour_policy() -> SlaPolicy {
    SlaPolicy {
        targets: vec![SlaTarget {
            channel: Some(Channel::Api),
            first_response_minutes: Some(60),
            ..SlaTarget::default()
        }],
        ..SlaPolicy::default()
    }
}

fn escalations_heard(
    events: &mut tokio::sync::broadcast::Receiver<Arc<Envelope>>,
) -> Vec<(String, Vec<AgentId>)> {
    let mut heard = Vec::new();
    while let Ok(envelope) = events.try_recv() {
        if let Event::SlaEscalated { escalation, notify, .. } = &envelope.event {
            heard.push((escalation.action.as_str().to_owned(), notify.clone()));
        }
    }
    heard
}

#[tokio::test]
async fn sla_escalations_fire_once_each_across_restarts_and_an_answer_ends_the_raise() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let (desk, store) = open(&path, start()).await;
    desk.set_sla_policy(one_hour_policy()).await.unwrap();
    let person = |name: &str, role, reports_to| NewAgent {
        name: name.into(),
        email: EmailAddress::parse(&format!("{}@desk.example", name.to_lowercase())).unwrap(),
        role,
        password_hash: None,
        languages: vec!["it".into()],
        teams: vec![],
        reports_to,
        ui_language: "it".into(),
    };
    let lead = store.create_agent(person("Luca", Role::Lead, None)).await.unwrap().id;
    let agent = store.create_agent(person("Giulia", Role::Agent, Some(lead))).await.unwrap().id;
    let id =
        desk.ingest(message("anna@example.com", "Il mio ordine non è arrivato.", start())).await.unwrap();
    let id = id.conversation.id;
    let assign = ConversationPatch { assignee: Some(Some(agent)), ..Default::default() };
    let before = desk.update_conversation(id, assign).await.unwrap().priority;
    store.close().await;
    drop((desk, store));

    // Ten minutes after the deadline, in a new process: the warning and both breach actions
    // fire, each once, telling the assignee and then the lead.
    let (desk, store) = open(&path, start() + TimeDelta::minutes(70)).await;
    let mut events = desk.events.subscribe();
    while desk.run_due_jobs(10).await.unwrap() > 0 {}
    let heard = escalations_heard(&mut events);
    assert_eq!(
        heard,
        vec![
            ("notify_assignee".to_owned(), vec![agent]),
            ("notify_lead".to_owned(), vec![lead]),
            ("raise_priority".to_owned(), vec![]),
        ]
    );
    let raised = store.get_conversation(id).await.unwrap();
    assert!(raised.priority.rank() < before.rank(), "{before:?} was raised, now {:?}", raised.priority);
    assert_eq!(raised.assignee, Some(agent), "not yet an hour after the breach");
    assert_eq!(store.sla_escalations(&[id]).await.unwrap().len(), 3);
    // The periodic recompute does not undo the raise.
    desk.recompute_queue().await.unwrap();
    assert_eq!(store.get_conversation(id).await.unwrap().priority, raised.priority);
    store.close().await;
    drop((desk, store));

    // An hour after the breach the conversation goes back to the queue; nothing else repeats,
    // however many workers run and however often the process restarts.
    for minutes in [121, 122] {
        let (desk, store) = open(&path, start() + TimeDelta::minutes(minutes)).await;
        let mut events = desk.events.subscribe();
        while desk.run_due_jobs(10).await.unwrap() > 0 {}
        let expected: Vec<(String, Vec<AgentId>)> =
            if minutes == 121 { vec![("reassign".to_owned(), vec![])] } else { vec![] };
        assert_eq!(escalations_heard(&mut events), expected, "at minute {minutes}");
        assert_eq!(store.sla_escalations(&[id]).await.unwrap().len(), 4);
        assert_eq!(store.get_conversation(id).await.unwrap().assignee, None);
        store.close().await;
        drop((desk, store));
    }

    // An agent's answer ends the raise: the priority falls back to what the queue computes.
    let (desk, store) = open(&path, start() + TimeDelta::minutes(130)).await;
    let answer = ReplyRequest {
        conversation: id,
        agent,
        text: "Ci scusi per l'attesa: il corriere consegna domani entro le 12.".into(),
        html: None,
        note: false,
        template: None,
    };
    desk.reply(answer).await.unwrap();
    let state = store.queue_states(&[id]).await.unwrap().remove(0);
    assert_eq!(state.escalated_level, None);
    assert_eq!(store.get_conversation(id).await.unwrap().priority, state.computed_level);
    while desk.run_due_jobs(10).await.unwrap() > 0 {}
    assert_eq!(store.sla_escalations(&[id]).await.unwrap().len(), 4, "an answered clock raises nothing");
    store.close().await;
}
