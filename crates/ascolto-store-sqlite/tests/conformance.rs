//! Runs the storage conformance suite on SQLite: a fresh database file per case.

use ascolto_store::Store;
use ascolto_store::conformance::Fixture;
use ascolto_store_sqlite::SqliteStore;

async fn fresh_store() -> Option<Fixture> {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let store = SqliteStore::open(&folder.path().join("data/ascolto.db")).await.expect("open the database");
    store.migrate().await.expect("migrate");
    let closing = store.clone();
    Some(Fixture::new(store).with_cleanup(async move {
        closing.close().await;
        drop(folder);
    }))
}

ascolto_store::conformance_tests!(async { fresh_store().await });
ascolto_store::ui_conformance_tests!(async { fresh_store().await });
ascolto_store::queue_conformance_tests!(async { fresh_store().await });

#[tokio::test]
async fn migrating_twice_is_harmless() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("twice.db");
    let store = SqliteStore::open(&path).await.expect("open");
    store.migrate().await.expect("first migration");
    store.migrate().await.expect("second migration");
    store.close().await;
    let reopened = SqliteStore::open(&path).await.expect("reopen");
    reopened.migrate().await.expect("migration after reopening");
}

#[tokio::test]
async fn in_memory_store_works() {
    let store = SqliteStore::in_memory().await.expect("open");
    store.migrate().await.expect("migrate");
    ascolto_store::conformance::ingest_twice_is_idempotent(&store).await;
}
ascolto_store::live_conformance_tests!(async { fresh_store().await });
ascolto_store::mail_conformance_tests!(async { fresh_store().await });
