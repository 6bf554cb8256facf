//! The e-mail area: mailboxes and their fetch leases, IMAP sync state, the Message-ID index,
//! conversations opened for one mail, and attachment bytes.

use ascolto_core::{ConversationId, CustomerId, Direction, MessageId, Priority};
use ascolto_store::{
    MailRecord, MailReference, MailSync, MailThreadHit, Mailbox, MailboxSettings, NewMailbox, StoreError,
    StoreResult,
};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use sqlx::postgres::PgRow;

use crate::error::{corrupt, db, db_or_conflict};
use crate::row::{clean, get, ms, time, word};

macro_rules! mailbox_columns {
    () => {
        "id, name, settings, active, created_at, updated_at"
    };
}

fn mailbox(row: &PgRow) -> StoreResult<Mailbox> {
    let settings: String = get(row, "settings")?;
    let settings: MailboxSettings =
        serde_json::from_str(&settings).map_err(|error| corrupt(format!("mailbox settings: {error}")))?;
    Ok(Mailbox {
        id: get(row, "id")?,
        name: get(row, "name")?,
        settings,
        active: get(row, "active")?,
        created_at: time(row, "created_at")?,
        updated_at: time(row, "updated_at")?,
    })
}

fn settings_json(settings: &MailboxSettings) -> StoreResult<String> {
    serde_json::to_string(settings).map_err(StoreError::backend)
}

fn name_taken(name: &str) -> impl FnOnce() -> String + '_ {
    move || format!("a mailbox named {name:?} already exists")
}

pub(crate) async fn create(
    conn: &mut PgConnection,
    new: NewMailbox,
    now: DateTime<Utc>,
) -> StoreResult<Mailbox> {
    let row = sqlx::query(concat!(
        "INSERT INTO mailboxes (name, settings, active, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
         RETURNING ",
        mailbox_columns!()
    ))
    .bind(clean(&new.name))
    .bind(settings_json(&new.settings)?)
    .bind(new.active)
    .bind(ms(now))
    .fetch_one(&mut *conn)
    .await
    .map_err(|error| db_or_conflict(error, name_taken(&new.name)))?;
    mailbox(&row)
}

