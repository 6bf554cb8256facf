//! The agents' interface area: macros (canned replies).

use ascolto_store::{Macro, NewMacro, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;
use sqlx::sqlite::SqliteRow;

use crate::error::{db, db_or_conflict};
use crate::row::{clean, get, ms, time};

macro_rules! columns {
    () => {
        "id, name, body, created_at, updated_at"
    };
}

fn macro_row(row: &SqliteRow) -> StoreResult<Macro> {
    Ok(Macro {
        id: get(row, "id")?,
        name: get(row, "name")?,
        body: get(row, "body")?,
        created_at: time(row, "created_at")?,
        updated_at: time(row, "updated_at")?,
    })
}

fn name_taken(name: &str) -> String {
    format!("a macro named {name:?} already exists")
}

pub(crate) async fn create(
    conn: &mut SqliteConnection,
    new: NewMacro,
    now: DateTime<Utc>,
) -> StoreResult<Macro> {
    let sql = concat!(
        "INSERT INTO macros (name, body, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING ",
        columns!()
    );
    let row = sqlx::query(sql)
        .bind(clean(&new.name))
        .bind(clean(&new.body))
        .bind(ms(now))
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| db_or_conflict(e, || name_taken(&new.name)))?;
    macro_row(&row)
}

pub(crate) async fn list(conn: &mut SqliteConnection) -> StoreResult<Vec<Macro>> {
    let sql = concat!("SELECT ", columns!(), " FROM macros ORDER BY name, id");
    let rows = sqlx::query(sql).fetch_all(&mut *conn).await.map_err(db)?;
    rows.iter().map(macro_row).collect()
}

pub(crate) async fn load(conn: &mut SqliteConnection, id: i64) -> StoreResult<Macro> {
    let sql = concat!("SELECT ", columns!(), " FROM macros WHERE id = $1");
    let row = sqlx::query(sql).bind(id).fetch_optional(&mut *conn).await.map_err(db)?;
    macro_row(&row.ok_or_else(|| StoreError::not_found("macro", id))?)
}

pub(crate) async fn update(
    conn: &mut SqliteConnection,
    id: i64,
    new: NewMacro,
    now: DateTime<Utc>,
) -> StoreResult<Macro> {
    let sql = concat!(
        "UPDATE macros SET name = $2, body = $3, updated_at = $4 WHERE id = $1 RETURNING ",
        columns!()
    );
    let row = sqlx::query(sql)
        .bind(id)
        .bind(clean(&new.name))
        .bind(clean(&new.body))
        .bind(ms(now))
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| db_or_conflict(e, || name_taken(&new.name)))?;
    macro_row(&row.ok_or_else(|| StoreError::not_found("macro", id))?)
}

pub(crate) async fn delete(conn: &mut SqliteConnection, id: i64) -> StoreResult<()> {
    let done =
        sqlx::query("DELETE FROM macros WHERE id = $1").bind(id).execute(&mut *conn).await.map_err(db)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found("macro", id));
    }
    Ok(())
}
