//! Conformance cases of the agents' interface area (macros), run by both backends through
//! [`ui_conformance_tests!`](crate::ui_conformance_tests).

use chrono::{DateTime, Duration, Utc};

use crate::{NewMacro, Store, StoreError};

/// Expands to one `#[tokio::test]` per case of the interface area.
#[macro_export]
macro_rules! ui_conformance_tests {
    ($fixture:expr) => {
        $crate::__ui_conformance_cases! { $fixture;
            macros_round_trip_sorted_by_name,
            macro_names_are_unique_on_create_and_rename,
            missing_macros_are_not_found,
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __ui_conformance_cases {
    ($fixture:expr; $($case:ident),* $(,)?) => {
        $(
            #[::tokio::test]
            async fn $case() {
                $crate::conformance::run($fixture, |store| {
                    ::std::boxed::Box::pin($crate::conformance_ui::$case(store))
                })
                .await;
            }
        )*
    };
}

fn at(minute: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(1_772_355_600_000).expect("a valid time") + Duration::minutes(minute)
}

fn new_macro(name: &str, body: &str) -> NewMacro {
    NewMacro { name: name.to_owned(), body: body.to_owned() }
}

pub async fn macros_round_trip_sorted_by_name(store: &dyn Store) {
    let refund = store
        .create_macro(new_macro("Refund", "Ciao {{customer.first_name}}, è fatto."), at(0))
        .await
        .unwrap();
    let apology = store.create_macro(new_macro("Apology", "Sorry, {{customer.name}}."), at(1)).await.unwrap();
    assert_eq!(refund.body, "Ciao {{customer.first_name}}, è fatto.");
    assert_eq!(refund.created_at, at(0));
    let names: Vec<String> = store.list_macros().await.unwrap().into_iter().map(|m| m.name).collect();
    assert_eq!(names, ["Apology", "Refund"]);
    let updated =
        store.update_macro(apology.id, new_macro("Apology long", "We are sorry."), at(5)).await.unwrap();
    assert_eq!((updated.name.as_str(), updated.body.as_str()), ("Apology long", "We are sorry."));
    assert_eq!((updated.created_at, updated.updated_at), (at(1), at(5)));
    assert_eq!(store.get_macro(apology.id).await.unwrap(), updated);
    store.delete_macro(refund.id).await.unwrap();
    assert_eq!(store.list_macros().await.unwrap(), vec![updated]);
}

pub async fn macro_names_are_unique_on_create_and_rename(store: &dyn Store) {
    store.create_macro(new_macro("Refund", "a"), at(0)).await.unwrap();
    let other = store.create_macro(new_macro("Delay", "b"), at(0)).await.unwrap();
    let again = store.create_macro(new_macro("Refund", "c"), at(1)).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "got {again:?}");
    let renamed = store.update_macro(other.id, new_macro("Refund", "b"), at(2)).await;
    assert!(matches!(renamed, Err(StoreError::Conflict(_))), "got {renamed:?}");
    assert_eq!(store.get_macro(other.id).await.unwrap().name, "Delay");
}

pub async fn missing_macros_are_not_found(store: &dyn Store) {
    assert!(matches!(store.get_macro(999).await, Err(StoreError::NotFound { .. })));
    assert!(matches!(
        store.update_macro(999, new_macro("x", "y"), at(0)).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(store.delete_macro(999).await, Err(StoreError::NotFound { .. })));
}
