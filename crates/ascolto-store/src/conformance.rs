//! The conformance suite: what every [`Store`] backend must do, run by each backend's tests
//! on a fresh database per case.
//!
//! A backend's test file is one line plus a fixture:
//!
//! ```text
//! ascolto_store::conformance_tests!(async { fresh_store().await });
//! ```
//!
//! where `fresh_store()` returns `Option<Fixture>` (`None` skips the case, for a database
//! that is not there; the fixture prints why). The macro expands to one `#[tokio::test]` per
//! case, so the test crate needs `tokio` with the `macros` and `rt-multi-thread` features.
//! Each case is a plain `pub async fn case(store: &dyn Store)` below, named as a sentence.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use ascolto_core::agent::Visibility;
use ascolto_core::search::Query;
use ascolto_core::{
    Agent, AgentId, AttachmentMeta, Channel, Conversation, ConversationId, ConversationStatus, CustomerId,
    DeliveryStatus, Direction, EmailAddress, Identity, IdentityKind, Presence, Priority, Role, TeamId,
};
use chrono::{DateTime, Duration, Utc};

use crate::{
    AgentPatch, AssigneeFilter, ConversationFilter, ConversationPatch, ConversationSort, CustomerPatch,
    DeliveryOutcome, InboundMessage, Ingested, NewAgent, NewAgentMessage, NewCustomer, NewSession,
    PageRequest, Store, StoreError,
};

/// A fresh store for one case, and what to do once the case is over.
pub struct Fixture {
    pub store: Arc<dyn Store>,
    /// Runs after the case, whether it passed or not: drops a database, removes a folder.
    pub cleanup: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
}

impl std::fmt::Debug for Fixture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fixture").field("store", &self.store).finish_non_exhaustive()
    }
}

impl Fixture {
    pub fn new(store: impl Store) -> Self {
        Self { store: Arc::new(store), cleanup: None }
    }

    pub fn with_cleanup(mut self, cleanup: impl Future<Output = ()> + Send + 'static) -> Self {
        self.cleanup = Some(Box::pin(cleanup));
        self
    }
}

/// One conformance case, as the macro hands it to [`run`].
pub type Case = for<'a> fn(&'a dyn Store) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Runs `case` on the fixture's store, cleans up, then re-raises the case's panic if any.
/// The case runs in its own task so that a failing assertion still lets cleanup run.
pub async fn run(fixture: impl Future<Output = Option<Fixture>>, case: Case) {
    let Some(fixture) = fixture.await else { return };
    let store = fixture.store.clone();
    let outcome = tokio::spawn(async move { case(&*store).await }).await;
    if let Some(cleanup) = fixture.cleanup {
        cleanup.await;
    }
    if let Err(error) = outcome {
        match error.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(error) => panic!("the case did not finish: {error}"),
        }
    }
}

