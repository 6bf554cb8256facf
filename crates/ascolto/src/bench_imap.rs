//! `ascolto bench imap`: how fast the IMAP fetcher fetches and stores a full mailbox.
//!
//! Starts the same local dovecot the tests use, fills its INBOX with N realistic mails (plain
//! text, HTML with a text part, a few with small attachments, and replies that thread into
//! earlier mails through In-Reply-To), then runs the fetcher once from an empty position and
//! prints messages per second and the time until the first mail was stored. The fetcher stores
//! each mail before it saves the folder's position, so the first saved position marks the
//! first mail stored.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use ascolto_core::{Identity, IdentityKind};
use ascolto_service::Desk;
use ascolto_service::mail::fetch_mailbox;
use ascolto_service::mail::local::{DOVECOT, LocalDovecot};
use ascolto_store::{
    ConversationFilter, MailSecurity, MailServer, Mailbox, MailboxSettings, NewMailbox, PageRequest, Secret,
    Store,
};

use crate::bench::{Backend, bench_store};

const FOLDER: &str = "INBOX";
/// One mail in this many carries an attachment.
const ATTACHMENT_EVERY: usize = 25;
/// One mail in this many is HTML (with a text alternative).
const HTML_EVERY: usize = 3;
/// One mail in this many answers the same customer's previous mail.
const REPLY_EVERY: usize = 4;
/// How many customers write.
const CUSTOMERS: usize = 400;

pub async fn run(backend: Backend, messages: usize, database_url: Option<String>) -> anyhow::Result<()> {
    if !Path::new(DOVECOT).exists() {
        anyhow::bail!(
            "this benchmark needs dovecot, and {DOVECOT} is missing (apt-get install dovecot-imapd)"
        );
    }
    let run = chrono::Utc::now().timestamp_millis();
    let mut dovecot = LocalDovecot::start().context("starting a local dovecot")?;
    let filling = Instant::now();
    for n in 0..messages {
        dovecot.deliver(FOLDER, &mail(run, n), n % 2 == 0).context("delivering a mail to dovecot")?;
    }
    eprintln!("delivered {messages} mails to dovecot in {:.1} s", filling.elapsed().as_secs_f64());
    let (store, temp) = bench_store(backend, database_url).await?;
    let desk = Desk::new(store.clone());
    let mailbox = create_mailbox(&*store, &dovecot, run).await?;
    let first = tokio::spawn(watch_first_stored(store.clone(), mailbox.id));
    let started = Instant::now();
    let met = fetch_mailbox(&desk, &mailbox).await.context("fetching the mailbox")?;
    let elapsed = started.elapsed();
    let first = first.await.context("watching for the first stored mail")?;
    let stored = count_stored(&*store, run).await?;
    println!(
        "imap fetch on {}: {met} mails in {:.2} s = {:.0} messages/s; first mail stored after {}; {stored} e-mail messages in the store",
        store.backend_name(),
        elapsed.as_secs_f64(),
        met as f64 / elapsed.as_secs_f64(),
        first.map_or_else(|| "never".to_owned(), |first| format!("{:.1} ms", first.as_secs_f64() * 1000.0)),
    );
    if met != messages {
        anyhow::bail!("the fetcher met {met} mails, {messages} were delivered");
    }
    drop(desk);
    drop(store);
    dovecot.stop();
    if let Some(dir) = temp {
        let _ = std::fs::remove_dir_all(dir);
    }
    Ok(())
}

async fn create_mailbox(store: &dyn Store, dovecot: &LocalDovecot, run: i64) -> anyhow::Result<Mailbox> {
    let server = |port: u16, username: &str, password: &str| MailServer {
        host: "127.0.0.1".into(),
        port,
        security: MailSecurity::Plain,
        username: username.to_owned(),
        password: Secret::new(password.to_owned()),
    };
    let settings = MailboxSettings {
        address: dovecot.user.clone(),
        display_name: "Assistenza".into(),
        imap: server(dovecot.port, &dovecot.user, &dovecot.password),
        // Never used: the benchmark only fetches.
        smtp: server(25, "", ""),
        folders: vec![FOLDER.to_owned()],
        poll_seconds: 60,
        max_attachment_bytes: 25 * 1024 * 1024,
    };
    let new = NewMailbox { name: format!("Bench {run}"), settings, active: false };
    Ok(store.create_mailbox(new, chrono::Utc::now()).await?)
}

