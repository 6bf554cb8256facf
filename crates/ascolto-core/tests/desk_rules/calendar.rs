//! The business clock: deadlines and business time across weekends, Italian holidays and both
//! DST changes in Europe/Rome, with and without pauses.

use ascolto_core::calendar::{
    Calendar, CalendarError, ClockTime, Holiday, HolidayRule, OpenRange, Pause, WeeklyHours,
};
use chrono::{DateTime, Duration, NaiveDate, Utc, Weekday};
use chrono_tz::Europe::Rome;

use crate::{in_rome, rome};

/// Checks each `(start, business minutes, deadline)` row, times on Rome's wall clock, and
/// that the business time back from the deadline is the target.
fn check_deadlines(calendar: &Calendar, rows: &[(&str, i64, &str)]) {
    for &(start, minutes, expected) in rows {
        let target = Duration::minutes(minutes);
        let deadline = calendar.add_business_time(rome(start), target).unwrap();
        assert_eq!(in_rome(deadline), expected, "{start} + {minutes} business minutes");
        assert_eq!(calendar.business_time_between(rome(start), deadline), target, "{start} to {expected}");
    }
}

#[test]
fn office_deadlines_skip_evenings_and_weekends() {
    check_deadlines(
        &Calendar::italian_office(),
        &[
            ("2026-03-03 10:00", 120, "Tue 2026-03-03 12:00 +01:00"),
            ("2026-03-03 16:00", 120, "Tue 2026-03-03 18:00 +01:00"),
            ("2026-03-03 17:00", 120, "Wed 2026-03-04 10:00 +01:00"),
            ("2026-03-06 17:00", 120, "Mon 2026-03-09 10:00 +01:00"),
            ("2026-03-07 12:00", 120, "Mon 2026-03-09 11:00 +01:00"),
            ("2026-03-09 07:00", 120, "Mon 2026-03-09 11:00 +01:00"),
            ("2026-03-09 20:00", 9 * 60, "Tue 2026-03-10 18:00 +01:00"),
            ("2026-03-03 10:00", 3 * 9 * 60, "Fri 2026-03-06 10:00 +01:00"),
        ],
    );
}

#[test]
fn office_deadlines_skip_italian_national_holidays() {
    check_deadlines(
        &Calendar::italian_office(),
        &[
            // Epiphany, a Tuesday.
            ("2026-01-05 17:00", 120, "Wed 2026-01-07 10:00 +01:00"),
            // Easter Monday 2026 is 6 April.
            ("2026-04-03 17:00", 120, "Tue 2026-04-07 10:00 +02:00"),
            // Labour Day, a Friday.
            ("2026-04-30 17:00", 120, "Mon 2026-05-04 10:00 +02:00"),
            // Republic Day, a Tuesday.
            ("2026-06-01 17:00", 120, "Wed 2026-06-03 10:00 +02:00"),
            // Christmas Eve is a working day; Christmas is a Friday.
            ("2026-12-23 17:00", 18 * 60, "Mon 2026-12-28 17:00 +01:00"),
            // Ferragosto 2025 is a Friday.
            ("2025-08-14 17:00", 120, "Mon 2025-08-18 10:00 +02:00"),
        ],
    );
}

#[test]
fn office_deadlines_keep_nine_hour_days_across_both_dst_changes() {
    check_deadlines(
        &Calendar::italian_office(),
        &[
            // Rome springs forward on Sunday 29 March 2026: the deadline moves to +02:00.
            ("2026-03-27 17:00", 120, "Mon 2026-03-30 10:00 +02:00"),
            ("2026-03-27 09:00", 2 * 9 * 60, "Mon 2026-03-30 18:00 +02:00"),
            // It falls back on Sunday 25 October 2026.
            ("2026-10-23 17:00", 120, "Mon 2026-10-26 10:00 +01:00"),
            ("2026-10-23 09:00", 2 * 9 * 60, "Mon 2026-10-26 18:00 +01:00"),
            // In 2027 the spring change is Easter Sunday, 28 March, and Easter Monday is closed.
            ("2027-03-26 17:00", 120, "Tue 2027-03-30 10:00 +02:00"),
            // The autumn change is Sunday 31 October 2027, and 1 November is All Saints.
            ("2027-10-29 17:00", 120, "Tue 2027-11-02 10:00 +01:00"),
        ],
    );
}