/// Expands to one `#[tokio::test]` per conformance case, each on the store the given
/// expression (a future of `Option<Fixture>`) makes.
#[macro_export]
macro_rules! conformance_tests {
    ($fixture:expr) => {
        $crate::__conformance_cases! { $fixture;
            ingest_creates_customer_conversation_and_message,
            many_customers_are_read_at_once_with_their_identities,
            ingest_names_a_new_customer_after_the_identity_when_no_name_is_given,
            ingest_finds_the_existing_customer_by_identity,
            ingest_twice_is_idempotent,
            ingest_threads_into_the_latest_unresolved_conversation_on_the_channel,
            ingest_after_resolution_opens_a_new_conversation,
            ingest_into_an_explicit_resolved_conversation_reopens_it,
            ingest_reopens_pending_and_snoozed_conversations,
            ingest_into_another_customers_conversation_is_invalid,
            ingest_into_a_missing_conversation_is_not_found,
            ingest_keeps_html_and_attachments,
            concurrent_ingests_from_a_new_sender_make_one_customer_and_one_conversation,
            a_refused_message_does_not_fail_messages_ingested_beside_it,
            reply_sets_first_response_and_queues_an_outbox_row,
            note_is_neither_sent_nor_counted_as_a_response,
            agent_message_to_a_missing_conversation_or_from_a_missing_agent_fails_cleanly,
            outbox_sent_marks_the_message_sent,
            outbox_retry_waits_until_retry_at,
            outbox_failure_marks_the_message_failed,
            outbox_lease_hides_a_job_until_it_expires,
            concurrent_claimers_never_get_the_same_job,
            finishing_an_unknown_job_is_not_found,
            list_filters_by_status,
            list_filters_by_assignee,
            list_filters_by_team_channel_priority_and_customer,
            list_leaves_out_merged_conversations_unless_asked,
            recent_sort_pages_through_every_row_once,
            oldest_sort_pages_through_every_row_once,
            priority_sort_pages_through_every_row_once,
            admin_sees_every_conversation,
            agent_sees_team_general_queue_and_own_conversations,
            lead_sees_conversations_of_their_reports,
            list_messages_is_oldest_first_across_pages,
            snoozing_needs_a_time_and_other_statuses_clear_it,
            resolving_stamps_resolved_at_and_reopening_clears_it,
            update_conversation_sets_the_queue_fields,
            update_conversation_with_unknown_ids_fails_cleanly,
            customer_crud_round_trips,
            identity_held_by_another_customer_is_a_conflict,
            customers_list_newest_first_across_pages,
            customer_search_finds_name_identity_and_notes,
            search_finds_italian_plural_by_singular,
            search_finds_english_inflections,
            search_respects_visibility_and_pages_newest_first,
            empty_search_matches_nothing,
            merge_customers_moves_identities_tags_and_conversations,
            merge_conversations_moves_messages_and_recounts,
            invalid_merges_are_refused,
            agents_round_trip_and_emails_are_unique,
            agent_with_an_unknown_team_is_invalid,
            teams_round_trip_and_names_are_unique,
            reports_of_lists_direct_reports,
            sessions_expire_and_can_be_deleted,
            api_tokens_work_until_revoked,
            nul_bytes_are_dropped_not_refused,
            a_megabyte_message_is_stored_and_found,
            hostile_search_input_is_harmless,
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_cases {
    ($fixture:expr; $($case:ident),* $(,)?) => {
        $(
            #[::tokio::test]
            async fn $case() {
                $crate::conformance::run($fixture, |store| {
                    ::std::boxed::Box::pin($crate::conformance::$case(store))
                })
                .await;
            }
        )*
    };
}

// --- helpers ---

/// A fixed clock: minute `minute` after 2026-03-01 09:00 UTC.
fn at(minute: i64) -> DateTime<Utc> {
    let base = DateTime::from_timestamp_millis(1_772_355_600_000).expect("a valid time");
    base + Duration::minutes(minute)
}

fn email(local: &str) -> Identity {
    Identity::parse(IdentityKind::Email, &format!("{local}@example.com")).expect("a valid address")
}

/// An e-mail from `local@example.com`, with no channel id and no explicit conversation.
fn inbound(local: &str, text: &str, minute: i64) -> InboundMessage {
    InboundMessage {
        channel: Channel::Email,
        identity: email(local),
        customer_name: Some(format!("Customer {local}")),
        conversation: None,
        subject: format!("About {text}"),
        text: text.to_owned(),
        html: None,
        attachments: Vec::new(),
        channel_message_id: None,
        received_at: at(minute),
    }
}

async fn ingest(store: &dyn Store, local: &str, text: &str, minute: i64) -> Ingested {
    store.ingest(inbound(local, text, minute)).await.expect("ingest")
}

fn new_agent(name: &str, role: Role, teams: Vec<TeamId>, reports_to: Option<AgentId>) -> NewAgent {
    NewAgent {
        name: name.to_owned(),
        email: EmailAddress::parse(&format!("{}@desk.example", name.to_lowercase()))
            .expect("a valid address"),
        role,
        password_hash: Some(format!("hash-of-{name}")),
        languages: vec!["it".into(), "en".into()],
        teams,
        reports_to,
        ui_language: "it".into(),
    }
}

async fn agent(store: &dyn Store, name: &str, role: Role, teams: Vec<TeamId>) -> Agent {
    store.create_agent(new_agent(name, role, teams, None)).await.expect("create agent")
}

async fn reply(
    store: &dyn Store,
    conversation: ConversationId,
    agent: AgentId,
    text: &str,
    minute: i64,
    note: bool,
) {
    let new = NewAgentMessage {
        conversation,
        agent,
        text: text.to_owned(),
        html: None,
        note,
        created_at: at(minute),
        template: None,
    };
    store.add_agent_message(new).await.expect("agent message");
}

async fn patch(store: &dyn Store, id: ConversationId, patch: ConversationPatch) -> Conversation {
    store.update_conversation(id, patch, at(500)).await.expect("update conversation")
}

async fn set_status(store: &dyn Store, id: ConversationId, status: ConversationStatus) -> Conversation {
    let snoozed_until = (status == ConversationStatus::Snoozed).then(|| at(1_000));
    patch(store, id, ConversationPatch { status: Some(status), snoozed_until, ..Default::default() }).await
}

/// Every conversation id a list returns, page by page.
async fn list_all(
    store: &dyn Store,
    filter: &ConversationFilter,
    visibility: &Visibility,
    limit: u32,
) -> Vec<ConversationId> {
    let mut ids = Vec::new();
    let mut page = PageRequest::first(limit);
    for _ in 0..1_000 {
        let result = store.list_conversations(filter, visibility, page).await.expect("list conversations");
        ids.extend(result.items.iter().map(|c| c.id));
        match result.next {
            Some(cursor) => page = PageRequest::after(cursor, limit),
            None => return ids,
        }
    }
    panic!("the list never ended");
}

fn filter(edit: impl FnOnce(&mut ConversationFilter)) -> ConversationFilter {
    let mut filter = ConversationFilter::default();
    edit(&mut filter);
    filter
}

/// Sorted ids, for comparing sets.
fn sorted(mut ids: Vec<ConversationId>) -> Vec<ConversationId> {
    ids.sort();
    ids
}

macro_rules! assert_err {
    ($result:expr, $pattern:pat) => {{
        let result = $result;
        assert!(matches!(result, Err($pattern)), "expected {}, got {result:?}", stringify!($pattern));
    }};
}

// --- ingest and threading ---

pub async fn ingest_creates_customer_conversation_and_message(store: &dyn Store) {
    let ingested = ingest(store, "anna", "Il mio pacco non è arrivato", 0).await;
    assert!(ingested.created && ingested.new_conversation);
    let (message, conversation) = (&ingested.message, &ingested.conversation);
    assert_eq!(message.direction, Direction::Inbound);
    assert_eq!(message.delivery_status, DeliveryStatus::Received);
    assert_eq!(message.text, "Il mio pacco non è arrivato");
    assert_eq!(message.created_at, at(0));
    assert_eq!(message.customer_id, Some(conversation.customer_id));
    assert_eq!(message.conversation_id, conversation.id);
    assert_eq!(conversation.status, ConversationStatus::Open);
    assert_eq!(conversation.priority, Priority::Normal);
    assert_eq!(conversation.channel, Channel::Email);
    assert_eq!(conversation.subject, "About Il mio pacco non è arrivato");
    assert_eq!(conversation.message_count, 1);
    assert_eq!((conversation.created_at, conversation.last_message_at), (at(0), at(0)));
    assert_eq!(conversation.last_customer_message_at, Some(at(0)));
    assert_eq!(conversation.first_response_at, None);
    let customer = store.get_customer(conversation.customer_id).await.expect("customer");
    assert_eq!(customer.name, "Customer anna");
    assert_eq!(customer.identities, vec![email("anna")]);
    assert_eq!(store.get_conversation(conversation.id).await.expect("conversation"), *conversation);
    assert_eq!(store.get_message(message.id).await.expect("message"), *message);
}

pub async fn ingest_names_a_new_customer_after_the_identity_when_no_name_is_given(store: &dyn Store) {
    let mut message = inbound("bruno", "hello", 0);
    message.customer_name = None;
    let ingested = store.ingest(message).await.expect("ingest");
    let customer = store.get_customer(ingested.conversation.customer_id).await.expect("customer");
    assert_eq!(customer.name, "bruno@example.com");
}

pub async fn ingest_finds_the_existing_customer_by_identity(store: &dyn Store) {
    let new =
        NewCustomer { name: "Carla Bianchi".into(), identities: vec![email("carla")], ..Default::default() };
    let customer = store.create_customer(new, at(0)).await.expect("create customer");
    let ingested = ingest(store, "carla", "ciao", 1).await;
    assert_eq!(ingested.conversation.customer_id, customer.id);
    assert_eq!(store.get_customer(customer.id).await.expect("customer").name, "Carla Bianchi");
}

pub async fn ingest_twice_is_idempotent(store: &dyn Store) {
    let mut message = inbound("dario", "first", 0);
    message.channel_message_id = Some("<m1@mail.example>".into());
    let first = store.ingest(message.clone()).await.expect("first ingest");
    let again = store.ingest(message.clone()).await.expect("second ingest");
    assert!(first.created && !again.created && !again.new_conversation);
    assert_eq!(again.message, first.message);
    assert_eq!(again.conversation.message_count, 1);
    let messages =
        store.list_messages(first.conversation.id, PageRequest::first(50)).await.expect("messages");
    assert_eq!(messages.items.len(), 1);
    // The key is the channel and its id together: another channel may reuse the id.
    message.channel = Channel::Api;
    let other_channel = store.ingest(message).await.expect("ingest on another channel");
    assert!(other_channel.created);
    assert_ne!(other_channel.message.id, first.message.id);
}

pub async fn ingest_threads_into_the_latest_unresolved_conversation_on_the_channel(store: &dyn Store) {
    let first = ingest(store, "elena", "one", 0).await;
    let second = ingest(store, "elena", "two", 5).await;
    assert!(!second.new_conversation);
    assert_eq!(second.conversation.id, first.conversation.id);
    assert_eq!(second.conversation.message_count, 2);
    assert_eq!(second.conversation.last_message_at, at(5));
    assert_eq!(second.conversation.last_customer_message_at, Some(at(5)));
    assert_eq!(second.conversation.created_at, at(0));
    let mut chat = inbound("elena", "three", 6);
    chat.channel = Channel::Api;
    let on_api = store.ingest(chat).await.expect("ingest on another channel");
    assert!(on_api.new_conversation, "another channel starts its own conversation");
    assert_eq!(on_api.conversation.customer_id, first.conversation.customer_id);
}

pub async fn ingest_after_resolution_opens_a_new_conversation(store: &dyn Store) {
    let first = ingest(store, "fabio", "one", 0).await;
    set_status(store, first.conversation.id, ConversationStatus::Resolved).await;
    let second = ingest(store, "fabio", "two", 10).await;
    assert!(second.new_conversation);
    assert_ne!(second.conversation.id, first.conversation.id);
    let old = store.get_conversation(first.conversation.id).await.expect("conversation");
    assert_eq!(old.status, ConversationStatus::Resolved);
}

pub async fn ingest_into_an_explicit_resolved_conversation_reopens_it(store: &dyn Store) {
    let first = ingest(store, "gina", "one", 0).await;
    let resolved = set_status(store, first.conversation.id, ConversationStatus::Resolved).await;
    assert!(resolved.resolved_at.is_some());
    let mut message = inbound("gina", "Re: one", 10);
    message.conversation = Some(first.conversation.id);
    let again = store.ingest(message).await.expect("ingest");
    assert!(!again.new_conversation);
    assert_eq!(again.conversation.id, first.conversation.id);
    assert_eq!(again.conversation.status, ConversationStatus::Open);
    assert_eq!(again.conversation.resolved_at, None);
    assert_eq!(again.conversation.message_count, 2);
}

pub async fn ingest_reopens_pending_and_snoozed_conversations(store: &dyn Store) {
    let first = ingest(store, "ivo", "one", 0).await;
    let id = first.conversation.id;
    set_status(store, id, ConversationStatus::Pending).await;
    assert_eq!(ingest(store, "ivo", "two", 1).await.conversation.status, ConversationStatus::Open);
    let snoozed = set_status(store, id, ConversationStatus::Snoozed).await;
    assert_eq!(snoozed.snoozed_until, Some(at(1_000)));
    let woken = ingest(store, "ivo", "three", 2).await.conversation;
    assert_eq!(woken.id, id);
    assert_eq!(woken.status, ConversationStatus::Open);
    assert_eq!(woken.snoozed_until, None);
}

pub async fn ingest_into_another_customers_conversation_is_invalid(store: &dyn Store) {
    let theirs = ingest(store, "luca", "one", 0).await;
    let mut message = inbound("marta", "not my thread", 1);
    message.conversation = Some(theirs.conversation.id);
    assert_err!(store.ingest(message).await, StoreError::Invalid(_));
}

pub async fn ingest_into_a_missing_conversation_is_not_found(store: &dyn Store) {
    let mut message = inbound("nadia", "lost", 0);
    message.conversation = Some(ConversationId(987_654));
    assert_err!(store.ingest(message).await, StoreError::NotFound { .. });
}

pub async fn ingest_keeps_html_and_attachments(store: &dyn Store) {
    let mut message = inbound("olga", "see attached", 0);
    message.html = Some("<p>see <b>attached</b></p>".into());
    message.attachments = vec![
        AttachmentMeta {
            filename: "fattura.pdf".into(),
            content_type: "application/pdf".into(),
            size_bytes: 12_345,
            content_id: None,
            skipped: None,
        },
        AttachmentMeta {
            filename: "huge.iso".into(),
            content_type: "application/octet-stream".into(),
            size_bytes: 9_000_000_000,
            content_id: Some("cid1".into()),
            skipped: Some("too large".into()),
        },
    ];
    let ingested = store.ingest(message.clone()).await.expect("ingest");
    let stored = store.get_message(ingested.message.id).await.expect("message");
    assert_eq!(stored.html, message.html);
    assert_eq!(stored.attachments, message.attachments);
}

pub async fn concurrent_ingests_from_a_new_sender_make_one_customer_and_one_conversation(store: &dyn Store) {
    let sends = (0..20).map(|n| {
        let mut message = inbound("rush", &format!("message {n}"), 0);
        message.channel_message_id = Some(format!("rush-{}", n % 10));
        store.ingest(message)
    });
    let outcomes: Vec<Ingested> = join_all(sends).await.into_iter().map(|r| r.expect("ingest")).collect();
    let conversations: Vec<_> = outcomes.iter().map(|o| o.conversation.id).collect();
    assert!(conversations.iter().all(|id| *id == conversations[0]), "{conversations:?}");
    assert_eq!(outcomes.iter().filter(|o| o.created).count(), 10, "ten distinct channel ids");
    assert_eq!(outcomes.iter().filter(|o| o.new_conversation).count(), 1);
    let conversation = store.get_conversation(conversations[0]).await.expect("conversation");
    assert_eq!(conversation.message_count, 10);
}

pub async fn a_refused_message_does_not_fail_messages_ingested_beside_it(store: &dyn Store) {
    let theirs = ingest(store, "owner", "mine", 0).await.conversation.id;
    let sends = (0..12).map(|n| {
        let mut message = inbound(&format!("neighbour{n}"), "hello", 1);
        if n % 4 == 0 {
            message.conversation = Some(theirs);
        }
        store.ingest(message)
    });
    for (n, outcome) in join_all(sends).await.into_iter().enumerate() {
        if n % 4 == 0 {
            assert_err!(outcome, StoreError::Invalid(_));
        } else {
            assert!(outcome.expect("ingest").created);
        }
    }
    assert_eq!(list_all(store, &ConversationFilter::default(), &Visibility::All, 50).await.len(), 10);
}

/// Runs the futures concurrently on this task; the outputs come in the futures' order.
async fn join_all<F: Future>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    let mut set = Vec::new();
    for future in futures {
        set.push(Box::pin(future));
    }
    let mut outputs: Vec<Option<F::Output>> = set.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in set.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending { std::task::Poll::Pending } else { std::task::Poll::Ready(()) }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

// --- agents' messages ---

pub async fn reply_sets_first_response_and_queues_an_outbox_row(store: &dyn Store) {
    let paola = agent(store, "Paola", Role::Agent, vec![]).await;
    let conversation = ingest(store, "pietro", "help", 0).await.conversation;
    reply(store, conversation.id, paola.id, "Eccomi", 3, false).await;
    reply(store, conversation.id, paola.id, "Ancora io", 7, false).await;
    let after = store.get_conversation(conversation.id).await.expect("conversation");
    assert_eq!(after.first_response_at, Some(at(3)));
    assert_eq!(after.last_agent_reply_at, Some(at(7)));
    assert_eq!(after.last_message_at, at(7));
    assert_eq!(after.message_count, 3);
    let messages =
        store.list_messages(conversation.id, PageRequest::first(10)).await.expect("messages").items;
    let replies: Vec<_> = messages.iter().filter(|m| m.direction == Direction::Outbound).collect();
    assert_eq!(replies.len(), 2);
    assert!(
        replies.iter().all(|m| m.delivery_status == DeliveryStatus::Queued && m.agent_id == Some(paola.id))
    );
    let jobs = store.claim_outbox(at(10), at(11), 10).await.expect("claim");
    assert_eq!(jobs.len(), 2);
    assert_eq!(jobs[0].message_id, replies[0].id);
    assert_eq!(jobs[0].conversation_id, conversation.id);
    assert_eq!(jobs[0].channel, Channel::Email);
    assert_eq!(jobs[0].attempts, 0);
}

pub async fn note_is_neither_sent_nor_counted_as_a_response(store: &dyn Store) {
    let quinto = agent(store, "Quinto", Role::Agent, vec![]).await;
    let conversation = ingest(store, "rita", "help", 0).await.conversation;
    reply(store, conversation.id, quinto.id, "Internal: VIP customer", 4, true).await;
    let after = store.get_conversation(conversation.id).await.expect("conversation");
    assert_eq!(after.first_response_at, None);
    assert_eq!(after.last_agent_reply_at, None);
    assert_eq!(after.message_count, 2);
    let messages =
        store.list_messages(conversation.id, PageRequest::first(10)).await.expect("messages").items;
    assert_eq!(messages[1].direction, Direction::Note);
    assert_eq!(messages[1].delivery_status, DeliveryStatus::Received);
    assert!(store.claim_outbox(at(10), at(11), 10).await.expect("claim").is_empty());
}

pub async fn agent_message_to_a_missing_conversation_or_from_a_missing_agent_fails_cleanly(
    store: &dyn Store,
) {
    let sara = agent(store, "Sara", Role::Agent, vec![]).await;
    let conversation = ingest(store, "tina", "help", 0).await.conversation;
    let mut new = NewAgentMessage {
        conversation: ConversationId(999_999),
        agent: sara.id,
        text: "hello".into(),
        html: None,
        note: false,
        created_at: at(1),
        template: None,
    };
    assert_err!(store.add_agent_message(new.clone()).await, StoreError::NotFound { .. });
    new.conversation = conversation.id;
    new.agent = AgentId(999_999);
    assert_err!(store.add_agent_message(new).await, StoreError::Invalid(_) | StoreError::NotFound { .. });
}

// --- outbox ---

/// A conversation with one queued reply; returns the reply's message id.
async fn queued_reply(store: &dyn Store, local: &str) -> ascolto_core::MessageId {
    let sender = agent(store, &format!("Sender{local}"), Role::Agent, vec![]).await;
    let conversation = ingest(store, local, "help", 0).await.conversation;
    reply(store, conversation.id, sender.id, "on its way", 1, false).await;
    let messages =
        store.list_messages(conversation.id, PageRequest::first(10)).await.expect("messages").items;
    messages[1].id
}

pub async fn outbox_sent_marks_the_message_sent(store: &dyn Store) {
    let message = queued_reply(store, "ugo").await;
    let jobs = store.claim_outbox(at(2), at(3), 10).await.expect("claim");
    assert_eq!(jobs.len(), 1);
    let sent = DeliveryOutcome::Sent { channel_message_id: Some("<reply-1@desk.example>".into()) };
    store.finish_outbox(jobs[0].id, sent, at(2)).await.expect("finish");
    let stored = store.get_message(message).await.expect("message");
    assert_eq!(stored.delivery_status, DeliveryStatus::Sent);
    assert_eq!(stored.channel_message_id.as_deref(), Some("<reply-1@desk.example>"));
    assert!(store.claim_outbox(at(100), at(101), 10).await.expect("claim").is_empty());
}

pub async fn outbox_retry_waits_until_retry_at(store: &dyn Store) {
    let message = queued_reply(store, "vera").await;
    let job = store.claim_outbox(at(2), at(3), 10).await.expect("claim")[0].clone();
    let retry = DeliveryOutcome::Retry { error: "SMTP 451".into(), retry_at: at(10) };
    store.finish_outbox(job.id, retry, at(2)).await.expect("finish");
    assert_eq!(store.get_message(message).await.expect("message").delivery_status, DeliveryStatus::Queued);
    assert!(store.claim_outbox(at(5), at(6), 10).await.expect("claim").is_empty());
    let again = store.claim_outbox(at(10), at(11), 10).await.expect("claim");
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].id, job.id);
    assert_eq!(again[0].attempts, 1);
}

pub async fn outbox_failure_marks_the_message_failed(store: &dyn Store) {
    let message = queued_reply(store, "walter").await;
    let job = store.claim_outbox(at(2), at(3), 10).await.expect("claim")[0].clone();
    let failed = DeliveryOutcome::Failed { error: "mailbox does not exist".into() };
    store.finish_outbox(job.id, failed, at(2)).await.expect("finish");
    let stored = store.get_message(message).await.expect("message");
    assert_eq!(stored.delivery_status, DeliveryStatus::Failed);
    assert_eq!(stored.delivery_error.as_deref(), Some("mailbox does not exist"));
    assert!(store.claim_outbox(at(100), at(101), 10).await.expect("claim").is_empty());
}

pub async fn outbox_lease_hides_a_job_until_it_expires(store: &dyn Store) {
    queued_reply(store, "xenia").await;
    let first = store.claim_outbox(at(2), at(4), 10).await.expect("claim");
    assert_eq!(first.len(), 1);
    assert!(store.claim_outbox(at(3), at(5), 10).await.expect("claim").is_empty(), "the lease holds");
    let again = store.claim_outbox(at(4), at(6), 10).await.expect("claim");
    assert_eq!(again.len(), 1, "an expired lease frees the job for another worker");
    assert_eq!(again[0].id, first[0].id);
    assert_eq!(again[0].attempts, 1);
}

pub async fn concurrent_claimers_never_get_the_same_job(store: &dyn Store) {
    let sender = agent(store, "Yuri", Role::Agent, vec![]).await;
    let conversation = ingest(store, "yolanda", "help", 0).await.conversation;
    for n in 0..30 {
        reply(store, conversation.id, sender.id, &format!("reply {n}"), 1, false).await;
    }
    let mut claimed = Vec::new();
    for _ in 0..10 {
        let (a, b) = tokio::join!(store.claim_outbox(at(2), at(3), 4), store.claim_outbox(at(2), at(3), 4));
        let (a, b) = (a.expect("claim"), b.expect("claim"));
        if a.is_empty() && b.is_empty() {
            break;
        }
        claimed.extend(a.into_iter().chain(b).map(|job| job.id));
    }
    let total = claimed.len();
    claimed.sort();
    claimed.dedup();
    assert_eq!(claimed.len(), total, "a job was claimed twice");
    assert_eq!(total, 30);
}

pub async fn finishing_an_unknown_job_is_not_found(store: &dyn Store) {
    let outcome = DeliveryOutcome::Sent { channel_message_id: None };
    assert_err!(store.finish_outbox(424_242, outcome, at(0)).await, StoreError::NotFound { .. });
}

// --- conversation lists ---

/// Three conversations in each status, from distinct customers.
async fn one_of_each_status(store: &dyn Store) -> Vec<(ConversationStatus, ConversationId)> {
    let mut made = Vec::new();
    for (n, status) in ConversationStatus::ALL.iter().enumerate() {
        for k in 0..3 {
            let id = ingest(store, &format!("s{n}k{k}"), "hello", (n * 3 + k) as i64).await.conversation.id;
            if *status != ConversationStatus::Open {
                set_status(store, id, *status).await;
            }
            made.push((*status, id));
        }
    }
    made
}

pub async fn list_filters_by_status(store: &dyn Store) {
    let made = one_of_each_status(store).await;
    for status in ConversationStatus::ALL {
        let expected: Vec<_> = made.iter().filter(|(s, _)| s == status).map(|(_, id)| *id).collect();
        let listed = list_all(store, &filter(|f| f.status = Some(*status)), &Visibility::All, 2).await;
        assert_eq!(sorted(listed), sorted(expected), "status {status}");
    }
    assert_eq!(list_all(store, &ConversationFilter::default(), &Visibility::All, 5).await.len(), made.len());
}

pub async fn list_filters_by_assignee(store: &dyn Store) {
    let zeno = agent(store, "Zeno", Role::Agent, vec![]).await;
    let mine = ingest(store, "a1", "x", 0).await.conversation.id;
    let unassigned = ingest(store, "a2", "x", 1).await.conversation.id;
    patch(store, mine, ConversationPatch { assignee: Some(Some(zeno.id)), ..Default::default() }).await;
    let assigned = filter(|f| f.assignee = Some(AssigneeFilter::Agent(zeno.id)));
    assert_eq!(list_all(store, &assigned, &Visibility::All, 10).await, vec![mine]);
    let nobody = filter(|f| f.assignee = Some(AssigneeFilter::Unassigned));
    assert_eq!(list_all(store, &nobody, &Visibility::All, 10).await, vec![unassigned]);
}

pub async fn list_filters_by_team_channel_priority_and_customer(store: &dyn Store) {
    let team = store.create_team("Billing").await.expect("team");
    let plain = ingest(store, "b1", "x", 0).await.conversation;
    let in_team = ingest(store, "b2", "x", 1).await.conversation.id;
    patch(store, in_team, ConversationPatch { team: Some(Some(team.id)), ..Default::default() }).await;
    let urgent = ingest(store, "b3", "x", 2).await.conversation.id;
    patch(store, urgent, ConversationPatch { priority: Some(Priority::Urgent), ..Default::default() }).await;
    let mut chat = inbound("b4", "x", 3);
    chat.channel = Channel::WhatsApp;
    chat.identity = Identity::parse(IdentityKind::WhatsApp, "+39 333 1234567").expect("a valid number");
    let on_whatsapp = store.ingest(chat).await.expect("ingest").conversation.id;
    let all = Visibility::All;
    assert_eq!(list_all(store, &filter(|f| f.team = Some(team.id)), &all, 10).await, vec![in_team]);
    assert_eq!(
        list_all(store, &filter(|f| f.channel = Some(Channel::WhatsApp)), &all, 10).await,
        vec![on_whatsapp]
    );
    assert_eq!(
        list_all(store, &filter(|f| f.priority = Some(Priority::Urgent)), &all, 10).await,
        vec![urgent]
    );
    let of_customer = filter(|f| f.customer = Some(plain.customer_id));
    assert_eq!(list_all(store, &of_customer, &all, 10).await, vec![plain.id]);
    let none = filter(|f| {
        f.team = Some(team.id);
        f.priority = Some(Priority::Urgent);
    });
    assert!(list_all(store, &none, &all, 10).await.is_empty(), "filters combine with AND");
}

pub async fn list_leaves_out_merged_conversations_unless_asked(store: &dyn Store) {
    let first = ingest(store, "c1", "one", 0).await.conversation.id;
    set_status(store, first, ConversationStatus::Resolved).await;
    let second = ingest(store, "c1", "two", 1).await.conversation.id;
    store.merge_conversations(second, first, at(2)).await.expect("merge");
    assert_eq!(list_all(store, &ConversationFilter::default(), &Visibility::All, 10).await, vec![second]);
    let with_merged = filter(|f| f.include_merged = true);
    assert_eq!(
        sorted(list_all(store, &with_merged, &Visibility::All, 10).await),
        sorted(vec![first, second])
    );
}

/// 25 conversations whose times tie in threes, then a few touched later, so every sort has
/// ties for the id to break.
async fn many_conversations(store: &dyn Store) -> Vec<Conversation> {
    let mut ids = Vec::new();
    for n in 0..25 {
        ids.push(ingest(store, &format!("many{n}"), "hello", n / 3).await.conversation.id);
    }
    for (n, id) in ids.iter().enumerate() {
        let priority = Priority::ALL[n % Priority::ALL.len()];
        patch(store, *id, ConversationPatch { priority: Some(priority), ..Default::default() }).await;
    }
    for n in [2, 7, 11] {
        ingest(store, &format!("many{n}"), "again", 40).await;
    }
    let mut conversations = Vec::new();
    for id in ids {
        conversations.push(store.get_conversation(id).await.expect("conversation"));
    }
    conversations
}

async fn check_sort(
    store: &dyn Store,
    sort: ConversationSort,
    key: impl Fn(&Conversation) -> (i64, i64, i64),
) {
    let mut expected = many_conversations(store).await;
    expected.sort_by_key(|c| key(c));
    let expected: Vec<_> = expected.iter().map(|c| c.id).collect();
    for limit in [1, 4, 7, 25, 200] {
        let listed = list_all(store, &filter(|f| f.sort = sort), &Visibility::All, limit).await;
        assert_eq!(listed, expected, "{sort:?} with pages of {limit}");
    }
}

pub async fn recent_sort_pages_through_every_row_once(store: &dyn Store) {
    check_sort(store, ConversationSort::Recent, |c| (-c.last_message_at.timestamp_millis(), -c.id.0, 0))
        .await;
}

pub async fn oldest_sort_pages_through_every_row_once(store: &dyn Store) {
    check_sort(store, ConversationSort::Oldest, |c| (c.created_at.timestamp_millis(), c.id.0, 0)).await;
}

pub async fn priority_sort_pages_through_every_row_once(store: &dyn Store) {
    check_sort(store, ConversationSort::Priority, |c| {
        (c.priority.rank(), c.last_message_at.timestamp_millis(), c.id.0)
    })
    .await;
}

/// A small desk: teams A and B, a lead of A with two reports, and seven conversations
/// covering every combination of team and assignee that visibility distinguishes.
struct Desk {
    admin: Agent,
    lead: Agent,
    in_a: Agent,
    in_b: Agent,
    loner: Agent,
    conversations: Vec<Conversation>,
}

async fn desk(store: &dyn Store) -> Desk {
    let a = store.create_team("A").await.expect("team").id;
    let b = store.create_team("B").await.expect("team").id;
    let admin = agent(store, "Admin", Role::Admin, vec![]).await;
    let lead = agent(store, "Lead", Role::Lead, vec![a]).await;
    let in_a =
        store.create_agent(new_agent("InA", Role::Agent, vec![a], Some(lead.id))).await.expect("agent");
    let in_b =
        store.create_agent(new_agent("InB", Role::Agent, vec![b], Some(lead.id))).await.expect("agent");
    let loner = agent(store, "Loner", Role::Agent, vec![]).await;
    let layout = [
        (None, None),
        (Some(a), None),
        (Some(b), None),
        (Some(b), Some(in_b.id)),
        (Some(b), Some(loner.id)),
        (Some(a), Some(loner.id)),
        (None, Some(in_b.id)),
    ];
    let mut conversations = Vec::new();
    for (n, (team, assignee)) in layout.into_iter().enumerate() {
        let id = ingest(store, &format!("desk{n}"), "richiesta di rimborso", n as i64).await.conversation.id;
        let change = ConversationPatch { team: Some(team), assignee: Some(assignee), ..Default::default() };
        conversations.push(patch(store, id, change).await);
    }
    Desk { admin, lead, in_a, in_b, loner, conversations }
}

/// Lists with `visibility` and checks the result is exactly what `can_see` allows.
async fn check_visibility(store: &dyn Store, desk: &Desk, visibility: &Visibility) -> Vec<ConversationId> {
    let expected: Vec<_> =
        desk.conversations.iter().filter(|c| visibility.can_see(c)).map(|c| c.id).collect();
    let listed = sorted(list_all(store, &ConversationFilter::default(), visibility, 3).await);
    assert_eq!(listed, sorted(expected.clone()), "{visibility:?}");
    let hits = store
        .search_messages(&Query::parse("rimborso"), visibility, PageRequest::first(50))
        .await
        .expect("search");
    let mut found: Vec<_> = hits.items.iter().map(|h| h.message.conversation_id).collect();
    found.sort();
    assert_eq!(found, sorted(expected.clone()), "search with {visibility:?}");
    expected
}

fn ids_at(desk: &Desk, positions: &[usize]) -> Vec<ConversationId> {
    sorted(positions.iter().map(|&n| desk.conversations[n].id).collect())
}

pub async fn admin_sees_every_conversation(store: &dyn Store) {
    let desk = desk(store).await;
    let seen = check_visibility(store, &desk, &Visibility::of(&desk.admin, &[])).await;
    assert_eq!(seen.len(), desk.conversations.len());
}

pub async fn agent_sees_team_general_queue_and_own_conversations(store: &dyn Store) {
    let desk = desk(store).await;
    let seen = check_visibility(store, &desk, &Visibility::of(&desk.in_b, &[])).await;
    assert_eq!(sorted(seen), ids_at(&desk, &[0, 2, 3, 4, 6]));
    let seen = check_visibility(store, &desk, &Visibility::of(&desk.loner, &[])).await;
    assert_eq!(sorted(seen), ids_at(&desk, &[0, 4, 5, 6]));
    let seen = check_visibility(store, &desk, &Visibility::of(&desk.in_a, &[])).await;
    assert_eq!(sorted(seen), ids_at(&desk, &[0, 1, 5, 6]));
}

pub async fn lead_sees_conversations_of_their_reports(store: &dyn Store) {
    let desk = desk(store).await;
    let reports = store.reports_of(desk.lead.id).await.expect("reports");
    let seen = check_visibility(store, &desk, &Visibility::of(&desk.lead, &reports)).await;
    assert_eq!(sorted(seen), ids_at(&desk, &[0, 1, 3, 5, 6]));
}

pub async fn list_messages_is_oldest_first_across_pages(store: &dyn Store) {
    let first = ingest(store, "d1", "message 0", 0).await.conversation.id;
    for n in 1..9 {
        // Two messages share each minute, so the id breaks ties.
        ingest(store, "d1", &format!("message {n}"), n / 2).await;
    }
    let mut texts = Vec::new();
    let mut page = PageRequest::first(4);
    loop {
        let result = store.list_messages(first, page).await.expect("messages");
        texts.extend(result.items.into_iter().map(|m| m.text));
        match result.next {
            Some(cursor) => page = PageRequest::after(cursor, 4),
            None => break,
        }
    }
    let expected: Vec<String> = (0..9).map(|n| format!("message {n}")).collect();
    assert_eq!(texts, expected);
    assert_err!(
        store.list_messages(ConversationId(555_555), PageRequest::first(4)).await,
        StoreError::NotFound { .. }
    );
}

// --- conversation updates ---

pub async fn snoozing_needs_a_time_and_other_statuses_clear_it(store: &dyn Store) {
    let id = ingest(store, "e1", "x", 0).await.conversation.id;
    let bare = ConversationPatch { status: Some(ConversationStatus::Snoozed), ..Default::default() };
    assert_err!(store.update_conversation(id, bare, at(1)).await, StoreError::Invalid(_));
    let snoozed = set_status(store, id, ConversationStatus::Snoozed).await;
    assert_eq!((snoozed.status, snoozed.snoozed_until), (ConversationStatus::Snoozed, Some(at(1_000))));
    let pending = set_status(store, id, ConversationStatus::Pending).await;
    assert_eq!((pending.status, pending.snoozed_until), (ConversationStatus::Pending, None));
}

pub async fn resolving_stamps_resolved_at_and_reopening_clears_it(store: &dyn Store) {
    let id = ingest(store, "f1", "x", 0).await.conversation.id;
    let resolved = set_status(store, id, ConversationStatus::Resolved).await;
    assert_eq!(resolved.resolved_at, Some(at(500)));
    assert_eq!(resolved.updated_at, at(500));
    let reopened = set_status(store, id, ConversationStatus::Open).await;
    assert_eq!((reopened.status, reopened.resolved_at), (ConversationStatus::Open, None));
}

pub async fn update_conversation_sets_the_queue_fields(store: &dyn Store) {
    let team = store.create_team("Sales").await.expect("team");
    let gaia = agent(store, "Gaia", Role::Agent, vec![team.id]).await;
    let id = ingest(store, "g1", "x", 0).await.conversation.id;
    let change = ConversationPatch {
        priority: Some(Priority::High),
        assignee: Some(Some(gaia.id)),
        team: Some(Some(team.id)),
        tags: Some(vec!["vip".into(), "refund".into()]),
        subject: Some("Refund for order 42".into()),
        ..Default::default()
    };
    let updated = patch(store, id, change).await;
    assert_eq!(updated.priority, Priority::High);
    assert_eq!((updated.assignee, updated.team), (Some(gaia.id), Some(team.id)));
    assert_eq!(updated.tags, vec!["refund".to_owned(), "vip".to_owned()]);
    assert_eq!(updated.subject, "Refund for order 42");
    assert_eq!(store.get_conversation(id).await.expect("conversation"), updated);
    let cleared =
        patch(store, id, ConversationPatch { assignee: Some(None), team: Some(None), ..Default::default() })
            .await;
    assert_eq!((cleared.assignee, cleared.team, cleared.priority), (None, None, Priority::High));
}

pub async fn update_conversation_with_unknown_ids_fails_cleanly(store: &dyn Store) {
    let id = ingest(store, "h1", "x", 0).await.conversation.id;
    let ghost_agent = ConversationPatch { assignee: Some(Some(AgentId(777_777))), ..Default::default() };
    assert_err!(
        store.update_conversation(id, ghost_agent, at(1)).await,
        StoreError::Invalid(_) | StoreError::NotFound { .. }
    );
    let ghost_team = ConversationPatch { team: Some(Some(TeamId(777_777))), ..Default::default() };
    assert_err!(
        store.update_conversation(id, ghost_team, at(1)).await,
        StoreError::Invalid(_) | StoreError::NotFound { .. }
    );
    let missing =
        store.update_conversation(ConversationId(777_777), ConversationPatch::default(), at(1)).await;
    assert_err!(missing, StoreError::NotFound { .. });
    assert_err!(store.get_conversation(ConversationId(777_777)).await, StoreError::NotFound { .. });
}

// --- customers ---

pub async fn customer_crud_round_trips(store: &dyn Store) {
    let new = NewCustomer {
        name: "Ilaria Verdi".into(),
        identities: vec![
            email("ilaria"),
            Identity::parse(IdentityKind::Phone, "+39 02 1234567").expect("a number"),
        ],
        tags: vec!["vip".into(), "b2b".into()],
        language: Some("it".into()),
        notes: "Prefers phone calls".into(),
    };
    let created = store.create_customer(new, at(0)).await.expect("create");
    assert_eq!(created.tags, vec!["b2b".to_owned(), "vip".to_owned()]);
    assert_eq!(created.identities.len(), 2);
    assert_eq!((created.created_at, created.updated_at, created.merged_into), (at(0), at(0), None));
    assert_eq!(store.get_customer(created.id).await.expect("get"), created);
    let found = store.find_customer_by_identity(&email("ilaria")).await.expect("find");
    assert_eq!(found.map(|c| c.id), Some(created.id));
    assert_eq!(store.find_customer_by_identity(&email("nobody")).await.expect("find"), None);
    let change = CustomerPatch {
        name: Some("Ilaria Verdi Rossi".into()),
        tags: Some(vec!["churn-risk".into()]),
        language: Some(None),
        notes: Some("Call after 5pm".into()),
        add_identities: vec![email("ilaria.work")],
        remove_identities: vec![email("ilaria")],
    };
    let updated = store.update_customer(created.id, change, at(5)).await.expect("update");
    assert_eq!(updated.name, "Ilaria Verdi Rossi");
    assert_eq!(updated.tags, vec!["churn-risk".to_owned()]);
    assert_eq!((updated.language, updated.notes.as_str()), (None, "Call after 5pm"));
    assert!(
        updated.identities.contains(&email("ilaria.work")) && !updated.identities.contains(&email("ilaria"))
    );
    assert_eq!(updated.updated_at, at(5));
    assert_eq!(store.find_customer_by_identity(&email("ilaria")).await.expect("find"), None);
    let untouched = store.update_customer(created.id, CustomerPatch::default(), at(6)).await.expect("update");
    assert_eq!((untouched.name, untouched.tags), (updated.name, updated.tags));
    assert_err!(store.get_customer(CustomerId(888_888)).await, StoreError::NotFound { .. });
    assert_err!(
        store.update_customer(CustomerId(888_888), CustomerPatch::default(), at(7)).await,
        StoreError::NotFound { .. }
    );
}

pub async fn identity_held_by_another_customer_is_a_conflict(store: &dyn Store) {
    let first = NewCustomer { name: "One".into(), identities: vec![email("shared")], ..Default::default() };
    store.create_customer(first, at(0)).await.expect("create");
    let second = NewCustomer { name: "Two".into(), identities: vec![email("shared")], ..Default::default() };
    assert_err!(store.create_customer(second, at(1)).await, StoreError::Conflict(_));
    let other = store
        .create_customer(NewCustomer { name: "Three".into(), ..Default::default() }, at(2))
        .await
        .expect("create");
    let steal = CustomerPatch { add_identities: vec![email("shared")], ..Default::default() };
    assert_err!(store.update_customer(other.id, steal, at(3)).await, StoreError::Conflict(_));
}

pub async fn customers_list_newest_first_across_pages(store: &dyn Store) {
    let mut expected = Vec::new();
    for n in 0..7 {
        let new = NewCustomer { name: format!("Customer {n}"), ..Default::default() };
        // Pairs share a creation time, so the id breaks ties.
        expected.push(store.create_customer(new, at(n / 2)).await.expect("create").id);
    }
    store.merge_customers(expected[0], expected[1], at(10)).await.expect("merge");
    expected.remove(1);
    expected.reverse();
    let mut listed = Vec::new();
    let mut page = PageRequest::first(2);
    loop {
        let result = store.list_customers(page).await.expect("list");
        listed.extend(result.items.iter().map(|c| c.id));
        match result.next {
            Some(cursor) => page = PageRequest::after(cursor, 2),
            None => break,
        }
    }
    assert_eq!(listed, expected);
}

pub async fn customer_search_finds_name_identity_and_notes(store: &dyn Store) {
    let new = NewCustomer {
        name: "Giovanni Esposito".into(),
        identities: vec![email("gesposito")],
        notes: "Cliente storico, ordina spedizioni internazionali".into(),
        ..Default::default()
    };
    let customer = store.create_customer(new, at(0)).await.expect("create");
    store
        .create_customer(NewCustomer { name: "Someone Else".into(), ..Default::default() }, at(1))
        .await
        .expect("create");
    for query in ["esposito", "Giovanni", "gesposito", "spedizioni"] {
        let found =
            store.search_customers(&Query::parse(query), PageRequest::first(10)).await.expect("search");
        assert_eq!(found.items.iter().map(|c| c.id).collect::<Vec<_>>(), vec![customer.id], "{query}");
    }
    let ingested = ingest(store, "lorenzo", "hi", 2).await;
    let found = store
        .search_customers(&Query::parse("Customer lorenzo"), PageRequest::first(10))
        .await
        .expect("search");
    assert_eq!(found.items.iter().map(|c| c.id).collect::<Vec<_>>(), vec![ingested.conversation.customer_id]);
    let nothing =
        store.search_customers(&Query::parse("zanzibar"), PageRequest::first(10)).await.expect("search");
    assert!(nothing.items.is_empty());
}

// --- message search ---

async fn search_ids(store: &dyn Store, query: &str) -> Vec<ConversationId> {
    let hits = store
        .search_messages(&Query::parse(query), &Visibility::All, PageRequest::first(50))
        .await
        .expect("search");
    hits.items.iter().map(|h| h.message.conversation_id).collect()
}

pub async fn search_finds_italian_plural_by_singular(store: &dyn Store) {
    let wanted =
        ingest(store, "mario", "Buongiorno, non ho ancora ricevuto i rimborsi per il mio ordine", 0).await;
    ingest(store, "nico", "Vorrei cambiare l'indirizzo di consegna", 1).await;
    assert_eq!(search_ids(store, "rimborso").await, vec![wanted.conversation.id]);
    assert_eq!(search_ids(store, "rimborsi ricevuti").await, vec![wanted.conversation.id]);
    assert!(search_ids(store, "rimborso indirizzo").await.is_empty(), "every term must match");
    let hits = store
        .search_messages(&Query::parse("rimborso"), &Visibility::All, PageRequest::first(5))
        .await
        .expect("search");
    assert_eq!(hits.items[0].conversation_subject, wanted.conversation.subject);
    assert_eq!(hits.items[0].customer_id, wanted.conversation.customer_id);
}

pub async fn search_finds_english_inflections(store: &dyn Store) {
    let wanted =
        ingest(store, "oscar", "Hello, my parcel was delivered damaged and I want a refund", 0).await;
    ingest(store, "penny", "Please change my invoice address", 1).await;
    assert_eq!(search_ids(store, "refunds").await, vec![wanted.conversation.id]);
    assert_eq!(search_ids(store, "damages parcels").await, vec![wanted.conversation.id]);
    assert!(search_ids(store, "invoices refund").await.is_empty());
}

pub async fn search_respects_visibility_and_pages_newest_first(store: &dyn Store) {
    let team = store.create_team("Hidden").await.expect("team");
    let outsider = agent(store, "Outsider", Role::Agent, vec![]).await;
    let mut expected = Vec::new();
    for n in 0..5 {
        expected.push(
            ingest(store, "quinn", &format!("Non ho ricevuto la fattura numero {n}"), n / 2).await.message.id,
        );
    }
    let hidden = ingest(store, "rosa", "Non trovo la fattura segreta", 10).await.conversation.id;
    patch(store, hidden, ConversationPatch { team: Some(Some(team.id)), ..Default::default() }).await;
    expected.reverse();
    let visibility = Visibility::of(&outsider, &[]);
    let mut found = Vec::new();
    let mut page = PageRequest::first(2);
    loop {
        let result =
            store.search_messages(&Query::parse("fatture"), &visibility, page).await.expect("search");
        found.extend(result.items.iter().map(|h| h.message.id));
        match result.next {
            Some(cursor) => page = PageRequest::after(cursor, 2),
            None => break,
        }
    }
    assert_eq!(found, expected);
    assert_eq!(search_ids(store, "fattura").await.len(), 6, "an admin sees the hidden one too");
}

pub async fn empty_search_matches_nothing(store: &dyn Store) {
    ingest(store, "sam", "something", 0).await;
    let query = Query::parse("   ...  ");
    assert!(query.is_empty());
    let messages =
        store.search_messages(&query, &Visibility::All, PageRequest::first(10)).await.expect("search");
    assert!(messages.items.is_empty() && messages.next.is_none());
    let customers = store.search_customers(&query, PageRequest::first(10)).await.expect("search");
    assert!(customers.items.is_empty());
}

// --- merges ---

pub async fn many_customers_are_read_at_once_with_their_identities(store: &dyn Store) {
    let ada = ingest(store, "ada", "hello", 0).await.conversation.customer_id;
    let bea = ingest(store, "bea", "hi", 1).await.conversation.customer_id;
    ingest(store, "cleo", "not asked for", 2).await;
    let tags = CustomerPatch { tags: Some(vec!["vip".to_owned()]), ..Default::default() };
    store.update_customer(bea, tags, at(3)).await.expect("tag");
    let missing = CustomerId(bea.0 + 1_000);
    let mut found = store.get_customers(&[bea, ada, missing, ada]).await.expect("read many");
    found.sort_by_key(|customer| customer.id);
    let one_by_one =
        vec![store.get_customer(ada).await.expect("ada"), store.get_customer(bea).await.expect("bea")];
    assert_eq!(found, one_by_one, "the same customers as one read each; missing ids left out");
    assert_eq!(found[1].tags, ["vip"]);
    assert_eq!(found[0].identities, [email("ada")]);
    assert!(store.get_customers(&[]).await.expect("none").is_empty());
}

pub async fn merge_customers_moves_identities_tags_and_conversations(store: &dyn Store) {
    let kept = ingest(store, "teo", "from my mail", 0).await.conversation;
    let gone = ingest(store, "teo.work", "from my work mail", 1).await.conversation;
    let tags = |t: &[&str]| CustomerPatch {
        tags: Some(t.iter().map(|s| s.to_string()).collect()),
        ..Default::default()
    };
    store.update_customer(kept.customer_id, tags(&["vip"]), at(2)).await.expect("tag");
    store.update_customer(gone.customer_id, tags(&["b2b", "vip"]), at(2)).await.expect("tag");
    let survivor = store.merge_customers(kept.customer_id, gone.customer_id, at(3)).await.expect("merge");
    assert_eq!(survivor.id, kept.customer_id);
    assert_eq!(survivor.tags, vec!["b2b".to_owned(), "vip".to_owned()]);
    assert!(survivor.identities.contains(&email("teo")) && survivor.identities.contains(&email("teo.work")));
    let merged = store.get_customer(gone.customer_id).await.expect("merged customer still exists");
    assert_eq!(merged.merged_into, Some(kept.customer_id));
    assert!(merged.identities.is_empty());
    let found = store.find_customer_by_identity(&email("teo.work")).await.expect("find");
    assert_eq!(found.map(|c| c.id), Some(kept.customer_id));
    let theirs =
        list_all(store, &filter(|f| f.customer = Some(kept.customer_id)), &Visibility::All, 10).await;
    assert_eq!(sorted(theirs), sorted(vec![kept.id, gone.id]));
    let next = ingest(store, "teo.work", "again", 4).await;
    assert_eq!(next.conversation.customer_id, kept.customer_id, "ingest finds the survivor");
}

pub async fn merge_conversations_moves_messages_and_recounts(store: &dyn Store) {
    let ugo = agent(store, "Ugolino", Role::Agent, vec![]).await;
    let older = ingest(store, "vito", "first thread", 0).await.conversation.id;
    reply(store, older, ugo.id, "answer in the first thread", 2, false).await;
    set_status(store, older, ConversationStatus::Resolved).await;
    let newer = ingest(store, "vito", "second thread", 5).await.conversation.id;
    reply(store, newer, ugo.id, "a note", 6, true).await;
    let survivor = store.merge_conversations(newer, older, at(9)).await.expect("merge");
    assert_eq!(survivor.id, newer);
    assert_eq!(survivor.message_count, 4);
    assert_eq!(survivor.last_message_at, at(5), "a note is not activity");
    assert_eq!(survivor.first_response_at, Some(at(2)));
    assert_eq!(survivor.last_agent_reply_at, Some(at(2)));
    assert_eq!(survivor.last_customer_message_at, Some(at(5)));
    let messages = store.list_messages(newer, PageRequest::first(10)).await.expect("messages").items;
    let times: Vec<_> = messages.iter().map(|m| m.created_at).collect();
    assert_eq!(times, vec![at(0), at(2), at(5), at(6)]);
    assert!(messages.iter().all(|m| m.conversation_id == newer));
    let merged = store.get_conversation(older).await.expect("merged conversation still exists");
    assert_eq!((merged.merged_into, merged.status), (Some(newer), ConversationStatus::Resolved));
    assert!(merged.resolved_at.is_some());
    let jobs = store.claim_outbox(at(10), at(11), 10).await.expect("claim");
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].conversation_id, newer, "queued replies follow their messages");
}

