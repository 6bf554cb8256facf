//! PostgreSQL `LISTEN/NOTIFY` as a relay of text payloads between Ascolto nodes, for the
//! service's event bridge: what one node sends, every node listening on the same database
//! receives (itself included; the bridge drops its own events).

use std::time::Duration;

use ascolto_store::StoreResult;
use sqlx::postgres::PgListener;
use tokio::sync::mpsc;

use crate::PostgresStore;
use crate::error::db;

/// The NOTIFY channel Ascolto's events travel on.
pub const EVENTS_CHANNEL: &str = "ascolto_events";

/// Payloads waiting to be sent or handed over before senders wait.
const BUFFER: usize = 4096;

impl PostgresStore {
    /// Starts relaying: payloads sent into the returned sender are published with
    /// `pg_notify`; payloads any node publishes arrive on the returned receiver. The listening
    /// connection reconnects by itself after a network failure (events published meanwhile
    /// are missed, as with any pub/sub).
    pub async fn relay(&self) -> StoreResult<(mpsc::Sender<String>, mpsc::Receiver<String>)> {
        let mut listener = PgListener::connect_with(&self.pool).await.map_err(db)?;
        listener.listen(EVENTS_CHANNEL).await.map_err(db)?;
        let (to_nodes, mut outgoing) = mpsc::channel::<String>(BUFFER);
        let (incoming, from_nodes) = mpsc::channel::<String>(BUFFER);
        tokio::spawn(async move {
            loop {
                match listener.recv().await {
                    Ok(notification) => {
                        if incoming.send(notification.payload().to_owned()).await.is_err() {
                            return;
                        }
                    }
                    Err(_) if incoming.is_closed() => return,
                    // The listener reconnects on the next `recv`; pause so a database that is
                    // down does not make this loop spin.
                    Err(_) => tokio::time::sleep(Duration::from_millis(500)).await,
                }
            }
        });
        let pool = self.pool.clone();
        tokio::spawn(async move {
            while let Some(payload) = outgoing.recv().await {
                // A lost event only delays an agent's screen until the next one; the data is
                // in the store either way, so a failed NOTIFY is not retried.
                let _ = sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(EVENTS_CHANNEL)
                    .bind(&payload)
                    .execute(&pool)
                    .await;
            }
        });
        Ok((to_nodes, from_nodes))
    }
}
