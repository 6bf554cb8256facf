//! The desk's queue rules, checked from outside the crate: the business calendar and SLA
//! clocks, priority, assignment, follow-ups, and their properties.

mod assignment;
mod calendar;
mod followup;
mod priority;
mod properties;
mod simulation;
mod sla;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Rome;

/// The instant a wall clock in Rome reads `local` (`"2026-03-27 17:00"`); the first one when
/// the clocks go back.
pub fn rome(local: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").expect("test times are well formed");
    Rome.from_local_datetime(&naive).earliest().expect("test times exist in Rome").to_utc()
}

/// `instant` as a wall clock in Rome reads it, with the weekday and offset: `"Mon 2026-03-30 10:00 +02:00"`.
pub fn in_rome(instant: DateTime<Utc>) -> String {
    instant.with_timezone(&Rome).format("%a %Y-%m-%d %H:%M %:z").to_string()
}
