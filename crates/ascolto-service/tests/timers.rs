//! Timers across a restart on a real SQLite file: a scheduled reply cancelled by the
//! customer's message never fires, and a due one fires exactly once, even after the desk and
//! store are dropped and the same file is opened again.

use std::path::Path;
use std::sync::{Arc, Mutex};

use ascolto_core::calendar::Calendar;
use ascolto_core::followup::{FollowUpAction, FollowUpRule, ScheduledAction};
use ascolto_core::{Channel, Direction, EmailAddress, Identity, IdentityKind, Role};
use ascolto_service::{Clock, Desk, InboundRequest};
use ascolto_store::{JobState, NewAgent, PageRequest, Store};
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
