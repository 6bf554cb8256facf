//! The outbox worker against a real SQLite store: a reply is delivered or visibly failed,
//! retried while the channel is down, and never sent twice.

use std::sync::{Arc, Mutex};

use ascolto_core::{Channel, Conversation, DeliveryStatus, Identity, IdentityKind, Message};
use ascolto_service::outbox::{Deliverer, Deliverers, DeliveryError};
use ascolto_service::{Clock, Desk, InboundRequest, ReplyRequest};
use ascolto_store::{NewAgent, Store};
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
    fn advance(&self, by: TimeDelta) {
        *self.0.lock().unwrap() += by;
    }
}

/// A channel that fails the first `failures` attempts, then succeeds, counting deliveries.
#[derive(Debug, Default)]
struct FlakyChannel {
    failures: Mutex<u32>,
    delivered: Mutex<Vec<i64>>,
    permanent: bool,
}

#[async_trait::async_trait]
impl Deliverer for FlakyChannel {
    async fn deliver(&self, message: &Message, _: &Conversation) -> Result<Option<String>, DeliveryError> {
        let mut failures = self.failures.lock().unwrap();
        if self.permanent {
            return Err(DeliveryError::Permanent("550 mailbox unavailable".into()));
        }
        if *failures > 0 {
            *failures -= 1;
            return Err(DeliveryError::Temporary("connection refused".into()));
        }
        self.delivered.lock().unwrap().push(message.id.0);
        Ok(Some(format!("<{}@test>", message.id)))
    }
}

struct Fixture {
    desk: Desk,
    clock: Arc<TestClock>,
    reply: Message,
    _dir: tempfile::TempDir,
}

async fn reply_on(channel: Channel) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("t.db")).await.unwrap();
    store.migrate().await.unwrap();
    let store: Arc<dyn Store> = Arc::new(store);
    let clock = Arc::new(TestClock(Mutex::new(Utc::now())));
    let desk = Desk::with_clock(store.clone(), clock.clone());
    let agent = store
        .create_agent(NewAgent {
            name: "Sara".into(),
            email: ascolto_core::EmailAddress::parse("sara@test.ascolto").unwrap(),
            role: ascolto_core::Role::Agent,
            password_hash: None,
            languages: vec!["it".into()],
            teams: vec![],
            reports_to: None,
            ui_language: "it".into(),
        })
        .await
        .unwrap();
    let ingested = desk
        .ingest(InboundRequest {
            channel,
            identity: Identity::parse(IdentityKind::Email, "anna@example.it").unwrap(),
            customer_name: Some("Anna".into()),
            conversation: None,
            subject: None,
            text: "Dov'è il mio ordine?".into(),
            html: None,
            attachments: vec![],
            channel_message_id: Some("m1".into()),
            received_at: None,
        })
        .await
        .unwrap();
    let reply = desk
        .reply(ReplyRequest {
            conversation: ingested.conversation.id,
            agent: agent.id,
            text: "Lo controllo subito.".into(),
            html: None,
            note: false,
            template: None,
        })
        .await
        .unwrap();
    assert_eq!(reply.delivery_status, DeliveryStatus::Queued);
    Fixture { desk, clock, reply, _dir: dir }
}

async fn status_of(fixture: &Fixture) -> Message {
    fixture.desk.store.get_message(fixture.reply.id).await.unwrap()
}

#[tokio::test]
async fn an_api_reply_is_marked_sent() {
    let fixture = reply_on(Channel::Api).await;
    assert_eq!(fixture.desk.deliver_due(&Deliverers::api_only(), 10).await.unwrap(), 1);
    assert_eq!(status_of(&fixture).await.delivery_status, DeliveryStatus::Sent);
    assert_eq!(fixture.desk.deliver_due(&Deliverers::api_only(), 10).await.unwrap(), 0, "sent once only");
}

#[tokio::test]
async fn a_reply_is_retried_while_the_channel_is_down_and_sent_once() {
    let fixture = reply_on(Channel::Email).await;
    let channel = Arc::new(FlakyChannel { failures: Mutex::new(2), ..Default::default() });
    let mut deliverers = Deliverers::default();
    deliverers.insert(Channel::Email, channel.clone());
    assert_eq!(fixture.desk.deliver_due(&deliverers, 10).await.unwrap(), 1);
    let after_failure = status_of(&fixture).await;
    assert_eq!(after_failure.delivery_status, DeliveryStatus::Queued);
    assert_eq!(after_failure.delivery_error.as_deref(), Some("connection refused"));
    assert_eq!(fixture.desk.deliver_due(&deliverers, 10).await.unwrap(), 0, "not due before the backoff");
    fixture.clock.advance(TimeDelta::minutes(1));
    fixture.desk.deliver_due(&deliverers, 10).await.unwrap();
    fixture.clock.advance(TimeDelta::minutes(1));
    fixture.desk.deliver_due(&deliverers, 10).await.unwrap();
    let delivered = status_of(&fixture).await;
    assert_eq!(delivered.delivery_status, DeliveryStatus::Sent);
    assert_eq!(*channel.delivered.lock().unwrap(), vec![fixture.reply.id.0]);
    fixture.clock.advance(TimeDelta::hours(2));
    assert_eq!(fixture.desk.deliver_due(&deliverers, 10).await.unwrap(), 0);
    assert_eq!(channel.delivered.lock().unwrap().len(), 1, "never sent twice");
}

#[tokio::test]
async fn a_permanent_failure_is_shown_with_the_servers_answer() {
    let fixture = reply_on(Channel::Email).await;
    let mut deliverers = Deliverers::default();
    deliverers.insert(Channel::Email, Arc::new(FlakyChannel { permanent: true, ..Default::default() }));
    fixture.desk.deliver_due(&deliverers, 10).await.unwrap();
    let failed = status_of(&fixture).await;
    assert_eq!(failed.delivery_status, DeliveryStatus::Failed);
    assert_eq!(failed.delivery_error.as_deref(), Some("550 mailbox unavailable"));
}

#[tokio::test]
async fn a_reply_on_an_unconfigured_channel_fails_visibly() {
    let fixture = reply_on(Channel::Telegram).await;
    fixture.desk.deliver_due(&Deliverers::api_only(), 10).await.unwrap();
    let failed = status_of(&fixture).await;
    assert_eq!(failed.delivery_status, DeliveryStatus::Failed);
    assert!(failed.delivery_error.unwrap().contains("telegram"));
}