pub async fn invalid_merges_are_refused(store: &dyn Store) {
    let a = ingest(store, "wanda", "one", 0).await.conversation;
    set_status(store, a.id, ConversationStatus::Resolved).await;
    let b = ingest(store, "wanda", "two", 1).await.conversation;
    let stranger = ingest(store, "xavier", "three", 2).await.conversation;
    assert_err!(store.merge_conversations(a.id, a.id, at(3)).await, StoreError::Invalid(_));
    assert_err!(store.merge_conversations(a.id, stranger.id, at(3)).await, StoreError::Invalid(_));
    assert_err!(
        store.merge_conversations(a.id, ConversationId(666_666), at(3)).await,
        StoreError::NotFound { .. }
    );
    store.merge_conversations(b.id, a.id, at(3)).await.expect("merge");
    assert_err!(store.merge_conversations(b.id, a.id, at(4)).await, StoreError::Invalid(_));
    assert_err!(store.merge_conversations(a.id, b.id, at(4)).await, StoreError::Invalid(_));
    let (kept, gone) = (a.customer_id, stranger.customer_id);
    assert_err!(store.merge_customers(kept, kept, at(5)).await, StoreError::Invalid(_));
    assert_err!(store.merge_customers(kept, CustomerId(666_666), at(5)).await, StoreError::NotFound { .. });
    store.merge_customers(kept, gone, at(5)).await.expect("merge customers");
    assert_err!(store.merge_customers(kept, gone, at(6)).await, StoreError::Invalid(_));
    assert_err!(store.merge_customers(gone, kept, at(6)).await, StoreError::Invalid(_));
}