pub(crate) async fn load(conn: &mut PgConnection, id: i64) -> StoreResult<Mailbox> {
    let row = sqlx::query(concat!("SELECT ", mailbox_columns!(), " FROM mailboxes WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?
        .ok_or_else(|| StoreError::not_found("mailbox", id))?;
    mailbox(&row)
}

pub(crate) async fn list(conn: &mut PgConnection) -> StoreResult<Vec<Mailbox>> {
    let rows = sqlx::query(concat!("SELECT ", mailbox_columns!(), " FROM mailboxes ORDER BY created_at, id"))
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
    rows.iter().map(mailbox).collect()
}

pub(crate) async fn update(
    conn: &mut PgConnection,
    id: i64,
    new: NewMailbox,
    now: DateTime<Utc>,
) -> StoreResult<Mailbox> {
    let row = sqlx::query(concat!(
        "UPDATE mailboxes SET name = $2, settings = $3, active = $4, updated_at = $5 WHERE id = $1
         RETURNING ",
        mailbox_columns!()
    ))
    .bind(id)
    .bind(clean(&new.name))
    .bind(settings_json(&new.settings)?)
    .bind(new.active)
    .bind(ms(now))
    .fetch_optional(&mut *conn)
    .await
    .map_err(|error| db_or_conflict(error, name_taken(&new.name)))?
    .ok_or_else(|| StoreError::not_found("mailbox", id))?;
    mailbox(&row)
}

pub(crate) async fn delete(conn: &mut PgConnection, id: i64) -> StoreResult<()> {
    sqlx::query("DELETE FROM mail_sync WHERE mailbox_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    let deleted =
        sqlx::query("DELETE FROM mailboxes WHERE id = $1").bind(id).execute(&mut *conn).await.map_err(db)?;
    if deleted.rows_affected() == 0 {
        return Err(StoreError::not_found("mailbox", id));
    }
    Ok(())
}

pub(crate) async fn claim(
    conn: &mut PgConnection,
    id: i64,
    holder: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> StoreResult<bool> {
    let claimed = sqlx::query(
        "UPDATE mailboxes SET lease_holder = $2, lease_until = $3
         WHERE id = $1 AND (lease_holder IS NULL OR lease_holder = $2 OR lease_until <= $4)",
    )
    .bind(id)
    .bind(holder)
    .bind(ms(lease_until))
    .bind(ms(now))
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    if claimed.rows_affected() == 1 {
        return Ok(true);
    }
    load(conn, id).await.map(|_| false)
}

pub(crate) async fn release(conn: &mut PgConnection, id: i64, holder: &str) -> StoreResult<()> {
    sqlx::query(
        "UPDATE mailboxes SET lease_holder = NULL, lease_until = NULL WHERE id = $1 AND lease_holder = $2",
    )
    .bind(id)
    .bind(holder)
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    Ok(())
}

pub(crate) async fn get_sync(
    conn: &mut PgConnection,
    mailbox: i64,
    folder: &str,
) -> StoreResult<Option<MailSync>> {
    let row =
        sqlx::query("SELECT uid_validity, last_uid FROM mail_sync WHERE mailbox_id = $1 AND folder = $2")
            .bind(mailbox)
            .bind(folder)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?;
    row.map(|row| sync_of(&row)).transpose()
}

fn sync_of(row: &PgRow) -> StoreResult<MailSync> {
    let uid_validity: i64 = get(row, "uid_validity")?;
    let last_uid: i64 = get(row, "last_uid")?;
    let as_u32 = |value: i64| u32::try_from(value).map_err(|_| corrupt(format!("UID {value} out of range")));
    Ok(MailSync { uid_validity: as_u32(uid_validity)?, last_uid: as_u32(last_uid)? })
}

pub(crate) async fn save_sync(
    conn: &mut PgConnection,
    mailbox: i64,
    folder: &str,
    sync: MailSync,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO mail_sync (mailbox_id, folder, uid_validity, last_uid, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (mailbox_id, folder) DO UPDATE SET uid_validity = excluded.uid_validity,
             last_uid = excluded.last_uid, updated_at = excluded.updated_at",
    )
    .bind(mailbox)
    .bind(clean(folder))
    .bind(i64::from(sync.uid_validity))
    .bind(i64::from(sync.last_uid))
    .bind(ms(now))
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    Ok(())
}

pub(crate) async fn record(
    conn: &mut PgConnection,
    record: MailRecord,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO mail_messages (message_id, mailbox_id, rfc_message_id, direction, kind, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (message_id) DO NOTHING",
    )
    .bind(record.message.0)
    .bind(record.mailbox)
    .bind(clean(&record.rfc_message_id))
    .bind(record.direction.as_str())
    .bind(clean(&record.kind))
    .bind(ms(now))
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    Ok(())
}

pub(crate) async fn find_threads(conn: &mut PgConnection, ids: &[String]) -> StoreResult<Vec<MailThreadHit>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(
        "SELECT mm.rfc_message_id, m.id AS message, c.id AS conversation, c.customer_id
         FROM mail_messages mm JOIN messages m ON m.id = mm.message_id
         JOIN conversations c ON c.id = m.conversation_id
         WHERE mm.rfc_message_id = ANY($1)
         ORDER BY m.created_at DESC, m.id DESC LIMIT 100",
    )
    .bind(ids.to_vec())
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    rows.iter()
        .map(|row| {
            Ok(MailThreadHit {
                rfc_message_id: get(row, "rfc_message_id")?,
                conversation: ConversationId(get(row, "conversation")?),
                customer: CustomerId(get(row, "customer_id")?),
                message: MessageId(get(row, "message")?),
            })
        })
        .collect()
}

pub(crate) async fn references(
    conn: &mut PgConnection,
    conversation: ConversationId,
) -> StoreResult<Vec<MailReference>> {
    let rows = sqlx::query(
        "SELECT mm.rfc_message_id, mm.mailbox_id, mm.direction, mm.kind FROM mail_messages mm
         JOIN messages m ON m.id = mm.message_id
         WHERE m.conversation_id = $1 ORDER BY m.created_at, m.id",
    )
    .bind(conversation.0)
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    rows.iter()
        .map(|row| {
            Ok(MailReference {
                rfc_message_id: get(row, "rfc_message_id")?,
                mailbox: get(row, "mailbox_id")?,
                direction: word::<Direction>(row, "direction")?,
                kind: get(row, "kind")?,
            })
        })
        .collect()
}

pub(crate) async fn open_conversation(
    conn: &mut PgConnection,
    key: &str,
    customer: CustomerId,
    subject: &str,
    now: DateTime<Utc>,
) -> StoreResult<ConversationId> {
    // Two nodes may meet the same mail (two mailboxes): the lock on the key makes the second
    // wait for the first and then find its conversation.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
        .bind(key)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    let existing = sqlx::query("SELECT conversation_id FROM mail_threads WHERE dedupe_key = $1")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
    if let Some(row) = existing {
        return Ok(ConversationId(get(&row, "conversation_id")?));
    }
    let row = sqlx::query(
        "INSERT INTO conversations (customer_id, channel, subject, status, priority_rank, created_at,
             updated_at, last_message_at)
         VALUES ($1, 'email', $2, 'open', $3, $4, $4, $4) RETURNING id",
    )
    .bind(customer.0)
    .bind(clean(subject))
    .bind(Priority::Normal.rank())
    .bind(ms(now))
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    let conversation: i64 = get(&row, "id")?;
    sqlx::query("INSERT INTO mail_threads (dedupe_key, conversation_id) VALUES ($1, $2)")
        .bind(key)
        .bind(conversation)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    Ok(ConversationId(conversation))
}

pub(crate) async fn save_attachment(
    conn: &mut PgConnection,
    message: MessageId,
    position: i32,
    data: &[u8],
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO attachments (message_id, position, data) VALUES ($1, $2, $3)
         ON CONFLICT (message_id, position) DO NOTHING",
    )
    .bind(message.0)
    .bind(i64::from(position))
    .bind(data)
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    Ok(())
}

pub(crate) async fn get_attachment(
    conn: &mut PgConnection,
    message: MessageId,
    position: i32,
) -> StoreResult<Option<Vec<u8>>> {
    let row = sqlx::query("SELECT data FROM attachments WHERE message_id = $1 AND position = $2")
        .bind(message.0)
        .bind(i64::from(position))
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
    row.map(|row| get::<Vec<u8>>(&row, "data")).transpose()
}
