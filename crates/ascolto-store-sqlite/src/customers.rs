//! Customers: create, read, patch, list, search and merge.

use std::collections::HashMap;

use ascolto_core::search::{Query, index_tokens};
use ascolto_core::{Customer, CustomerId, Identity};
use ascolto_store::{CustomerPatch, NewCustomer, Page, PageRequest, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;
use sqlx::sqlite::SqliteRow;

use crate::error::db;
use crate::row::{clean, cursor1, fetch_limit, get, id_array, json_list, ms, time, to_json, word};

/// The most stems one customer puts in the search index (name, identities and notes).
const MAX_CUSTOMER_TOKENS: usize = 2_000;

macro_rules! customer_columns {
    () => {
        "c.id, c.name, c.tags, c.language, c.notes, c.merged_into, c.created_at, c.updated_at"
    };
}

/// A customer row, without its identities (see [`attach_identities`]).
fn customer(row: &SqliteRow) -> StoreResult<Customer> {
    Ok(Customer {
        id: CustomerId(get(row, "id")?),
        name: get(row, "name")?,
        identities: Vec::new(),
        tags: json_list(row, "tags")?,
        language: get(row, "language")?,
        notes: get(row, "notes")?,
        merged_into: get::<Option<i64>>(row, "merged_into")?.map(CustomerId),
        created_at: time(row, "created_at")?,
        updated_at: time(row, "updated_at")?,
    })
}

/// Sorted, unique tags: the order they are shown and compared in.
fn normalised_tags(tags: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut tags: Vec<String> = tags.into_iter().map(|t| clean(&t).into_owned()).collect();
    tags.sort();
    tags.dedup();
    tags
}

pub(crate) async fn create(
    conn: &mut SqliteConnection,
    new: NewCustomer,
    now: DateTime<Utc>,
) -> StoreResult<Customer> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO customers (name, tags, language, notes, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(clean(&new.name))
    .bind(to_json(&normalised_tags(new.tags))?)
    .bind(new.language.as_deref().map(clean))
    .bind(clean(&new.notes))
    .bind(ms(now))
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    let id = CustomerId(id);
    for identity in &new.identities {
        add_identity(conn, id, identity).await?;
    }
    reindex(conn, id).await?;
    load(conn, id).await
}

/// Gives `identity` to `customer`; an identity another customer holds is a `Conflict`.
pub(crate) async fn add_identity(
    conn: &mut SqliteConnection,
    customer: CustomerId,
    identity: &Identity,
) -> StoreResult<()> {
    let owner: Option<i64> =
        sqlx::query_scalar("SELECT customer_id FROM customer_identities WHERE kind = $1 AND value = $2")
            .bind(identity.kind.as_str())
            .bind(&identity.value)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?;
    match owner {
        Some(owner) if owner == customer.0 => Ok(()),
        Some(owner) => Err(StoreError::Conflict(format!(
            "{} {} already belongs to customer {owner}",
            identity.kind, identity.value
        ))),
        None => {
            sqlx::query("INSERT INTO customer_identities (kind, value, customer_id) VALUES ($1, $2, $3)")
                .bind(identity.kind.as_str())
                .bind(clean(&identity.value))
                .bind(customer.0)
                .execute(&mut *conn)
                .await
                .map_err(db)?;
            Ok(())
        }
    }
}

/// Rewrites the customer's search tokens from their name, identities and notes.
pub(crate) async fn reindex(conn: &mut SqliteConnection, id: CustomerId) -> StoreResult<()> {
    let customer = load(conn, id).await?;
    let mut text = customer.name.clone();
    for identity in &customer.identities {
        text.push(' ');
        text.push_str(&identity.value);
    }
    text.push(' ');
    text.push_str(&customer.notes);
    sqlx::query("DELETE FROM customer_search WHERE rowid = $1")
        .bind(id.0)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    sqlx::query("INSERT INTO customer_search (rowid, tokens) VALUES ($1, $2)")
        .bind(id.0)
        .bind(index_tokens(&text, MAX_CUSTOMER_TOKENS))
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    Ok(())
}

pub(crate) async fn load(conn: &mut SqliteConnection, id: CustomerId) -> StoreResult<Customer> {
    let row = sqlx::query(concat!("SELECT ", customer_columns!(), " FROM customers c WHERE c.id = $1"))
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?
        .ok_or_else(|| StoreError::not_found("customer", id))?;
    let mut customers = vec![customer(&row)?];
    attach_identities(conn, &mut customers).await?;
    customers.pop().ok_or_else(|| StoreError::not_found("customer", id))
}

/// The customers with these ids that exist, in no particular order: two queries whatever
/// their number, so a page listing fifty conversations does not read fifty customers.
pub(crate) async fn load_many(conn: &mut SqliteConnection, ids: &[CustomerId]) -> StoreResult<Vec<Customer>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(concat!(
        "SELECT ",
        customer_columns!(),
        " FROM customers c WHERE c.id IN (SELECT value FROM json_each($1))"
    ))
    .bind(id_array(ids.iter().map(|id| id.0)))
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    let mut customers = rows.iter().map(customer).collect::<StoreResult<Vec<_>>>()?;
    attach_identities(conn, &mut customers).await?;
    Ok(customers)
}

