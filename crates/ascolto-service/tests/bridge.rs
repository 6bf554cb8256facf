//! The cross-node event bridge on a real PostgreSQL: two nodes (two desks, two pools) on one
//! database; what is stored on one is heard on the other, large messages included.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use ascolto_core::{Channel, Identity, IdentityKind};
use ascolto_service::events::{Envelope, Event};
use ascolto_service::{Desk, InboundRequest};
use ascolto_store::Store;
use ascolto_store_postgres::PostgresStore;
use sqlx::postgres::PgConnectOptions;
use sqlx::{AssertSqlSafe, Connection, PgConnection};

async fn database() -> Option<(PgConnectOptions, String)> {
    let url = std::env::var("ASCOLTO_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let admin = PgConnectOptions::from_str(&url).unwrap();
    let mut connection = match PgConnection::connect_with(&admin).await {
        Ok(connection) => connection,
        Err(error) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("PostgreSQL is required in CI: {error}")
        }
        Err(error) => {
            println!("SKIPPED: PostgreSQL is not available: {error}");
            return None;
        }
    };
    let name = format!("ascolto_bridge_{:016x}", fastrand::u64(..));
    sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut connection).await.unwrap();
    Some((admin, name))
}

async fn node(admin: &PgConnectOptions, name: &str) -> Desk {
    let url = format!("postgres://{}@{}:{}/{name}", admin.get_username(), admin.get_host(), admin.get_port());
    let store = PostgresStore::connect_with(&url, 3).await.unwrap();
    store.migrate().await.unwrap();
    let (outgoing, incoming) = store.relay().await.unwrap();
    let desk = Desk::new(Arc::new(store));
    tokio::spawn(ascolto_service::live::run_bridge(desk.clone(), outgoing, incoming));
    desk
}

fn chat(text: String, id: &str) -> InboundRequest {
    InboundRequest {
        channel: Channel::WebChat,
        identity: Identity::parse(IdentityKind::WebChat, "visitor-1").unwrap(),
        customer_name: None,
        conversation: None,
        subject: None,
        text,
        html: None,
        attachments: vec![],
        channel_message_id: Some(id.to_owned()),
        received_at: None,
    }
}

async fn next_message(listener: &mut tokio::sync::broadcast::Receiver<Arc<Envelope>>) -> (String, String) {
    loop {
        let envelope = tokio::time::timeout(Duration::from_secs(10), listener.recv())
            .await
            .expect("nothing crossed the bridge")
            .unwrap();
        if let Event::MessageCreated { message, .. } = &envelope.event {
            return (envelope.origin.clone(), message.text.clone());
        }
    }
}

#[tokio::test]
async fn a_message_stored_on_one_node_is_heard_on_the_other_once() {
    let Some((admin, name)) = database().await else { return };
    let node_a = node(&admin, &name).await;
    let node_b = node(&admin, &name).await;
    let mut on_b = node_b.events.subscribe();
    let mut on_a = node_a.events.subscribe();
    node_a.ingest(chat("Ciao dal nodo A".into(), "a-1")).await.unwrap();
    assert_eq!(
        next_message(&mut on_b).await,
        (node_a.events.node_id().to_owned(), "Ciao dal nodo A".to_owned())
    );
    assert_eq!(next_message(&mut on_a).await.1, "Ciao dal nodo A");

    // Larger than NOTIFY allows: it crosses as a reference and is read back from the store.
    let long = "parola ".repeat(3000);
    node_a.ingest(chat(long.clone(), "a-2")).await.unwrap();
    let (origin, text) = next_message(&mut on_b).await;
    assert!(origin == node_a.events.node_id() && text == long, "the long message did not cross intact");
    assert_eq!(next_message(&mut on_a).await.1.len(), long.len(), "node A did not hear its own message");

    node_b.ingest(chat("Risposta dal nodo B".into(), "b-1")).await.unwrap();
    assert_eq!(
        next_message(&mut on_a).await.1,
        "Risposta dal nodo B",
        "node A heard one of its own events twice"
    );
    // Node B heard its own message (after the queue updates the bridge carried from node A).
    let heard_own = std::iter::from_fn(|| on_b.try_recv().ok())
        .any(|e| matches!(&e.event, Event::MessageCreated { message, .. } if message.text == "Risposta dal nodo B"));
    assert!(heard_own, "node B did not hear its own message");
    let mut connection = PgConnection::connect_with(&admin).await.unwrap();
    let _ = sqlx::query(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
        .execute(&mut connection)
        .await;
}
