//! E-mail end to end against a real dovecot (IMAP) and a real SMTP listener (aiosmtpd), both
//! started on loopback by the tests, over a real SQLite store.

use std::sync::{Arc, Mutex};

use ascolto_core::{Channel, ConversationId, DeliveryStatus, Direction, Message};
use ascolto_service::mail::local::{LocalDovecot, LocalSmtp, missing_servers};
use ascolto_service::mail::{EmailDeliverer, fetch_mailbox};
use ascolto_service::outbox::Deliverers;
use ascolto_service::{Clock, Desk, ReplyRequest};
use ascolto_store::{
    ConversationFilter, MailSecurity, MailServer, Mailbox, MailboxSettings, NewAgent, NewMailbox,
    PageRequest, Secret, Store,
};
use ascolto_store_sqlite::SqliteStore;
use chrono::{DateTime, TimeDelta, Utc};

#[derive(Debug)]
struct TestClock(Mutex<DateTime<Utc>>);

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

struct Env {
    desk: Desk,
    store: Arc<dyn Store>,
    clock: Arc<TestClock>,
    dovecot: LocalDovecot,
    smtp: LocalSmtp,
    mailbox: Mailbox,
    deliverers: Deliverers,
    agent: ascolto_core::AgentId,
    _dir: tempfile::TempDir,
}

/// The servers and a fresh store, or `None` (SKIPPED) when the servers are not installed;
/// under `CI=true` a missing server fails the test.
async fn env_with(folders: &[&str], smtp_listening: bool) -> Option<Env> {
    if let Some(why) = missing_servers() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI must run the mail tests: {why}");
        println!("SKIPPED: {why}");
        return None;
    }
    let dovecot = LocalDovecot::start().expect("dovecot starts");
    for folder in folders {
        dovecot.create_folder(folder).expect("a folder");
    }
    let smtp = if smtp_listening { LocalSmtp::start() } else { LocalSmtp::reserve() }.expect("an SMTP port");
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("mail.db")).await.unwrap();
    store.migrate().await.unwrap();
    let store: Arc<dyn Store> = Arc::new(store);
    let clock = Arc::new(TestClock(Mutex::new(Utc::now())));
    let desk = Desk::with_clock(store.clone(), clock.clone());
    let settings = MailboxSettings {
        address: "support@desk.example".into(),
        display_name: "Assistenza".into(),
        imap: MailServer {
            host: "127.0.0.1".into(),
            port: dovecot.port,
            security: MailSecurity::Plain,
            username: dovecot.user.clone(),
            password: Secret::new(dovecot.password.clone()),
        },
        smtp: MailServer {
            host: "127.0.0.1".into(),
            port: smtp.port,
            security: MailSecurity::Plain,
            username: String::new(),
            password: Secret::new(""),
        },
        folders: folders.iter().map(|f| (*f).to_owned()).collect(),
        poll_seconds: 5,
        max_attachment_bytes: 25 * 1024 * 1024,
    };
    let new = NewMailbox { name: "Support".into(), settings, active: true };
    let mailbox = store.create_mailbox(new, clock.now()).await.unwrap();
    let agent = store
        .create_agent(NewAgent {
            name: "Sara".into(),
            email: ascolto_core::EmailAddress::parse("sara@desk.example").unwrap(),
            role: ascolto_core::Role::Agent,
            password_hash: None,
            languages: vec!["it".into()],
            teams: vec![],
            reports_to: None,
            ui_language: "it".into(),
        })
        .await
        .unwrap()
        .id;
    let mut deliverers = Deliverers::api_only();
    deliverers.insert(Channel::Email, Arc::new(EmailDeliverer::new(store.clone())));
    Some(Env { desk, store, clock, dovecot, smtp, mailbox, deliverers, agent, _dir: dir })
}

async fn env() -> Option<Env> {
    env_with(&["INBOX"], true).await
}

/// A plain mail; `headers` are added as they are (one per line).
fn mail(from: &str, id: &str, subject: &str, body: &str, headers: &[&str]) -> Vec<u8> {
    let mut raw = format!(
        "From: {from}\r\nTo: support@desk.example\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\n\
         Date: Mon, 23 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
    );
    for header in headers {
        raw.push_str(header);
        raw.push_str("\r\n");
    }
    raw.push_str("\r\n");
    raw.push_str(&body.replace('\n', "\r\n"));
    raw.push_str("\r\n");
    raw.into_bytes()
}

