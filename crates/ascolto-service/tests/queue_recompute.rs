//! The incremental queue recompute on a real SQLite file: reading only the conversations
//! whose score can have moved leaves nothing for a full recompute of every open conversation
//! to change, at every moment of a working day and beyond.

use std::sync::{Arc, Mutex};

use ascolto_core::{Channel, Identity, IdentityKind};
use ascolto_service::{Clock, Desk, InboundRequest};
use ascolto_store::Store;
use ascolto_store_sqlite::SqliteStore;
use chrono::{DateTime, TimeDelta, Utc};

#[derive(Debug)]
struct TestClock(Mutex<DateTime<Utc>>);

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

impl TestClock {
    fn set(&self, now: DateTime<Utc>) {
        *self.0.lock().unwrap() = now;
    }
}

fn start() -> DateTime<Utc> {
    // A Tuesday morning in Rome.
    DateTime::parse_from_rfc3339("2026-03-03T09:00:00+01:00").unwrap().with_timezone(&Utc)
}

fn message(channel: Channel, email: &str, text: &str, at: DateTime<Utc>) -> InboundRequest {
    InboundRequest {
        channel,
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

#[tokio::test]
async fn the_incremental_recompute_leaves_nothing_for_a_full_one_to_change() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("desk.db")).await.unwrap();
    store.migrate().await.unwrap();
    let clock = Arc::new(TestClock(Mutex::new(start())));
    let desk = Desk::with_clock(Arc::new(store.clone()), clock.clone());
    let customers = [
        (Channel::Email, "Il pacco non è arrivato."),
        (Channel::Email, "URGENTE: sono furioso, rimborso subito!"),
        (Channel::WebChat, "Ciao, una domanda sul mio ordine"),
        (Channel::Api, "Where is my parcel? This is unacceptable."),
    ];
    for (n, (channel, text)) in customers.iter().enumerate() {
        let at = start() - TimeDelta::minutes(17 * n as i64);
        desk.ingest(message(*channel, &format!("c{n}@example.com"), text, at)).await.unwrap();
    }
    assert_eq!(desk.recompute_queue().await.unwrap().read, 0, "every score is fresh after ingest");
    let mut now = start();
    // Seconds (live chat steps), minutes, hours into the evening, the night, the next days.
    for step in [7, 50, 61, 300, 1_800, 3 * 3_600, 5 * 3_600, 11 * 3_600, 24 * 3_600, 3 * 24 * 3_600] {
        now += TimeDelta::seconds(step);
        clock.set(now);
        let incremental = desk.recompute_queue().await.unwrap();
        assert!(incremental.read <= customers.len());
        store.mark_queue_due().await.unwrap();
        let full = desk.recompute_queue().await.unwrap();
        assert_eq!(full.read, customers.len(), "the full pass reads every open conversation");
        assert_eq!(full.changed, 0, "at {now} the incremental pass missed a change ({incremental:?})");
    }
    assert_eq!(desk.recompute_queue().await.unwrap().read, 0, "nothing is due twice at one instant");
}