// --- agents, teams, sign-in ---

pub async fn agents_round_trip_and_emails_are_unique(store: &dyn Store) {
    assert_eq!(store.count_agents().await.expect("count"), 0);
    let team = store.create_team("Support").await.expect("team");
    let created = agent(store, "Alba", Role::Admin, vec![team.id]).await;
    assert_eq!(
        (created.name.as_str(), created.role, created.teams.clone()),
        ("Alba", Role::Admin, vec![team.id])
    );
    assert_eq!(
        (created.presence, created.active, created.ui_language.as_str()),
        (Presence::Offline, true, "it")
    );
    assert_eq!(store.get_agent(created.id).await.expect("get"), created);
    assert_err!(
        store.create_agent(new_agent("Alba", Role::Agent, vec![], None)).await,
        StoreError::Conflict(_)
    );
    let (found, hash) =
        store.agent_credentials(" ALBA@desk.example").await.expect("credentials").expect("an agent");
    assert_eq!((found.id, hash.as_deref()), (created.id, Some("hash-of-Alba")));
    assert_eq!(store.agent_credentials("nobody@desk.example").await.expect("credentials"), None);
    let change = AgentPatch {
        name: Some("Alba Neri".into()),
        role: Some(Role::Lead),
        languages: Some(vec!["en".into()]),
        presence: Some(Presence::Online),
        teams: Some(vec![]),
        ui_language: Some("en".into()),
        active: Some(false),
        password_hash: Some("new-hash".into()),
        ..Default::default()
    };
    let updated = store.update_agent(created.id, change).await.expect("update");
    assert_eq!(
        (updated.name.as_str(), updated.role, updated.presence),
        ("Alba Neri", Role::Lead, Presence::Online)
    );
    assert_eq!(
        (updated.languages.clone(), updated.teams.clone(), updated.active),
        (vec!["en".to_owned()], vec![], false)
    );
    let (_, hash) =
        store.agent_credentials("alba@desk.example").await.expect("credentials").expect("an agent");
    assert_eq!(hash.as_deref(), Some("new-hash"));
    for name in ["Bea", "Ciro", "Dora"] {
        agent(store, name, Role::Agent, vec![]).await;
    }
    assert_eq!(store.count_agents().await.expect("count"), 4);
    let first = store.list_agents(PageRequest::first(3)).await.expect("list");
    let rest = store
        .list_agents(PageRequest::after(first.next.clone().expect("a next page"), 3))
        .await
        .expect("list");
    let names: Vec<_> = first.items.iter().chain(&rest.items).map(|a| a.name.as_str()).collect();
    assert_eq!(names, vec!["Alba Neri", "Bea", "Ciro", "Dora"]);
    assert!(rest.next.is_none());
    assert_err!(store.get_agent(AgentId(313_313)).await, StoreError::NotFound { .. });
    assert_err!(
        store.update_agent(AgentId(313_313), AgentPatch::default()).await,
        StoreError::NotFound { .. }
    );
}