impl Env {
    fn deliver(&mut self, raw: &[u8]) {
        self.dovecot.deliver("INBOX", raw, false).expect("delivered to dovecot");
    }

    async fn fetch(&self) -> usize {
        fetch_mailbox(&self.desk, &self.mailbox).await.expect("fetch")
    }

    /// Every e-mail conversation, oldest first.
    async fn conversations(&self) -> Vec<ascolto_core::Conversation> {
        let filter = ConversationFilter {
            channel: Some(Channel::Email),
            sort: ascolto_store::ConversationSort::Oldest,
            ..ConversationFilter::default()
        };
        let visibility = ascolto_core::agent::Visibility::All;
        self.store.list_conversations(&filter, &visibility, PageRequest::first(200)).await.unwrap().items
    }

    async fn messages(&self, conversation: ConversationId) -> Vec<Message> {
        self.store.list_messages(conversation, PageRequest::first(200)).await.unwrap().items
    }

    async fn all_messages(&self) -> Vec<Message> {
        let mut all = Vec::new();
        for conversation in self.conversations().await {
            all.extend(self.messages(conversation.id).await);
        }
        all
    }

    /// An agent's reply in `conversation`, delivered through the outbox to the SMTP listener.
    async fn reply(&self, conversation: ConversationId, text: &str) -> Message {
        let request = ReplyRequest {
            conversation,
            agent: self.agent,
            text: text.into(),
            html: None,
            note: false,
            template: None,
        };
        let reply = self.desk.reply(request).await.expect("reply stored");
        self.desk.deliver_due(&self.deliverers, 10).await.expect("outbox");
        self.store.get_message(reply.id).await.unwrap()
    }

    fn advance(&self, by: TimeDelta) {
        *self.clock.0.lock().unwrap() += by;
    }
}

fn header<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    raw.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

#[tokio::test]
async fn backfill_after_downtime_fetches_read_mail_and_leaves_flags_alone() {
    let Some(mut env) = env().await else { return };
    env.deliver(&mail("anna@example.com", "a1@client", "Ordine 1", "Primo", &[]));
    assert_eq!(env.fetch().await, 1);
    // While Ascolto is down, mail arrives and someone reads two of them in another client.
    env.dovecot
        .deliver("INBOX", &mail("bruno@example.com", "b1@client", "Fattura", "Uno", &[]), true)
        .unwrap();
    env.dovecot.deliver("INBOX", &mail("carla@example.com", "c1@client", "Reso", "Due", &[]), true).unwrap();
    env.deliver(&mail("dario@example.com", "d1@client", "Spedizione", "Tre", &[]));
    assert_eq!(env.fetch().await, 3, "everything after the last UID, read or not");
    assert_eq!(env.fetch().await, 0, "nothing twice");
    assert_eq!(env.conversations().await.len(), 4);
    let texts: Vec<String> = env.all_messages().await.into_iter().map(|m| m.text).collect();
    assert_eq!(texts, ["Primo", "Uno", "Due", "Tre"]);
    let seen = std::fs::read_dir(env.dovecot.maildir("INBOX").join("cur"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name().to_string_lossy().rsplit_once(":2,").is_some_and(|(_, flags)| flags.contains('S'))
        })
        .count();
    assert_eq!(seen, 2, "fetching marks nothing as read");
}

#[tokio::test]
async fn a_new_uidvalidity_reads_the_folder_again_without_storing_twice() {
    let Some(mut env) = env().await else { return };
    env.deliver(&mail("anna@example.com", "a1@client", "Uno", "Uno", &[]));
    env.deliver(&mail("anna@example.com", "a2@client", "Re: Uno", "Due", &[]));
    assert_eq!(env.fetch().await, 2);
    let before = env.store.get_mail_sync(env.mailbox.id, "INBOX").await.unwrap().unwrap();
    env.dovecot.renumber("INBOX").unwrap();
    env.deliver(&mail("anna@example.com", "a3@client", "Re: Uno", "Tre", &[]));
    assert_eq!(env.fetch().await, 3, "the renumbered folder is read from the start");
    let after = env.store.get_mail_sync(env.mailbox.id, "INBOX").await.unwrap().unwrap();
    assert_ne!(after.uid_validity, before.uid_validity);
    let texts: Vec<String> = env.all_messages().await.into_iter().map(|m| m.text).collect();
    assert_eq!(texts, ["Uno", "Due", "Tre"]);
}