#[test]
fn a_round_the_clock_calendar_counts_the_real_length_of_dst_days() {
    let always = Calendar::always_open(Rome);
    check_deadlines(
        &always,
        &[
            ("2026-03-28 12:00", 24 * 60, "Sun 2026-03-29 13:00 +02:00"),
            ("2026-10-24 12:00", 24 * 60, "Sun 2026-10-25 11:00 +01:00"),
            ("2027-03-27 12:00", 24 * 60, "Sun 2027-03-28 13:00 +02:00"),
            ("2027-10-30 12:00", 24 * 60, "Sun 2027-10-31 11:00 +01:00"),
        ],
    );
    let day_length = |day: &str, next: &str| always.business_time_between(rome(day), rome(next));
    assert_eq!(day_length("2026-03-29 00:00", "2026-03-30 00:00"), Duration::hours(23));
    assert_eq!(day_length("2026-10-25 00:00", "2026-10-26 00:00"), Duration::hours(25));
    assert_eq!(day_length("2027-03-28 00:00", "2027-03-29 00:00"), Duration::hours(23));
    assert_eq!(day_length("2027-10-31 00:00", "2027-11-01 00:00"), Duration::hours(25));
}

#[test]
fn a_round_the_clock_calendar_counts_elapsed_time() {
    let start = rome("2026-02-10 08:15");
    let deadline = Calendar::always_open(Rome).add_business_time(start, Duration::minutes(10_000)).unwrap();
    assert_eq!(deadline - start, Duration::minutes(10_000));
}

/// A calendar open from `from` to `to` every night, in Rome.
fn nightly(from: &str, to: &str) -> Calendar {
    let range = OpenRange::parse(from, to).unwrap();
    let week =
        [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];
    let hours = week.into_iter().fold(WeeklyHours::closed(), |hours, day| hours.with_day(day, &[range]));
    Calendar::new(Rome, hours, Vec::new())
}

#[test]
fn hours_that_span_a_dst_change_count_the_time_that_really_passes() {
    let night = nightly("00:00", "06:00");
    let night_of =
        |day: &str| night.business_time_between(rome(&format!("{day} 00:00")), rome(&format!("{day} 12:00")));
    assert_eq!(night_of("2026-03-29"), Duration::hours(5));
    assert_eq!(night_of("2026-10-25"), Duration::hours(7));
    assert_eq!(night_of("2026-10-26"), Duration::hours(6));
}

#[test]
fn an_opening_inside_the_spring_forward_gap_opens_when_the_gap_ends() {
    let calendar = nightly("02:30", "04:00");
    let spring = calendar.business_time_between(rome("2026-03-29 00:00"), rome("2026-03-29 12:00"));
    assert_eq!(spring, Duration::hours(1), "02:30 does not exist: open 03:00–04:00 CEST");
    let deadline = calendar.add_business_time(rome("2026-03-29 00:00"), Duration::minutes(1)).unwrap();
    assert_eq!(in_rome(deadline), "Sun 2026-03-29 03:01 +02:00");
}

#[test]
fn an_opening_inside_the_fall_back_overlap_opens_at_its_first_occurrence() {
    let calendar = nightly("02:30", "04:00");
    let autumn = calendar.business_time_between(rome("2026-10-25 00:00"), rome("2026-10-25 12:00"));
    assert_eq!(autumn, Duration::minutes(150), "from 02:30 CEST to 04:00 CET");
}