pub async fn agent_with_an_unknown_team_is_invalid(store: &dyn Store) {
    let result = store.create_agent(new_agent("Ezio", Role::Agent, vec![TeamId(4_040)], None)).await;
    assert_err!(result, StoreError::Invalid(_) | StoreError::NotFound { .. });
    let ezio = agent(store, "Ezio", Role::Agent, vec![]).await;
    let change = AgentPatch { teams: Some(vec![TeamId(4_040)]), ..Default::default() };
    assert_err!(
        store.update_agent(ezio.id, change).await,
        StoreError::Invalid(_) | StoreError::NotFound { .. }
    );
}

pub async fn teams_round_trip_and_names_are_unique(store: &dyn Store) {
    let billing = store.create_team("Billing").await.expect("team");
    let returns = store.create_team("Returns").await.expect("team");
    assert_eq!(store.get_team(billing.id).await.expect("get"), billing);
    assert_err!(store.create_team("Billing").await, StoreError::Conflict(_));
    assert_err!(store.rename_team(returns.id, "Billing").await, StoreError::Conflict(_));
    let renamed = store.rename_team(returns.id, "Returns and refunds").await.expect("rename");
    assert_eq!(renamed.name, "Returns and refunds");
    let first = store.list_teams(PageRequest::first(1)).await.expect("list");
    assert_eq!(first.items, vec![billing.clone()]);
    let rest = store.list_teams(PageRequest::after(first.next.expect("a next page"), 1)).await.expect("list");
    assert_eq!(rest.items, vec![renamed]);
    assert_err!(store.get_team(TeamId(9_999)).await, StoreError::NotFound { .. });
    assert_err!(store.rename_team(TeamId(9_999), "Ghosts").await, StoreError::NotFound { .. });
}

