//! Conformance cases of the e-mail area: mailboxes and their leases, sync state, the
//! Message-ID index, conversations opened for one mail, and attachment bytes. Each backend's
//! test file adds `ascolto_store::mail_conformance_tests!(async { fresh_store().await });`.

use ascolto_core::{Channel, Direction, Identity, IdentityKind};
use chrono::{DateTime, Duration, Utc};

use crate::{
    InboundMessage, Ingested, MailRecord, MailSecurity, MailServer, MailSync, MailboxSettings, NewMailbox,
    Secret, Store, StoreError,
};

/// Expands to one `#[tokio::test]` per case of this area.
#[macro_export]
macro_rules! mail_conformance_tests {
    ($fixture:expr) => {
        $crate::__mail_conformance_cases! { $fixture;
            mailboxes_round_trip_with_their_secrets,
            mailbox_names_are_unique_and_missing_mailboxes_are_not_found,
            one_holder_at_a_time_holds_a_mailbox_lease,
            sync_state_is_kept_per_folder,
            message_ids_find_their_conversations_and_customers,
            a_reused_message_id_with_new_content_is_stored_twice_and_a_copy_once,
            a_conversation_opened_for_a_mail_is_opened_once,
            attachment_bytes_round_trip,
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __mail_conformance_cases {
    ($fixture:expr; $($case:ident),* $(,)?) => {
        $(
            #[::tokio::test]
            async fn $case() {
                $crate::conformance::run($fixture, |store| {
                    ::std::boxed::Box::pin($crate::conformance_mail::$case(store))
                })
                .await;
            }
        )*
    };
}

fn at(minute: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(1_772_355_600_000).expect("a valid time") + Duration::minutes(minute)
}

fn server(port: u16, password: &str) -> MailServer {
    MailServer {
        host: "127.0.0.1".into(),
        port,
        security: MailSecurity::Plain,
        username: "support@desk.example".into(),
        password: Secret::new(password),
    }
}

fn mailbox(name: &str) -> NewMailbox {
    NewMailbox {
        name: name.to_owned(),
        settings: MailboxSettings {
            address: "support@desk.example".into(),
            display_name: "Support".into(),
            imap: server(143, "imap-secret"),
            smtp: server(25, "smtp-secret"),
            folders: vec!["INBOX".into()],
            poll_seconds: 30,
            max_attachment_bytes: 1000,
        },
        active: true,
    }
}

fn mail(from: &str, key: &str, text: &str, minute: i64) -> InboundMessage {
    InboundMessage {
        channel: Channel::Email,
        identity: Identity::parse(IdentityKind::Email, from).expect("an address"),
        customer_name: None,
        conversation: None,
        subject: "Ordine".into(),
        text: text.into(),
        html: None,
        attachments: Vec::new(),
        channel_message_id: Some(key.into()),
        received_at: at(minute),
    }
}

async fn ingest_indexed(
    store: &dyn Store,
    from: &str,
    rfc_id: &str,
    key: &str,
    text: &str,
    minute: i64,
) -> Ingested {
    let ingested = store.ingest(mail(from, key, text, minute)).await.expect("ingest");
    let record = MailRecord {
        message: ingested.message.id,
        mailbox: None,
        rfc_message_id: rfc_id.into(),
        direction: Direction::Inbound,
        kind: "normal".into(),
    };
    store.record_mail(record, at(minute)).await.expect("record");
    ingested
}

pub async fn mailboxes_round_trip_with_their_secrets(store: &dyn Store) {
    let created = store.create_mailbox(mailbox("Support"), at(0)).await.expect("create");
    assert_eq!(created.settings.imap.password.expose(), "imap-secret");
    assert_eq!(store.get_mailbox(created.id).await.expect("get"), created);
    let mut changed = mailbox("Assistenza");
    changed.active = false;
    changed.settings.smtp.password = Secret::new("new-secret");
    let updated = store.update_mailbox(created.id, changed.clone(), at(1)).await.expect("update");
    assert_eq!((updated.name.as_str(), updated.active, updated.updated_at), ("Assistenza", false, at(1)));
    assert_eq!(updated.settings, changed.settings);
    assert_eq!(store.list_mailboxes().await.expect("list"), vec![updated]);
    store
        .save_mail_sync(created.id, "INBOX", MailSync { uid_validity: 1, last_uid: 2 }, at(2))
        .await
        .expect("sync");
    store.delete_mailbox(created.id).await.expect("delete");
    assert!(store.list_mailboxes().await.expect("list").is_empty());
}

pub async fn mailbox_names_are_unique_and_missing_mailboxes_are_not_found(store: &dyn Store) {
    store.create_mailbox(mailbox("Same"), at(0)).await.expect("create");
    let again = store.create_mailbox(mailbox("Same"), at(1)).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    assert!(matches!(store.get_mailbox(999).await, Err(StoreError::NotFound { .. })));
    assert!(matches!(store.update_mailbox(999, mailbox("x"), at(1)).await, Err(StoreError::NotFound { .. })));
    assert!(matches!(store.delete_mailbox(999).await, Err(StoreError::NotFound { .. })));
    assert!(matches!(store.claim_mailbox(999, "a", at(0), at(1)).await, Err(StoreError::NotFound { .. })));
}

pub async fn one_holder_at_a_time_holds_a_mailbox_lease(store: &dyn Store) {
    let id = store.create_mailbox(mailbox("Leased"), at(0)).await.expect("create").id;
    assert!(store.claim_mailbox(id, "node-a", at(0), at(2)).await.expect("claim"));
    assert!(!store.claim_mailbox(id, "node-b", at(1), at(3)).await.expect("claim"), "held by node-a");
    assert!(store.claim_mailbox(id, "node-a", at(1), at(3)).await.expect("renew"), "the holder renews");
    assert!(
        store.claim_mailbox(id, "node-b", at(3), at(5)).await.expect("claim"),
        "an expired lease is free"
    );
    store.release_mailbox(id, "node-a").await.expect("a stale release changes nothing");
    assert!(!store.claim_mailbox(id, "node-a", at(4), at(6)).await.expect("claim"));
    store.release_mailbox(id, "node-b").await.expect("release");
    assert!(store.claim_mailbox(id, "node-a", at(4), at(6)).await.expect("claim after release"));
}

pub async fn sync_state_is_kept_per_folder(store: &dyn Store) {
    let id = store.create_mailbox(mailbox("Synced"), at(0)).await.expect("create").id;
    assert_eq!(store.get_mail_sync(id, "INBOX").await.expect("get"), None);
    let inbox = MailSync { uid_validity: 7, last_uid: 10 };
    store.save_mail_sync(id, "INBOX", inbox, at(1)).await.expect("save");
    store
        .save_mail_sync(id, "Archivio", MailSync { uid_validity: 3, last_uid: 1 }, at(1))
        .await
        .expect("save");
    let moved = MailSync { uid_validity: u32::MAX, last_uid: u32::MAX };
    store.save_mail_sync(id, "INBOX", moved, at(2)).await.expect("save again");
    assert_eq!(store.get_mail_sync(id, "INBOX").await.expect("get"), Some(moved));
    assert_eq!(
        store.get_mail_sync(id, "Archivio").await.expect("get"),
        Some(MailSync { uid_validity: 3, last_uid: 1 })
    );
}

pub async fn message_ids_find_their_conversations_and_customers(store: &dyn Store) {
    let anna = ingest_indexed(store, "anna@example.com", "a1@client", "a1@client#h1", "Primo", 0).await;
    let bruno = ingest_indexed(store, "bruno@example.com", "b1@client", "b1@client#h2", "Altro", 1).await;
    let hits = store.find_mail_threads(&["a1@client".into(), "zzz@nowhere".into()]).await.expect("find");
    assert_eq!(hits.len(), 1);
    assert_eq!(
        (hits[0].conversation, hits[0].customer),
        (anna.conversation.id, anna.conversation.customer_id)
    );
    assert_eq!(hits[0].message, anna.message.id);
    let both = store.find_mail_threads(&["a1@client".into(), "b1@client".into()]).await.expect("find");
    assert_eq!(
        both.iter().map(|h| h.conversation).collect::<Vec<_>>(),
        [bruno.conversation.id, anna.conversation.id]
    );
    assert!(store.find_mail_threads(&[]).await.expect("find nothing").is_empty());
    let references = store.mail_references(anna.conversation.id).await.expect("references");
    assert_eq!(references.iter().map(|r| r.rfc_message_id.as_str()).collect::<Vec<_>>(), ["a1@client"]);
    assert_eq!(references[0].direction, Direction::Inbound);
}

pub async fn a_reused_message_id_with_new_content_is_stored_twice_and_a_copy_once(store: &dyn Store) {
    let first = ingest_indexed(store, "anna@example.com", "same@client", "same@client#aaa", "Uno", 0).await;
    let copy = ingest_indexed(store, "anna@example.com", "same@client", "same@client#aaa", "Uno", 1).await;
    let reuse = ingest_indexed(store, "anna@example.com", "same@client", "same@client#bbb", "Due", 2).await;
    assert!(first.created && !copy.created && reuse.created);
    assert_eq!(copy.message.id, first.message.id);
    assert_ne!(reuse.message.id, first.message.id);
    let hits = store.find_mail_threads(&["same@client".into()]).await.expect("find");
    assert_eq!(hits.len(), 2, "both different mails are indexed under the reused id");
}

pub async fn a_conversation_opened_for_a_mail_is_opened_once(store: &dyn Store) {
    let anna = ingest_indexed(store, "anna@example.com", "a1@client", "a1@client#h1", "Primo", 0).await;
    let customer = anna.conversation.customer_id;
    let opened = store.open_mail_conversation("new@client#h9", customer, "Nuovo", at(1)).await.expect("open");
    let again =
        store.open_mail_conversation("new@client#h9", customer, "Nuovo", at(2)).await.expect("open again");
    assert_eq!(opened, again);
    assert_ne!(opened, anna.conversation.id);
    let conversation = store.get_conversation(opened).await.expect("get");
    assert_eq!(
        (conversation.customer_id, conversation.channel, conversation.subject.as_str()),
        (customer, Channel::Email, "Nuovo")
    );
    let mut into = mail("anna@example.com", "new@client#h9", "Nuovo tema", 3);
    into.conversation = Some(opened);
    let ingested = store.ingest(into).await.expect("ingest into the opened conversation");
    assert_eq!(ingested.conversation.id, opened);
    assert_eq!(ingested.conversation.message_count, 1);
}

pub async fn attachment_bytes_round_trip(store: &dyn Store) {
    let anna = ingest_indexed(store, "anna@example.com", "a1@client", "a1@client#h1", "Allegato", 0).await;
    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    store.save_attachment(anna.message.id, 0, &bytes).await.expect("save");
    store.save_attachment(anna.message.id, 0, b"other").await.expect("saving again keeps the first");
    assert_eq!(store.get_attachment(anna.message.id, 0).await.expect("get"), Some(bytes));
    assert_eq!(store.get_attachment(anna.message.id, 1).await.expect("get"), None);
}
