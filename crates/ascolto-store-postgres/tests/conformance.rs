//! Runs the storage conformance suite on PostgreSQL: a fresh database per case.
//!
//! The server comes from `ASCOLTO_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`), used as an admin connection to create and drop
//! `ascolto_test_*` databases. Without a server the cases print `SKIPPED` and pass, except
//! under `CI=true`, where a missing database is a failure.

use std::str::FromStr;

use ascolto_store::Store;
use ascolto_store::conformance::Fixture;
use ascolto_store_postgres::PostgresStore;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{AssertSqlSafe, Connection, PgConnection};

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Connections per test store: small, so that parallel tests stay under `max_connections`.
const TEST_CONNECTIONS: u32 = 5;

fn admin_options() -> PgConnectOptions {
    let url = std::env::var("ASCOLTO_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_URL.to_owned());
    PgConnectOptions::from_str(&url).expect("ASCOLTO_TEST_POSTGRES_URL is a PostgreSQL URL")
}

/// Reports a missing server: a skip on a laptop, a failure in CI.
fn unavailable(why: String) -> Option<Fixture> {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("PostgreSQL is required in CI: {why}");
    }
    println!("SKIPPED: PostgreSQL is not available: {why}");
    None
}

async fn fresh_store() -> Option<Fixture> {
    let admin = admin_options();
    let mut connection = match PgConnection::connect_with(&admin).await {
        Ok(connection) => connection,
        Err(error) => return unavailable(error.to_string()),
    };
    let name = format!("ascolto_test_{:016x}", fastrand::u64(..));
    sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut connection)
        .await
        .expect("create a test database");
    // A throwaway database need not wait for the disk at each commit; this only speeds up
    // the cases (the simulation stores 5,000 conversations), it changes no result.
    sqlx::query(AssertSqlSafe(format!("ALTER DATABASE {name} SET synchronous_commit = off")))
        .execute(&mut connection)
        .await
        .expect("relax commits of the test database");
    let _ = connection.close().await;
    let pool = PgPoolOptions::new()
        .max_connections(TEST_CONNECTIONS)
        .connect_with(admin.clone().database(&name))
        .await
        .expect("connect to the test database");
    let store = PostgresStore::from_pool(pool);
    store.migrate().await.expect("migrate");
    let closing = store.clone();
    Some(Fixture::new(store).with_cleanup(async move {
        closing.close().await;
        drop_database(&admin, &name).await;
    }))
}

/// Drops a test database, best effort: a leftover one only costs disk.
async fn drop_database(admin: &PgConnectOptions, name: &str) {
    if let Ok(mut connection) = PgConnection::connect_with(admin).await {
        let _ = sqlx::query(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
            .execute(&mut connection)
            .await;
        let _ = connection.close().await;
    }
}

ascolto_store::conformance_tests!(async { fresh_store().await });
ascolto_store::ui_conformance_tests!(async { fresh_store().await });
ascolto_store::queue_conformance_tests!(async { fresh_store().await });

#[tokio::test]
async fn nodes_starting_together_migrate_once() {
    let Some(fixture) = fresh_store().await else { return };
    let store = fixture.store.clone();
    let (a, b, c) = tokio::join!(store.migrate(), store.migrate(), store.migrate());
    a.and(b).and(c).expect("concurrent migrations");
    if let Some(cleanup) = fixture.cleanup {
        cleanup.await;
    }
}
ascolto_store::live_conformance_tests!(async { fresh_store().await });
ascolto_store::mail_conformance_tests!(async { fresh_store().await });