pub async fn reports_of_lists_direct_reports(store: &dyn Store) {
    let lead = agent(store, "Fulvia", Role::Lead, vec![]).await;
    let one = store.create_agent(new_agent("Gino", Role::Agent, vec![], Some(lead.id))).await.expect("agent");
    let other = agent(store, "Ivana", Role::Agent, vec![]).await;
    let change = AgentPatch { reports_to: Some(Some(lead.id)), ..Default::default() };
    store.update_agent(other.id, change).await.expect("update");
    assert_eq!(store.reports_of(lead.id).await.expect("reports"), vec![one.id, other.id]);
    let change = AgentPatch { reports_to: Some(None), ..Default::default() };
    assert_eq!(store.update_agent(one.id, change).await.expect("update").reports_to, None);
    assert_eq!(store.reports_of(lead.id).await.expect("reports"), vec![other.id]);
    assert!(store.reports_of(one.id).await.expect("reports").is_empty());
}

pub async fn sessions_expire_and_can_be_deleted(store: &dyn Store) {
    let jole = agent(store, "Jole", Role::Agent, vec![]).await;
    let session = NewSession {
        token_hash: "hash-1".into(),
        agent: jole.id,
        csrf_token: "csrf-1".into(),
        created_at: at(0),
        expires_at: at(60),
    };
    store.create_session(session).await.expect("create session");
    let (found, who) = store.get_session("hash-1", at(30)).await.expect("get").expect("a live session");
    assert_eq!((found.agent, found.csrf_token.as_str(), found.expires_at), (jole.id, "csrf-1", at(60)));
    assert_eq!(who, jole);
    assert_eq!(store.get_session("hash-1", at(60)).await.expect("get"), None, "expired");
    assert_eq!(store.get_session("other", at(30)).await.expect("get"), None);
    store.delete_session("hash-1").await.expect("delete");
    assert_eq!(store.get_session("hash-1", at(30)).await.expect("get"), None);
    store.delete_session("hash-1").await.expect("deleting twice is fine");
}