#[test]
fn pauses_stop_the_clock() {
    let office = Calendar::italian_office();
    let pause = |from: &str, until: &str| Pause { from: rome(from), until: rome(until) };
    let rows: &[(&str, i64, &[Pause], &str)] = &[
        (
            "2026-03-03 10:00",
            120,
            &[pause("2026-03-03 10:30", "2026-03-03 11:30")],
            "Tue 2026-03-03 13:00 +01:00",
        ),
        // A pause over the weekend changes nothing: the clock was not running anyway.
        (
            "2026-03-06 17:00",
            120,
            &[pause("2026-03-06 18:00", "2026-03-09 09:00")],
            "Mon 2026-03-09 10:00 +01:00",
        ),
        // Waiting on the customer from Friday noon to Monday noon, across the spring change.
        (
            "2026-03-27 10:00",
            8 * 60,
            &[pause("2026-03-27 12:00", "2026-03-30 12:00")],
            "Mon 2026-03-30 18:00 +02:00",
        ),
        // Overlapping pauses, in any order, count once.
        (
            "2026-03-03 10:00",
            120,
            &[pause("2026-03-03 11:00", "2026-03-03 12:00"), pause("2026-03-03 10:30", "2026-03-03 11:30")],
            "Tue 2026-03-03 13:30 +01:00",
        ),
        // A pause that ends before it starts pauses nothing.
        (
            "2026-03-03 10:00",
            120,
            &[pause("2026-03-03 11:00", "2026-03-03 10:30")],
            "Tue 2026-03-03 12:00 +01:00",
        ),
        // A pause already running when the clock starts.
        (
            "2026-03-03 10:00",
            120,
            &[pause("2026-03-02 10:00", "2026-03-03 11:00")],
            "Tue 2026-03-03 13:00 +01:00",
        ),
    ];
    for (start, minutes, pauses, expected) in rows {
        let target = Duration::minutes(*minutes);
        let deadline = office.deadline_with_pauses(rome(start), target, pauses).unwrap();
        assert_eq!(in_rome(deadline), *expected, "{start} + {minutes} min with {pauses:?}");
        assert_eq!(office.business_time_between_with_pauses(rome(start), deadline, pauses), target);
    }
}

#[test]
fn a_zero_or_negative_target_is_due_at_once() {
    let office = Calendar::italian_office();
    let saturday = rome("2026-03-07 12:00");
    assert_eq!(office.add_business_time(saturday, Duration::zero()), Ok(saturday));
    assert_eq!(office.add_business_time(saturday, Duration::minutes(-5)), Ok(saturday));
}

#[test]
fn business_time_backwards_is_zero() {
    let office = Calendar::italian_office();
    assert_eq!(
        office.business_time_between(rome("2026-03-04 12:00"), rome("2026-03-03 12:00")),
        Duration::zero()
    );
}

#[test]
fn the_office_is_open_in_office_hours_only() {
    let office = Calendar::italian_office();
    assert!(office.is_open_at(rome("2026-03-03 09:00")));
    assert!(!office.is_open_at(rome("2026-03-03 18:00")));
    assert!(!office.is_open_at(rome("2026-04-06 10:00")), "Easter Monday");
    assert!(office.is_holiday(NaiveDate::from_ymd_opt(2027, 3, 29).unwrap()), "Easter Monday 2027");
}

#[test]
fn a_calendar_with_no_hours_gives_an_error_instead_of_looping() {
    let closed = Calendar::new(Rome, WeeklyHours::closed(), Vec::new());
    let start = rome("2026-03-03 10:00");
    assert_eq!(closed.add_business_time(start, Duration::hours(2)), Err(CalendarError::NoBusinessHours));
    assert_eq!(closed.business_time_between(start, start + Duration::days(30)), Duration::zero());
}

#[test]
fn a_calendar_whose_holidays_cover_every_day_gives_an_error_instead_of_looping() {
    let every_day: Vec<Holiday> =
        (1..=12).flat_map(|month| (1..=31).map(move |day| Holiday::yearly("chiuso", month, day))).collect();
    let calendar = Calendar::new(Rome, WeeklyHours::always_open(), every_day);
    let result = calendar.add_business_time(rome("2026-03-03 10:00"), Duration::hours(2));
    assert_eq!(result, Err(CalendarError::NoBusinessHours));
}

