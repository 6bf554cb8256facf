//! The IMAP fetcher: for each active mailbox, one node at a time (a lease in the store) reads
//! every folder by UID from where it stopped, stores each mail, and only then moves its
//! position on. It uses `BODY.PEEK[]`, so flags stay as they were, and it fetches whatever
//! the `\Seen` flag says: mail read in another client while we were down is still fetched.
//! Where the server offers IDLE it waits for news; otherwise it polls.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use ascolto_store::{MailSecurity, MailSync, Mailbox, StoreError};
use async_imap::Session;
use chrono::TimeDelta;
use futures::StreamExt;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tracing::{info, warn};

use crate::{Desk, ServiceError};

/// How long a fetch lease lasts; the holder renews it well before.
const LEASE: TimeDelta = TimeDelta::seconds(90);
/// How many mails one UID FETCH asks for, bounding memory on a large backfill.
const FETCH_CHUNK: usize = 100;
/// How long one IDLE waits before renewing the lease and looking again.
const IDLE_WAIT: Duration = Duration::from_secs(30);
/// How often the worker looks for mailboxes added, changed or removed.
const RESCAN: Duration = Duration::from_secs(10);

/// Why fetching a mailbox stopped.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("connecting to the IMAP server: {0}")]
    Connect(#[source] std::io::Error),
    #[error("TLS: {0}")]
    Tls(String),
    #[error("IMAP: {0}")]
    Imap(#[from] async_imap::error::Error),
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A connection to the IMAP server, plain or TLS.
#[derive(Debug)]
pub enum ImapStream {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

impl AsyncRead for ImapStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            ImapStream::Plain(stream) => Pin::new(stream).poll_read(cx, buf),
            ImapStream::Tls(stream) => Pin::new(stream.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for ImapStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            ImapStream::Plain(stream) => Pin::new(stream).poll_write(cx, buf),
            ImapStream::Tls(stream) => Pin::new(stream.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            ImapStream::Plain(stream) => Pin::new(stream).poll_flush(cx),
            ImapStream::Tls(stream) => Pin::new(stream.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            ImapStream::Plain(stream) => Pin::new(stream).poll_shutdown(cx),
            ImapStream::Tls(stream) => Pin::new(stream.as_mut()).poll_shutdown(cx),
        }
    }
}

type ImapSession = Session<ImapStream>;

async fn tls(host: &str, stream: TcpStream) -> Result<ImapStream, FetchError> {
    let mut roots = tokio_rustls::rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = tokio_rustls::rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| FetchError::Tls(error.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = tokio_rustls::rustls::pki_types::ServerName::try_from(host.to_owned())
        .map_err(|error| FetchError::Tls(error.to_string()))?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let stream = connector.connect(name, stream).await.map_err(|error| FetchError::Tls(error.to_string()))?;
    Ok(ImapStream::Tls(Box::new(stream)))
}

/// Connects and signs in with the mailbox's IMAP settings.
async fn connect(mailbox: &Mailbox) -> Result<ImapSession, FetchError> {
    let imap = &mailbox.settings.imap;
    let tcp =
        tokio::time::timeout(Duration::from_secs(20), TcpStream::connect((imap.host.as_str(), imap.port)))
            .await
            .map_err(|_| FetchError::Connect(std::io::Error::new(std::io::ErrorKind::TimedOut, "timed out")))?
            .map_err(FetchError::Connect)?;
    let stream = match imap.security {
        MailSecurity::Tls => tls(&imap.host, tcp).await?,
        MailSecurity::Plain => ImapStream::Plain(tcp),
        MailSecurity::StartTls => {
            let mut client = async_imap::Client::new(tcp);
            client.read_response().await.map_err(FetchError::Connect)?;
            client.run_command_and_check_ok("STARTTLS", None).await?;
            tls(&imap.host, client.into_inner()).await?
        }
    };
    let mut client = async_imap::Client::new(stream);
    if imap.security != MailSecurity::StartTls {
        client.read_response().await.map_err(FetchError::Connect)?;
    }
    let session = client.login(&imap.username, imap.password.expose()).await.map_err(|(error, _)| error)?;
    Ok(session)
}

impl Desk {
    /// Fetches every new mail of one folder, storing each before moving the folder's position
    /// past it. Returns how many mails were met (stored or found already stored).
    async fn fetch_folder(
        &self,
        session: &mut ImapSession,
        mailbox: &Mailbox,
        folder: &str,
    ) -> Result<usize, FetchError> {
        let selected = session.select(folder).await?;
        let uid_validity = selected.uid_validity.unwrap_or(0);
        let last_uid = match self.store.get_mail_sync(mailbox.id, folder).await? {
            Some(sync) if sync.uid_validity == uid_validity => sync.last_uid,
            Some(sync) => {
                warn!(
                    mailbox.id = mailbox.id,
                    "folder {folder} of mailbox {} was renumbered (UIDVALIDITY {} -> {uid_validity}): reading it again from the start",
                    mailbox.id,
                    sync.uid_validity
                );
                0
            }
            None => 0,
        };
        if selected.exists == 0 || selected.uid_next.is_some_and(|next| next <= last_uid + 1) {
            return Ok(0);
        }
        let mut uids: Vec<u32> = session
            .uid_search(format!("UID {}:*", last_uid + 1))
            .await?
            .into_iter()
            .filter(|uid| *uid > last_uid)
            .collect();
        uids.sort_unstable();
        let mut met = 0;
        for chunk in uids.chunks(FETCH_CHUNK) {
            let set = chunk.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
            let mut fetched: Vec<(u32, Vec<u8>)> = Vec::with_capacity(chunk.len());
            {
                let mut stream = session.uid_fetch(&set, "(UID BODY.PEEK[])").await?;
                while let Some(fetch) = stream.next().await {
                    let fetch = fetch?;
                    if let (Some(uid), Some(body)) = (fetch.uid, fetch.body()) {
                        fetched.push((uid, body.to_vec()));
                    }
                }
            }
            fetched.sort_by_key(|(uid, _)| *uid);
            for (uid, raw) in fetched {
                self.ingest_mail(mailbox, &raw).await?;
                let sync = MailSync { uid_validity, last_uid: uid };
                self.store.save_mail_sync(mailbox.id, folder, sync, self.now()).await?;
                met += 1;
            }
        }
        Ok(met)
    }
}

/// Connects to the mailbox once and fetches every folder from where it stopped. Returns how
/// many mails were met. The caller holds the mailbox's lease.
pub async fn fetch_mailbox(desk: &Desk, mailbox: &Mailbox) -> Result<usize, FetchError> {
    let mut session = connect(mailbox).await?;
    let mut met = 0;
    for folder in &mailbox.settings.folders {
        met += desk.fetch_folder(&mut session, mailbox, folder).await?;
    }
    let _ = session.logout().await;
    Ok(met)
}

/// Keeps one mailbox fetched while this node holds its lease: fetch, then IDLE (or sleep
/// `poll_seconds`), renew the lease, fetch again.
async fn watch_mailbox(desk: Desk, mailbox: Mailbox, holder: String, mut shutdown: watch::Receiver<bool>) {
    let poll = Duration::from_secs(u64::from(mailbox.settings.poll_seconds.max(1)));
    loop {
        let now = desk.now();
        let held = match desk.store.claim_mailbox(mailbox.id, &holder, now, now + LEASE).await {
            Ok(held) => held,
            Err(error) => {
                warn!(mailbox.id = mailbox.id, "could not claim mailbox {}: {error}", mailbox.id);
                false
            }
        };
        let wait = if held {
            match serve_session(&desk, &mailbox, &holder, &mut shutdown).await {
                Ok(()) => poll,
                Err(error) => {
                    warn!(
                        mailbox.id = mailbox.id,
                        "fetching mailbox {} failed, will try again: {error}", mailbox.id
                    );
                    poll.min(Duration::from_secs(30))
                }
            }
        } else {
            poll
        };
        if *shutdown.borrow() {
            let _ = desk.store.release_mailbox(mailbox.id, &holder).await;
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.changed() => {
                let _ = desk.store.release_mailbox(mailbox.id, &holder).await;
                return;
            }
        }
    }
}

/// One connection: fetch everything, then while the server offers IDLE and the lease holds,
/// wait for news and fetch again. Returns when the connection should be made again later.
async fn serve_session(
    desk: &Desk,
    mailbox: &Mailbox,
    holder: &str,
    shutdown: &mut watch::Receiver<bool>,
) -> Result<(), FetchError> {
    let mut session = connect(mailbox).await?;
    let idle = session.capabilities().await?.has_str("IDLE") && mailbox.settings.folders.len() == 1;
    loop {
        let mut met = 0;
        for folder in &mailbox.settings.folders {
            met += desk.fetch_folder(&mut session, mailbox, folder).await?;
        }
        if met > 0 {
            info!(mailbox.id = mailbox.id, "fetched {met} mails from mailbox {}", mailbox.id);
        }
        if !idle || *shutdown.borrow() {
            let _ = session.logout().await;
            return Ok(());
        }
        let mut handle = session.idle();
        handle.init().await?;
        let (news, stop) = handle.wait_with_timeout(IDLE_WAIT);
        let stopping = tokio::select! {
            _ = news => false,
            _ = shutdown.changed() => true,
        };
        drop(stop);
        session = handle.done().await?;
        let now = desk.now();
        if stopping || !desk.store.claim_mailbox(mailbox.id, holder, now, now + LEASE).await? {
            let _ = session.logout().await;
            return Ok(());
        }
    }
}

/// Runs the fetchers of every active mailbox until `shutdown` turns true, starting and stopping
/// them as mailboxes are added, changed or removed. `holder` names this node in leases.
pub async fn run_mail(desk: Desk, holder: String, mut shutdown: watch::Receiver<bool>) {
    let mut running: HashMap<i64, (chrono::DateTime<chrono::Utc>, tokio::task::JoinHandle<()>)> =
        HashMap::new();
    loop {
        match desk.store.list_mailboxes().await {
            Ok(mailboxes) => {
                let wanted: HashMap<i64, Mailbox> =
                    mailboxes.into_iter().filter(|m| m.active).map(|m| (m.id, m)).collect();
                running.retain(|id, (updated, task)| {
                    let keep =
                        wanted.get(id).is_some_and(|m| m.updated_at == *updated) && !task.is_finished();
                    if !keep {
                        task.abort();
                    }
                    keep
                });
                for (id, mailbox) in wanted {
                    if running.contains_key(&id) {
                        continue;
                    }
                    info!(mailbox.id = id, "watching mailbox {id} ({})", mailbox.settings.address);
                    let updated = mailbox.updated_at;
                    let task =
                        tokio::spawn(watch_mailbox(desk.clone(), mailbox, holder.clone(), shutdown.clone()));
                    running.insert(id, (updated, task));
                }
            }
            Err(error) => warn!("the mail worker could not list mailboxes: {error}"),
        }
        tokio::select! {
            _ = tokio::time::sleep(RESCAN) => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            for (_, (_, task)) in running.drain() {
                let _ = task.await;
            }
            return;
        }
    }
}