pub async fn api_tokens_work_until_revoked(store: &dyn Store) {
    let kira = agent(store, "Kira", Role::Agent, vec![]).await;
    let token = store.create_api_token(kira.id, "CRM sync", "token-hash", at(0)).await.expect("create token");
    assert_eq!((token.name.as_str(), token.revoked, token.last_used_at), ("CRM sync", false, None));
    assert_err!(store.create_api_token(kira.id, "again", "token-hash", at(0)).await, StoreError::Conflict(_));
    let who = store.agent_for_api_token("token-hash", at(5)).await.expect("look up");
    assert_eq!(who.map(|a| a.id), Some(kira.id));
    let listed = store.list_api_tokens(kira.id).await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].last_used_at, Some(at(5)));
    assert_eq!(store.agent_for_api_token("wrong", at(5)).await.expect("look up"), None);
    store
        .update_agent(kira.id, AgentPatch { active: Some(false), ..Default::default() })
        .await
        .expect("deactivate");
    assert_eq!(
        store.agent_for_api_token("token-hash", at(6)).await.expect("look up"),
        None,
        "inactive agent"
    );
    store
        .update_agent(kira.id, AgentPatch { active: Some(true), ..Default::default() })
        .await
        .expect("activate");
    store.revoke_api_token(token.id).await.expect("revoke");
    assert_eq!(store.agent_for_api_token("token-hash", at(7)).await.expect("look up"), None, "revoked");
    assert!(store.list_api_tokens(kira.id).await.expect("list")[0].revoked);
    assert_err!(store.revoke_api_token(123_456).await, StoreError::NotFound { .. });
}

