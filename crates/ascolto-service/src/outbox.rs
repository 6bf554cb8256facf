//! The outbox worker: delivers queued replies through their channel, with retries, so a reply
//! an agent sent is delivered or visibly failed, never silently dropped.
//!
//! A reply and its outbox row are committed together (see the store's invariants); this
//! worker claims due rows with a lease, so on many nodes each row is worked by one node at a
//! time, and a node that dies mid-delivery only delays the row until its lease runs out.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use ascolto_core::{Channel, Conversation, Message};
use ascolto_store::{DeliveryOutcome, OutboxJob, StoreResult};
use chrono::TimeDelta;
use tokio::sync::{Notify, watch};
use tracing::{info, warn};

use crate::Desk;
use crate::events::{Event, Scope};

/// Attempts before a reply is marked failed.
pub const MAX_ATTEMPTS: i32 = 10;
/// How long a claimed job is held before another worker may take it.
const LEASE: TimeDelta = TimeDelta::seconds(120);

/// Why a delivery did not go through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryError {
    /// Worth trying again later (server down, rate limited).
    Temporary(String),
    /// Will never work (address refused, window closed); the reply is marked failed.
    Permanent(String),
    /// Rate-limited: try again, but not before the wait the channel asked for.
    RetryAfter(String, Duration),
}

/// Hands replies to one channel.
#[async_trait::async_trait]
pub trait Deliverer: Send + Sync + std::fmt::Debug {
    /// Delivers `message`, returning the channel's own id for it when it gives one.
    async fn deliver(
        &self,
        message: &Message,
        conversation: &Conversation,
    ) -> Result<Option<String>, DeliveryError>;
}

/// The API channel has nowhere to push to: integrations read replies through the API, so a
/// reply counts as sent once it is stored and visible there.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiDeliverer;

#[async_trait::async_trait]
impl Deliverer for ApiDeliverer {
    async fn deliver(&self, _: &Message, _: &Conversation) -> Result<Option<String>, DeliveryError> {
        Ok(None)
    }
}

/// The deliverer for each configured channel.
#[derive(Debug, Clone, Default)]
pub struct Deliverers {
    by_channel: HashMap<Channel, Arc<dyn Deliverer>>,
}

impl Deliverers {
    /// Only the API channel, which needs no configuration.
    pub fn api_only() -> Self {
        let mut deliverers = Self::default();
        deliverers.insert(Channel::Api, Arc::new(ApiDeliverer));
        deliverers
    }

    pub fn insert(&mut self, channel: Channel, deliverer: Arc<dyn Deliverer>) {
        self.by_channel.insert(channel, deliverer);
    }
}

/// Wait before retry number `attempt` (1-based): 5 s doubling, at most an hour.
pub fn backoff(attempt: i32) -> TimeDelta {
    let exponent = attempt.clamp(1, 20) as u32 - 1;
    let seconds = 5i64.saturating_mul(1i64 << exponent.min(12));
    TimeDelta::seconds(seconds.min(3600))
}

impl Desk {
    /// Claims due outbox jobs and delivers them. Returns how many were worked.
    pub async fn deliver_due(&self, deliverers: &Deliverers, limit: u32) -> StoreResult<usize> {
        let now = self.now();
        let jobs = self.store.claim_outbox(now, now + LEASE, limit).await?;
        for job in &jobs {
            let outcome = self.deliver_one(deliverers, job).await?;
            self.store.finish_outbox(job.id, outcome, self.now()).await?;
            self.announce_delivery(job).await?;
        }
        Ok(jobs.len())
    }

    async fn announce_delivery(&self, job: &OutboxJob) -> StoreResult<()> {
        let message = self.store.get_message(job.message_id).await?;
        let conversation = self.store.get_conversation(job.conversation_id).await?;
        let scope = Scope::from(&conversation);
        self.events.publish(Event::DeliveryUpdated { scope, message: Box::new(message) });
        Ok(())
    }

    async fn deliver_one(&self, deliverers: &Deliverers, job: &OutboxJob) -> StoreResult<DeliveryOutcome> {
        let Some(deliverer) = deliverers.by_channel.get(&job.channel) else {
            warn!(message.id = %job.message_id, channel = %job.channel, "no deliverer for channel {}", job.channel);
            return Ok(DeliveryOutcome::Failed {
                error: format!("no {} channel is configured to send this reply", job.channel),
            });
        };
        let message = self.store.get_message(job.message_id).await?;
        let conversation = self.store.get_conversation(job.conversation_id).await?;
        let attempt = job.attempts + 1;
        Ok(match deliverer.deliver(&message, &conversation).await {
            Ok(channel_message_id) => {
                info!(message.id = %job.message_id, "delivered reply {} on attempt {attempt}", job.message_id);
                DeliveryOutcome::Sent { channel_message_id }
            }
            Err(DeliveryError::Temporary(error)) if attempt < MAX_ATTEMPTS => {
                warn!(message.id = %job.message_id, "delivery attempt {attempt} failed, will retry: {error}");
                DeliveryOutcome::Retry { error, retry_at: self.now() + backoff(attempt) }
            }
            Err(DeliveryError::RetryAfter(error, after)) if attempt < MAX_ATTEMPTS => {
                let wait =
                    TimeDelta::from_std(after).unwrap_or(TimeDelta::hours(1)).max(TimeDelta::seconds(1));
                warn!(message.id = %job.message_id, "delivery attempt {attempt} was rate-limited, will retry in {wait}: {error}");
                DeliveryOutcome::Retry { error, retry_at: self.now() + wait }
            }
            Err(
                DeliveryError::Temporary(error)
                | DeliveryError::Permanent(error)
                | DeliveryError::RetryAfter(error, _),
            ) => {
                warn!(message.id = %job.message_id, "delivery failed for good after {attempt} attempts: {error}");
                DeliveryOutcome::Failed { error }
            }
        })
    }

    /// Runs the outbox worker until `shutdown` turns true. `wake` is notified when a reply is
    /// queued, so delivery starts at once instead of at the next poll.
    pub async fn run_outbox(
        self,
        deliverers: Deliverers,
        wake: Arc<Notify>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        loop {
            let worked = match self.deliver_due(&deliverers, 32).await {
                Ok(worked) => worked,
                Err(error) => {
                    warn!("outbox worker could not read the store: {error}");
                    0
                }
            };
            if worked > 0 {
                continue;
            }
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), TimeDelta::seconds(5));
        assert_eq!(backoff(2), TimeDelta::seconds(10));
        assert_eq!(backoff(4), TimeDelta::seconds(40));
        assert_eq!(backoff(30), TimeDelta::seconds(3600));
        assert_eq!(backoff(-3), TimeDelta::seconds(5));
    }
}
