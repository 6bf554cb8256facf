//! Group commit for ingest: messages that arrive while the writer is busy are written
//! together, in one transaction, by whichever of their callers gets the writer first.
//!
//! SQLite has one writer, and on 2 cores the cost of a write transaction is mostly its fixed
//! part (taking the lock, the round trips of `BEGIN` and `COMMIT`, the WAL frame). Batching
//! spreads that over every message that queued behind it, so throughput rises under load while
//! a lone message still goes straight through. No background task is involved: the caller that
//! takes the leader lock writes the batch, in a spawned task so that a caller giving up (a
//! client disconnecting) cannot abort the others' writes.
//!
//! A message refused before any write (a conversation of another customer) gets its error and
//! leaves the batch intact; a failure during a write rolls the batch back, and each message
//! is then written alone, so one bad message never fails its neighbours.

use std::sync::{Mutex, PoisonError};

use ascolto_store::{Ingested, StoreError, StoreResult};
use sqlx::SqlitePool;
use tokio::sync::oneshot;

use crate::error::db;
use crate::ingest::{self, Prepared};

/// The most messages one transaction writes, so that a burst cannot hold the write lock for
/// long while other writes (a reply, a patch) wait.
const MAX_BATCH: usize = 256;

/// One message waiting to be written, and where its outcome goes.
#[derive(Debug)]
struct Job {
    prepared: Prepared,
    reply: oneshot::Sender<StoreResult<Ingested>>,
}

/// The messages waiting for the writer.
#[derive(Debug, Default)]
pub(crate) struct IngestQueue {
    waiting: Mutex<Vec<Job>>,
    /// Held by the caller currently forming and writing a batch.
    leader: tokio::sync::Mutex<()>,
}

impl IngestQueue {
    /// Writes `prepared` through the write pool, batched with whatever else is waiting.
    pub(crate) async fn ingest(&self, write: &SqlitePool, prepared: Prepared) -> StoreResult<Ingested> {
        let (reply, mut answer) = oneshot::channel();
        self.lock_waiting().push(Job { prepared, reply });
        loop {
            tokio::select! {
                biased;
                outcome = &mut answer => {
                    return outcome.unwrap_or_else(|_| Err(StoreError::backend(Lost)));
                }
                _leader = self.leader.lock() => {
                    let batch = self.take_batch();
                    if !batch.is_empty() {
                        // Spawned so the batch completes even if this caller is dropped.
                        let _ = tokio::spawn(write_batch(write.clone(), batch)).await;
                    }
                }
            }
        }
    }

    fn lock_waiting(&self) -> std::sync::MutexGuard<'_, Vec<Job>> {
        // A panic while holding this lock leaves a plain Vec behind, still consistent.
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn take_batch(&self) -> Vec<Job> {
        let mut waiting = self.lock_waiting();
        let take = waiting.len().min(MAX_BATCH);
        waiting.drain(..take).collect()
    }
}

/// A batch's message was dropped without an answer (its writer task panicked).
#[derive(Debug)]
struct Lost;

impl std::fmt::Display for Lost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the message was not written: its batch ended without an answer")
    }
}

impl std::error::Error for Lost {}

async fn write_batch(pool: SqlitePool, batch: Vec<Job>) {
    match write_together(&pool, &batch).await {
        Ok(outcomes) => {
            for (job, outcome) in batch.into_iter().zip(outcomes) {
                let _ = job.reply.send(outcome);
            }
        }
        Err(_) => {
            for job in batch {
                let outcome = write_alone(&pool, &job.prepared).await;
                let _ = job.reply.send(outcome);
            }
        }
    }
}

/// Every message of the batch in one transaction; `Err` when the transaction had to be
/// abandoned.
async fn write_together(pool: &SqlitePool, batch: &[Job]) -> StoreResult<Vec<StoreResult<Ingested>>> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let prepared: Vec<&Prepared> = batch.iter().map(|job| &job.prepared).collect();
    let outcomes = ingest::ingest_batch(&mut tx, &prepared).await?;
    tx.commit().await.map_err(db)?;
    Ok(outcomes)
}

async fn write_alone(pool: &SqlitePool, prepared: &Prepared) -> StoreResult<Ingested> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let ingested = ingest::ingest_batch(&mut tx, &[prepared])
        .await?
        .pop()
        .ok_or_else(|| StoreError::backend(Lost))??;
    tx.commit().await.map_err(db)?;
    Ok(ingested)
}