#[test]
fn deadlines_past_the_end_of_time_are_an_error_not_a_panic() {
    let office = Calendar::italian_office();
    let last = DateTime::<Utc>::MAX_UTC - Duration::days(2);
    assert_eq!(office.add_business_time(last, Duration::days(30)), Err(CalendarError::OutOfRange));
    assert_eq!(
        office.add_business_time(DateTime::<Utc>::MAX_UTC, Duration::hours(1)),
        Err(CalendarError::OutOfRange)
    );
    let _ =
        office.business_time_between(DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MIN_UTC + Duration::days(10));
    let _ = Calendar::always_open(Rome).add_business_time(DateTime::<Utc>::MIN_UTC, Duration::days(1));
}

#[test]
fn a_company_closure_and_a_good_friday_can_be_added() {
    let mut office = Calendar::italian_office();
    office.holidays.push(Holiday {
        name: "Chiusura aziendale".to_owned(),
        rule: HolidayRule::Once { date: NaiveDate::from_ymd_opt(2026, 3, 4).unwrap() },
    });
    office
        .holidays
        .push(Holiday { name: "Venerdì santo".to_owned(), rule: HolidayRule::Easter { offset_days: -2 } });
    check_deadlines(
        &office,
        &[
            ("2026-03-03 17:00", 120, "Thu 2026-03-05 10:00 +01:00"),
            ("2026-04-02 17:00", 120, "Tue 2026-04-07 10:00 +02:00"),
        ],
    );
}

#[test]
fn calendars_are_stored_as_readable_json() {
    let calendar = Calendar::new(
        Rome,
        WeeklyHours::weekdays(&[
            OpenRange::parse("09:00", "13:00").unwrap(),
            OpenRange::parse("14:00", "18:00").unwrap(),
        ])
        .with_day(
            Weekday::Sat,
            &[OpenRange::new(ClockTime::parse("09:00").unwrap(), ClockTime::END_OF_DAY).unwrap()],
        ),
        vec![Holiday::yearly("Natale", 12, 25)],
    );
    let json = serde_json::to_string(&calendar).unwrap();
    expect_test::expect![[r#"{"time_zone":"Europe/Rome","hours":{"monday":[{"from":"09:00","to":"13:00"},{"from":"14:00","to":"18:00"}],"tuesday":[{"from":"09:00","to":"13:00"},{"from":"14:00","to":"18:00"}],"wednesday":[{"from":"09:00","to":"13:00"},{"from":"14:00","to":"18:00"}],"thursday":[{"from":"09:00","to":"13:00"},{"from":"14:00","to":"18:00"}],"friday":[{"from":"09:00","to":"13:00"},{"from":"14:00","to":"18:00"}],"saturday":[{"from":"09:00","to":"24:00"}],"sunday":[]},"holidays":[{"name":"Natale","rule":{"kind":"yearly","month":12,"day":25}}]}"#]].assert_eq(&json);
    assert_eq!(serde_json::from_str::<Calendar>(&json).unwrap(), calendar);
}

#[test]
fn json_with_a_backwards_range_or_an_unknown_zone_is_refused() {
    let backwards = r#"{"time_zone":"Europe/Rome","hours":{"monday":[{"from":"18:00","to":"09:00"}]}}"#;
    assert!(serde_json::from_str::<Calendar>(backwards).is_err());
    let unknown_zone = r#"{"time_zone":"Europe/Atlantis","hours":{}}"#;
    assert!(serde_json::from_str::<Calendar>(unknown_zone).is_err());
    let missing_days_are_closed = r#"{"time_zone":"UTC","hours":{"monday":[{"from":"09:00","to":"10:00"}]}}"#;
    let calendar: Calendar = serde_json::from_str(missing_days_are_closed).unwrap();
    assert!(calendar.hours.ranges(Weekday::Tue).is_empty());
}