#[tokio::test]
async fn a_reused_message_id_with_different_content_is_stored_twice() {
    let Some(mut env) = env().await else { return };
    env.deliver(&mail("anna@example.com", "same@client", "Uno", "Prima versione", &[]));
    env.deliver(&mail("anna@example.com", "same@client", "Uno", "Tutt'altro testo", &[]));
    env.deliver(&mail("anna@example.com", "same@client", "Uno", "Prima versione", &[]));
    assert_eq!(env.fetch().await, 3);
    let texts: Vec<String> = env.all_messages().await.into_iter().map(|m| m.text).collect();
    assert_eq!(texts, ["Prima versione", "Tutt'altro testo"], "the exact copy is stored once");
}

#[tokio::test]
async fn the_same_mail_in_two_folders_is_stored_once() {
    let Some(mut env) = env_with(&["INBOX", "Archivio"], true).await else { return };
    let raw = mail("anna@example.com", "a1@client", "Doppia", "Una volta sola", &[]);
    env.deliver(&raw);
    env.dovecot.deliver("Archivio", &raw, true).unwrap();
    assert_eq!(env.fetch().await, 2, "both copies are met");
    let messages = env.all_messages().await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].text, "Una volta sola");
}

#[tokio::test]
async fn replies_carry_thread_headers_and_a_reply_without_in_reply_to_still_threads() {
    let Some(mut env) = env().await else { return };
    env.deliver(&mail("anna@example.com", "a1@client", "Ordine 12 in ritardo", "Dov'è il mio ordine?", &[]));
    env.fetch().await;
    let conversation = env.conversations().await[0].id;
    let reply = env.reply(conversation, "Arriva domani.").await;
    assert_eq!(reply.delivery_status, DeliveryStatus::Sent);
    let sent = env.smtp.received();
    assert_eq!(sent.len(), 1);
    let sent = String::from_utf8_lossy(&sent[0]).into_owned();
    let our_id = reply.channel_message_id.clone().expect("the Message-ID is kept");
    assert_eq!(header(&sent, "Message-ID"), Some(format!("<{our_id}>").as_str()));
    assert_eq!(header(&sent, "In-Reply-To"), Some("<a1@client>"));
    assert_eq!(header(&sent, "References"), Some("<a1@client>"));
    assert_eq!(header(&sent, "Subject"), Some("Re: Ordine 12 in ritardo"));
    // Outlook-style: the answer drops In-Reply-To and References and goes to the plain address.
    env.deliver(&mail("anna@example.com", "a2@client", "R: Ordine 12 in ritardo", "Grazie!", &[]));
    // Another client keeps only our plus-address.
    let plus = mail(
        "anna@example.com",
        "a3@client",
        "Una cosa diversa",
        "Ancora io",
        &[&format!("Cc: {}", header(&sent, "Reply-To").unwrap())],
    );
    env.deliver(&plus);
    env.fetch().await;
    assert_eq!(env.conversations().await.len(), 1);
    let texts: Vec<String> = env.messages(conversation).await.into_iter().map(|m| m.text).collect();
    assert_eq!(texts, ["Dov'è il mio ordine?", "Arriva domani.", "Grazie!", "Ancora io"]);
}

#[tokio::test]
async fn another_customer_with_the_same_subject_or_references_gets_their_own_conversation() {
    let Some(mut env) = env().await else { return };
    env.deliver(&mail("anna@example.com", "a1@client", "Reso", "Vorrei fare un reso", &[]));
    env.fetch().await;
    let anna = env.conversations().await[0].clone();
    let reply = env.reply(anna.id, "Certo").await;
    let our_id = reply.channel_message_id.unwrap();
    env.deliver(&mail("bruno@example.com", "b1@client", "Re: Reso", "Anche io", &[]));
    env.deliver(&mail(
        "carla@example.com",
        "c1@client",
        "Re: Reso",
        "Inoltrato",
        &[&format!("In-Reply-To: <{our_id}>"), &format!("References: <a1@client> <{our_id}>")],
    ));
    env.fetch().await;
    let conversations = env.conversations().await;
    assert_eq!(conversations.len(), 3);
    for conversation in &conversations[1..] {
        assert_ne!(conversation.customer_id, anna.customer_id);
        assert_eq!(conversation.message_count, 1);
    }
    assert_eq!(env.messages(anna.id).await.len(), 2, "nothing joined Anna's conversation");
}