/// Fills in the identities of `customers` with one query.
async fn attach_identities(conn: &mut SqliteConnection, customers: &mut [Customer]) -> StoreResult<()> {
    if customers.is_empty() {
        return Ok(());
    }
    let rows = sqlx::query(
        "SELECT customer_id, kind, value FROM customer_identities
         WHERE customer_id IN (SELECT value FROM json_each($1)) ORDER BY kind, value",
    )
    .bind(id_array(customers.iter().map(|c| c.id.0)))
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    let mut by_customer: HashMap<i64, Vec<Identity>> = HashMap::new();
    for row in &rows {
        let identity = Identity { kind: word(row, "kind")?, value: get(row, "value")? };
        by_customer.entry(get(row, "customer_id")?).or_default().push(identity);
    }
    for customer in customers {
        customer.identities = by_customer.remove(&customer.id.0).unwrap_or_default();
    }
    Ok(())
}

async fn page_of(
    conn: &mut SqliteConnection,
    rows: Vec<SqliteRow>,
    page: &PageRequest,
) -> StoreResult<Page<Customer>> {
    let mut customers = rows.iter().map(customer).collect::<StoreResult<Vec<_>>>()?;
    attach_identities(conn, &mut customers).await?;
    Ok(Page::from_rows(customers, page.limit, |c| cursor1(c.created_at, c.id.0)))
}

pub(crate) async fn find_by_identity(
    conn: &mut SqliteConnection,
    identity: &Identity,
) -> StoreResult<Option<Customer>> {
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT c.id FROM customer_identities i JOIN customers c ON c.id = i.customer_id
         WHERE i.kind = $1 AND i.value = $2 AND c.merged_into IS NULL",
    )
    .bind(identity.kind.as_str())
    .bind(&identity.value)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    match id {
        Some(id) => load(conn, CustomerId(id)).await.map(Some),
        None => Ok(None),
    }
}

pub(crate) async fn update(
    conn: &mut SqliteConnection,
    id: CustomerId,
    patch: CustomerPatch,
    now: DateTime<Utc>,
) -> StoreResult<Customer> {
    let tags = patch.tags.map(normalised_tags).map(|t| to_json(&t)).transpose()?;
    let changed = sqlx::query(
        "UPDATE customers SET name = COALESCE($2, name), tags = COALESCE($3, tags),
             language = CASE WHEN $4 THEN $5 ELSE language END, notes = COALESCE($6, notes),
             updated_at = $7
         WHERE id = $1",
    )
    .bind(id.0)
    .bind(patch.name.as_deref().map(clean))
    .bind(tags)
    .bind(patch.language.is_some())
    .bind(patch.language.flatten().as_deref().map(clean).map(|l| l.into_owned()))
    .bind(patch.notes.as_deref().map(clean))
    .bind(ms(now))
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    if changed.rows_affected() == 0 {
        return Err(StoreError::not_found("customer", id));
    }
    for identity in &patch.remove_identities {
        sqlx::query("DELETE FROM customer_identities WHERE kind = $1 AND value = $2 AND customer_id = $3")
            .bind(identity.kind.as_str())
            .bind(&identity.value)
            .bind(id.0)
            .execute(&mut *conn)
            .await
            .map_err(db)?;
    }
    for identity in &patch.add_identities {
        add_identity(conn, id, identity).await?;
    }
    reindex(conn, id).await?;
    load(conn, id).await
}