/// Polls the folder's saved position until the first one appears; returns when it did.
async fn watch_first_stored(store: Arc<dyn Store>, mailbox: i64) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(600) {
        if let Ok(Some(_)) = store.get_mail_sync(mailbox, FOLDER).await {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    None
}

/// How many messages the store holds from this run's customers (a check that the mails were
/// really stored, not only met).
async fn count_stored(store: &dyn Store, run: i64) -> anyhow::Result<i64> {
    let visibility = ascolto_core::agent::Visibility::All;
    let mut total = 0;
    for customer in 0..CUSTOMERS {
        let address = format!("cliente{customer}.{run}@example.com");
        let identity = Identity::parse(IdentityKind::Email, &address)?;
        let Some(found) = store.find_customer_by_identity(&identity).await? else { continue };
        let filter = ConversationFilter { customer: Some(found.id), ..Default::default() };
        let conversations = store.list_conversations(&filter, &visibility, PageRequest::first(200)).await?;
        total += conversations.items.iter().map(|c| c.message_count).sum::<i64>();
    }
    Ok(total)
}

/// Mail `n` of a run: from one of `CUSTOMERS` customers, so most customers write several times;
/// every `REPLY_EVERY`th mail (past the first round) answers that customer's previous mail.
fn mail(run: i64, n: usize) -> Vec<u8> {
    let customer = n % CUSTOMERS;
    let from = format!("Cliente {customer} <cliente{customer}.{run}@example.com>");
    let id = format!("bench-{run}-{n}@example.com");
    let italian = n % 2 == 0;
    let reply_to = (n % REPLY_EVERY == REPLY_EVERY - 1 && n >= CUSTOMERS).then(|| n - CUSTOMERS);
    let order = reply_to.unwrap_or(n);
    let subject = match (reply_to.is_some(), italian) {
        (false, true) => format!("Ordine {order} non arrivato [{run}]"),
        (false, false) => format!("Order {order} has not arrived [{run}]"),
        (true, true) => format!("Re: Ordine {order} non arrivato [{run}]"),
        (true, false) => format!("Re: Order {order} has not arrived [{run}]"),
    };
    let text = body_text(n, reply_to, italian);
    let mut headers = format!(
        "From: {from}\r\nTo: Assistenza <support@desk.example>\r\nSubject: {subject}\r\n\
         Message-ID: <{id}>\r\nDate: Mon, 23 Nov 2026 09:{:02}:{:02} +0000\r\nMIME-Version: 1.0\r\n",
        (n / 60) % 60,
        n % 60
    );
    if let Some(earlier) = reply_to {
        let earlier = format!("<bench-{run}-{earlier}@example.com>");
        headers.push_str(&format!("In-Reply-To: {earlier}\r\nReferences: {earlier}\r\n"));
    }
    let body = if n % ATTACHMENT_EVERY == 0 {
        with_attachment(&mut headers, &text, n)
    } else if n % HTML_EVERY == 0 {
        html_alternative(&mut headers, &text)
    } else {
        headers.push_str("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n");
        text.replace('\n', "\r\n")
    };
    format!("{headers}\r\n{body}\r\n").into_bytes()
}

fn body_text(n: usize, reply_to: Option<usize>, italian: bool) -> String {
    let mut text = if italian {
        format!(
            "Buongiorno,\n\nho ordinato il {} e il pacco {n} non è ancora arrivato. Il tracking non si \
             aggiorna da tre giorni e ho bisogno del prodotto entro venerdì.\nPotete dirmi dove si trova?\n\n\
             Grazie,\nCliente {}\n",
            "12 novembre",
            n % CUSTOMERS
        )
    } else {
        format!(
            "Hello,\n\nI ordered on 12 November and parcel {n} has still not arrived. The tracking page has \
             not changed for three days and I need it by Friday.\nCould you tell me where it is?\n\n\
             Thanks,\nCustomer {}\n",
            n % CUSTOMERS
        )
    };
    if let Some(earlier) = reply_to {
        text.push_str("\nOn Mon, 23 Nov 2026, Assistenza <support@desk.example> wrote:\n");
        for line in body_text(earlier, None, italian).lines() {
            text.push_str("> ");
            text.push_str(line);
            text.push('\n');
        }
    }
    text
}

fn html_alternative(headers: &mut String, text: &str) -> String {
    headers.push_str("Content-Type: multipart/alternative; boundary=\"alt\"\r\n");
    let paragraphs: String = text
        .split("\n\n")
        .map(|paragraph| format!("<p>{}</p>", paragraph.replace('&', "&amp;").replace('<', "&lt;")))
        .collect();
    format!(
        "--alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n\
         --alt\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
         <html><body style=\"font-family: sans-serif\">{paragraphs}</body></html>\r\n--alt--",
        text.replace('\n', "\r\n")
    )
}

fn with_attachment(headers: &mut String, text: &str, n: usize) -> String {
    headers.push_str("Content-Type: multipart/mixed; boundary=\"mix\"\r\n");
    // A small "receipt" of about 6 KB, base64 in lines of 76 characters as mailers write it.
    let receipt: Vec<u8> = (0..4500).map(|i| ((i * 31 + n) % 251) as u8).collect();
    let encoded = base64_lines(&receipt);
    format!(
        "--mix\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n\
         --mix\r\nContent-Type: application/pdf; name=\"ricevuta-{n}.pdf\"\r\n\
         Content-Disposition: attachment; filename=\"ricevuta-{n}.pdf\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{encoded}\r\n--mix--",
        text.replace('\n', "\r\n")
    )
}

fn base64_lines(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut encoded = String::with_capacity(bytes.len() * 4 / 3 + 4);
    for chunk in bytes.chunks(3) {
        let value = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                encoded.push(char::from(ALPHABET[((value >> (18 - 6 * i)) & 63) as usize]));
            } else {
                encoded.push('=');
            }
        }
    }
    let mut lines = String::with_capacity(encoded.len() + encoded.len() / 38);
    for (i, c) in encoded.chars().enumerate() {
        if i > 0 && i % 76 == 0 {
            lines.push_str("\r\n");
        }
        lines.push(c);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        assert_eq!(base64_lines(b"Man"), "TWFu");
        assert_eq!(base64_lines(b"Ma"), "TWE=");
        assert_eq!(base64_lines(b"M"), "TQ==");
    }

    #[test]
    fn bench_mails_parse_as_the_kinds_they_claim() {
        let limits = ascolto_channels::email::AttachmentLimits::default();
        let with_attachment = ascolto_channels::email::parse(&mail(1, 0), limits);
        assert_eq!(with_attachment.attachments.len(), 1);
        let html = ascolto_channels::email::parse(&mail(1, 3), limits);
        assert!(html.html.is_some());
        let reply = ascolto_channels::email::parse(&mail(1, 403), limits);
        assert!(reply.subject.starts_with("Re: "));
        assert!(reply.text.contains("> "));
    }
}