#[tokio::test]
async fn a_new_subject_follows_references_and_without_them_opens_a_new_conversation() {
    let Some(mut env) = env().await else { return };
    env.deliver(&mail("anna@example.com", "a1@client", "Ordine 5", "Dov'è?", &[]));
    env.fetch().await;
    env.deliver(&mail(
        "anna@example.com",
        "a2@client",
        "Cambio indirizzo",
        "Nuovo indirizzo",
        &["References: <a1@client>"],
    ));
    env.deliver(&mail("anna@example.com", "a3@client", "Fattura sbagliata", "Altro tema", &[]));
    env.fetch().await;
    let conversations = env.conversations().await;
    assert_eq!(conversations.len(), 2);
    let first: Vec<String> = env.messages(conversations[0].id).await.into_iter().map(|m| m.text).collect();
    assert_eq!(first, ["Dov'è?", "Nuovo indirizzo"]);
    assert_eq!(conversations[1].subject, "Fattura sbagliata");
}

#[tokio::test]
async fn an_auto_reply_is_stored_but_never_answered() {
    let Some(mut env) = env().await else { return };
    env.deliver(&mail("anna@example.com", "a1@client", "Aiuto", "Non funziona", &[]));
    env.fetch().await;
    let conversation = env.conversations().await[0].id;
    let reply = env.reply(conversation, "Ci pensiamo noi").await;
    let our_id = reply.channel_message_id.unwrap();
    for n in 0..3 {
        env.deliver(&mail(
            "anna@example.com",
            &format!("ooo{n}@client"),
            "Fuori sede: Re: Aiuto",
            "Sono in ferie",
            &["Auto-Submitted: auto-replied", "X-Autoreply: yes", &format!("In-Reply-To: <{our_id}>")],
        ));
    }
    env.fetch().await;
    env.desk.deliver_due(&env.deliverers, 10).await.unwrap();
    env.advance(TimeDelta::hours(2));
    env.desk.deliver_due(&env.deliverers, 10).await.unwrap();
    assert_eq!(env.smtp.received().len(), 1, "only the agent's reply was ever sent");
    let messages = env.messages(conversation).await;
    assert_eq!(messages.len(), 5, "the auto-replies are kept in the thread");
    assert_eq!(messages.iter().filter(|m| m.direction == Direction::Outbound).count(), 1);
    let kinds: Vec<String> =
        env.store.mail_references(conversation).await.unwrap().into_iter().map(|r| r.kind).collect();
    assert_eq!(kinds, ["normal", "normal", "auto_reply", "auto_reply", "auto_reply"]);
}

#[tokio::test]
async fn a_bounce_marks_the_reply_failed() {
    let Some(mut env) = env().await else { return };
    env.deliver(&mail("gone@example.com", "g1@client", "Ultimo messaggio", "Addio", &[]));
    env.fetch().await;
    let conversation = env.conversations().await[0].id;
    let reply = env.reply(conversation, "Risposta").await;
    let our_id = reply.channel_message_id.unwrap();
    let dsn = format!(
        "From: MAILER-DAEMON@mx.example.com\r\nTo: support@desk.example\r\nSubject: Undelivered Mail Returned to Sender\r\n\
         Message-ID: <dsn1@mx.example.com>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\
         --b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\n\
         Final-Recipient: rfc822; gone@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n\
         Diagnostic-Code: smtp; 550 5.1.1 <gone@example.com>: user unknown\r\n\
         --b\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: support@desk.example\r\nMessage-ID: <{our_id}>\r\n\
         Subject: Re: Ultimo messaggio\r\n--b--\r\n"
    );
    env.deliver(dsn.as_bytes());
    env.fetch().await;
    let bounced = env.store.get_message(reply.id).await.unwrap();
    assert_eq!(bounced.delivery_status, DeliveryStatus::Failed);
    assert!(bounced.delivery_error.as_deref().is_some_and(|e| e.contains("550 5.1.1")), "{bounced:?}");
    assert_eq!(env.messages(conversation).await.len(), 2, "the bounce itself is not a customer message");
    assert_eq!(env.conversations().await.len(), 1);
}