pub(crate) async fn list(conn: &mut SqliteConnection, page: PageRequest) -> StoreResult<Page<Customer>> {
    let rows = match page.keys(1) {
        None => sqlx::query(concat!(
            "SELECT ",
            customer_columns!(),
            " FROM customers c WHERE c.merged_into IS NULL
             ORDER BY c.created_at DESC, c.id DESC LIMIT $1"
        ))
        .bind(fetch_limit(&page)),
        Some((keys, id)) => sqlx::query(concat!(
            "SELECT ",
            customer_columns!(),
            " FROM customers c WHERE c.merged_into IS NULL AND (c.created_at, c.id) < ($2, $3)
             ORDER BY c.created_at DESC, c.id DESC LIMIT $1"
        ))
        .bind(fetch_limit(&page))
        .bind(keys[0])
        .bind(id),
    }
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    page_of(conn, rows, &page).await
}

/// Customers whose index tokens match; an empty query matches nothing.
pub(crate) async fn search(
    conn: &mut SqliteConnection,
    query: &Query,
    page: PageRequest,
) -> StoreResult<Page<Customer>> {
    if query.is_empty() {
        return Ok(Page { items: Vec::new(), next: None });
    }
    let (after_time, after_id) = match page.keys(1) {
        Some((keys, id)) => (keys[0], id),
        None => (i64::MAX, i64::MAX),
    };
    let rows = sqlx::query(concat!(
        "SELECT ",
        customer_columns!(),
        " FROM customer_search s JOIN customers c ON c.id = s.rowid
         WHERE customer_search MATCH $1 AND c.merged_into IS NULL AND (c.created_at, c.id) < ($2, $3)
         ORDER BY c.created_at DESC, c.id DESC LIMIT $4"
    ))
    .bind(query.to_fts5())
    .bind(after_time)
    .bind(after_id)
    .bind(fetch_limit(&page))
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    page_of(conn, rows, &page).await
}

/// A live (not merged-away) customer, for a merge.
async fn live(conn: &mut SqliteConnection, id: CustomerId) -> StoreResult<Customer> {
    let customer = load(conn, id).await?;
    match customer.merged_into {
        Some(into) => {
            Err(StoreError::Invalid(format!("customer {id} was already merged into customer {into}")))
        }
        None => Ok(customer),
    }
}

pub(crate) async fn merge(
    conn: &mut SqliteConnection,
    survivor: CustomerId,
    merged: CustomerId,
    now: DateTime<Utc>,
) -> StoreResult<Customer> {
    if survivor == merged {
        return Err(StoreError::Invalid(format!("customer {survivor} cannot be merged into itself")));
    }
    let kept = live(conn, survivor).await?;
    let gone = live(conn, merged).await?;
    let tags = normalised_tags(kept.tags.into_iter().chain(gone.tags));
    for sql in [
        "UPDATE customer_identities SET customer_id = $1 WHERE customer_id = $2",
        "UPDATE conversations SET customer_id = $1 WHERE customer_id = $2",
        "UPDATE messages SET customer_id = $1 WHERE customer_id = $2",
    ] {
        sqlx::query(sql).bind(survivor.0).bind(merged.0).execute(&mut *conn).await.map_err(db)?;
    }
    sqlx::query("UPDATE customers SET merged_into = $1, updated_at = $3 WHERE id = $2")
        .bind(survivor.0)
        .bind(merged.0)
        .bind(ms(now))
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    sqlx::query(
        "UPDATE customers SET tags = $2, language = COALESCE(language, $3), updated_at = $4 WHERE id = $1",
    )
    .bind(survivor.0)
    .bind(to_json(&tags)?)
    .bind(gone.language)
    .bind(ms(now))
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    sqlx::query("DELETE FROM customer_search WHERE rowid = $1")
        .bind(merged.0)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    reindex(conn, survivor).await?;
    load(conn, survivor).await
}