// --- hostile input ---

pub async fn nul_bytes_are_dropped_not_refused(store: &dyn Store) {
    let mut message = inbound("nul", "before\0after", 0);
    message.customer_name = Some("Nul\0Name".into());
    message.subject = "Sub\0ject".into();
    message.html = Some("<p>a\0b</p>".into());
    message.channel_message_id = Some("id\0with-nul".into());
    message.attachments = vec![AttachmentMeta {
        filename: "a\0b.txt".into(),
        content_type: "text/plain".into(),
        size_bytes: 3,
        content_id: None,
        skipped: Some("\0".into()),
    }];
    let ingested = store.ingest(message.clone()).await.expect("ingest");
    assert_eq!(ingested.message.text, "beforeafter");
    assert_eq!(ingested.message.html.as_deref(), Some("<p>ab</p>"));
    assert_eq!(ingested.conversation.subject, "Subject");
    assert_eq!(ingested.message.attachments[0].filename, "ab.txt");
    let customer = store.get_customer(ingested.conversation.customer_id).await.expect("customer");
    assert_eq!(customer.name, "NulName");
    assert!(!store.ingest(message).await.expect("ingest again").created, "still idempotent");
    let note = agent(store, "Nora", Role::Agent, vec![]).await;
    reply(store, ingested.conversation.id, note.id, "reply\0text", 1, false).await;
    let new = NewCustomer { name: "A\0B".into(), notes: "x\0y".into(), ..Default::default() };
    assert_eq!(store.create_customer(new, at(2)).await.expect("create").notes, "xy");
}

pub async fn a_megabyte_message_is_stored_and_found(store: &dyn Store) {
    let mut text = "Il rimborso non è arrivato. ".repeat(40_000);
    text.push_str("zanzibar");
    assert!(text.len() > 1_000_000);
    let ingested = ingest(store, "big", &text, 0).await;
    assert_eq!(store.get_message(ingested.message.id).await.expect("message").text, text);
    assert_eq!(search_ids(store, "rimborsi").await, vec![ingested.conversation.id]);
}

pub async fn hostile_search_input_is_harmless(store: &dyn Store) {
    ingest(store, "eve", "normal text", 0).await;
    for input in [
        "\"",
        "a\" OR 1=1 --",
        "NEAR(a b)",
        "*",
        "x:y",
        "'; DROP TABLE messages; --",
        "(((",
        "& | !",
        "\0",
        "ⅻ ½ ² ₃",
        "\u{200b}x\u{feff}",
        "ǅ ﬁ",
    ] {
        let query = Query::parse(input);
        store.search_messages(&query, &Visibility::All, PageRequest::first(5)).await.expect(input);
        store.search_customers(&query, PageRequest::first(5)).await.expect(input);
    }
    assert_eq!(search_ids(store, "normal").await.len(), 1);
}