#[tokio::test]
async fn a_30_mb_attachment_is_recorded_as_skipped_and_small_ones_are_kept() {
    use std::fmt::Write;
    let Some(mut env) = env().await else { return };
    let big = vec![b'x'; 30 * 1024 * 1024];
    let mut raw = String::from(
        "From: anna@example.com\r\nTo: support@desk.example\r\nSubject: Video\r\nMessage-ID: <big@client>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n\
         --m\r\nContent-Type: text/plain\r\n\r\nEcco il video e la ricevuta.\r\n\
         --m\r\nContent-Type: video/mp4; name=\"video.mp4\"\r\nContent-Disposition: attachment; filename=\"video.mp4\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n",
    );
    let encoded = base64_lines(&big);
    raw.push_str(&encoded);
    write!(
        raw,
        "--m\r\nContent-Type: application/pdf; name=\"ricevuta.pdf\"\r\nContent-Disposition: attachment; filename=\"ricevuta.pdf\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}--m--\r\n",
        base64_lines(b"%PDF-1.4 ricevuta")
    )
    .unwrap();
    env.deliver(raw.as_bytes());
    assert_eq!(env.fetch().await, 1);
    let message = env.all_messages().await.remove(0);
    assert_eq!(message.text, "Ecco il video e la ricevuta.");
    assert_eq!(message.attachments.len(), 2);
    let video = &message.attachments[0];
    assert_eq!((video.filename.as_str(), video.size_bytes), ("video.mp4", 30 * 1024 * 1024));
    assert!(video.skipped.is_some(), "{video:?}");
    assert_eq!(env.store.get_attachment(message.id, 0).await.unwrap(), None);
    assert!(message.attachments[1].skipped.is_none());
    assert_eq!(
        env.store.get_attachment(message.id, 1).await.unwrap().as_deref(),
        Some(&b"%PDF-1.4 ricevuta"[..])
    );
}

fn base64_lines(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + bytes.len() / 57 * 2 + 8);
    for line in bytes.chunks(57) {
        for chunk in line.chunks(3) {
            let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out.push_str("\r\n");
    }
    out
}

#[tokio::test]
async fn iso_8859_1_and_broken_mime_are_stored_readable() {
    let Some(mut env) = env().await else { return };
    let mut latin = b"From: =?ISO-8859-1?Q?Jos=E9?= <jose@example.com>\r\nTo: support@desk.example\r\n\
        Subject: =?ISO-8859-1?Q?Citt=E0?=\r\nMessage-ID: <latin@client>\r\nMIME-Version: 1.0\r\n\
        Content-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        .to_vec();
    latin.extend_from_slice(b"La citt\xe0 \xe8 bella, perch\xe9?\r\n");
    env.deliver(&latin);
    env.deliver(
        b"From: rotto@example.com\r\nSubject: rotto\r\nMessage-ID: <broken@client>\r\nMIME-Version: 1.0\r\n\
          Content-Type: multipart/mixed; boundary=\"manca\"\r\n\r\n--altro\r\nContent-Type: text/plain\r\n\r\n\
          Il testo si legge lo stesso\r\n",
    );
    assert_eq!(env.fetch().await, 2);
    let conversations = env.conversations().await;
    assert_eq!(conversations[0].subject, "Città");
    let messages = env.all_messages().await;
    assert_eq!(messages[0].text, "La città è bella, perché?");
    assert!(messages[1].text.contains("Il testo si legge lo stesso"), "{:?}", messages[1].text);
}

#[tokio::test]
async fn with_smtp_down_the_reply_waits_and_arrives_once_when_it_is_back() {
    let Some(mut env) = env_with(&["INBOX"], false).await else { return };
    env.deliver(&mail("anna@example.com", "a1@client", "Urgente", "Rispondete", &[]));
    env.fetch().await;
    let conversation = env.conversations().await[0].id;
    let reply = env.reply(conversation, "Eccoci").await;
    assert_eq!(reply.delivery_status, DeliveryStatus::Queued);
    assert!(reply.delivery_error.is_some(), "the failure is visible: {reply:?}");
    env.advance(TimeDelta::seconds(6));
    env.desk.deliver_due(&env.deliverers, 10).await.unwrap();
    env.smtp.listen().unwrap();
    env.advance(TimeDelta::seconds(30));
    env.desk.deliver_due(&env.deliverers, 10).await.unwrap();
    env.advance(TimeDelta::hours(2));
    env.desk.deliver_due(&env.deliverers, 10).await.unwrap();
    let delivered = env.store.get_message(reply.id).await.unwrap();
    assert_eq!(delivered.delivery_status, DeliveryStatus::Sent);
    assert_eq!(env.smtp.received().len(), 1);
}
