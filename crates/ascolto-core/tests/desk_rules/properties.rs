//! Properties that must hold for every calendar, target, pause and queue, checked on random ones.

use ascolto_core::assignment::{QueuedConversation, sort_queue};
use ascolto_core::calendar::{
    Calendar, CalendarError, ClockTime, Holiday, OpenRange, Pause, WeeklyHours, italian_national_holidays,
};
use ascolto_core::priority::{CustomerSignals, PriorityInputs};
use ascolto_core::{Channel, ConversationId, Priority};
use chrono::{DateTime, Duration, Utc, Weekday};
use chrono_tz::Tz;
use proptest::prelude::*;

/// Zones with ordinary DST, half-hour DST, none at all, changes at midnight, a 45-minute
/// offset, and one that skipped a whole day.
const ZONES: &[Tz] = &[
    chrono_tz::Europe::Rome,
    chrono_tz::America::New_York,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::Asia::Kolkata,
    chrono_tz::UTC,
    chrono_tz::America::Santiago,
    chrono_tz::America::Havana,
    chrono_tz::Pacific::Chatham,
    chrono_tz::Pacific::Apia,
];

const WEEK: [Weekday; 7] =
    [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

/// Up to two ranges a day, on quarter hours, up to the end of the day.
fn day_ranges() -> impl Strategy<Value = Vec<OpenRange>> {
    prop::collection::vec((0u32..96, 1u32..48), 0..3).prop_map(|ranges| {
        ranges
            .into_iter()
            .filter_map(|(start, length)| {
                let from = start * 15;
                let to = (from + length * 15).min(24 * 60);
                OpenRange::new(
                    ClockTime::new(from / 60, from % 60).ok()?,
                    ClockTime::new(to / 60, to % 60).ok()?,
                )
                .ok()
            })
            .collect()
    })
}

fn calendars() -> impl Strategy<Value = Calendar> {
    let holidays = prop::collection::vec((1u32..=12, 1u32..=31), 0..5);
    (prop::sample::select(ZONES), prop::array::uniform7(day_ranges()), holidays, any::<bool>()).prop_map(
        |(zone, days, extra_holidays, italian)| {
            let hours = WEEK
                .iter()
                .zip(days)
                .fold(WeeklyHours::closed(), |hours, (day, ranges)| hours.with_day(*day, &ranges));
            let mut holidays = if italian { italian_national_holidays() } else { Vec::new() };
            holidays
                .extend(extra_holidays.into_iter().map(|(month, day)| Holiday::yearly("festa", month, day)));
            Calendar::new(zone, hours, holidays)
        },
    )
}

/// An instant between 2000 and 2040, to the millisecond.
fn instants() -> impl Strategy<Value = DateTime<Utc>> {
    (946_684_800_000i64..2_208_988_800_000)
        .prop_map(|millis| DateTime::from_timestamp_millis(millis).unwrap())
}

/// Up to three pauses around `start`, some empty or backwards.
fn pauses_around(start: DateTime<Utc>) -> impl Strategy<Value = Vec<Pause>> {
    prop::collection::vec((-3 * 86_400i64..30 * 86_400, -3_600i64..5 * 86_400), 0..4).prop_map(
        move |pauses| {
            pauses
                .into_iter()
                .map(|(offset, length)| {
                    let from = start + Duration::seconds(offset);
                    Pause { from, until: from + Duration::seconds(length) }
                })
                .collect()
        },
    )
}

fn targets() -> impl Strategy<Value = Duration> {
    (0i64..5_000 * 60).prop_map(Duration::seconds)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_deadline_is_never_before_its_start(calendar in calendars(), start in instants(), target in targets()) {
        match calendar.add_business_time(start, target) {
            Ok(deadline) => prop_assert!(deadline >= start),
            Err(error) => prop_assert!(calendar.hours.is_closed(), "{error} with hours {:?}", calendar.hours),
        }
    }

    #[test]
    fn business_time_from_start_to_deadline_is_the_target(
        calendar in calendars(),
        start in instants(),
        target in targets(),
    ) {
        if let Ok(deadline) = calendar.add_business_time(start, target) {
            prop_assert_eq!(calendar.business_time_between(start, deadline), target);
        }
    }

    #[test]
    fn with_pauses_the_business_time_to_the_deadline_is_still_the_target(
        (calendar, start, pauses) in (calendars(), instants()).prop_flat_map(|(calendar, start)| {
            (Just(calendar), Just(start), pauses_around(start))
        }),
        target in targets(),
    ) {
        if let Ok(deadline) = calendar.deadline_with_pauses(start, target, &pauses) {
            prop_assert!(deadline >= start);
            prop_assert!(deadline >= calendar.add_business_time(start, target).unwrap(), "pauses only delay");
            prop_assert_eq!(calendar.business_time_between_with_pauses(start, deadline, &pauses), target);
        }
    }

    #[test]
    fn a_longer_target_never_gives_an_earlier_deadline(
        calendar in calendars(),
        start in instants(),
        shorter in targets(),
        extra in targets(),
    ) {
        if let (Ok(first), Ok(second)) =
            (calendar.add_business_time(start, shorter), calendar.add_business_time(start, shorter + extra))
        {
            prop_assert!(first <= second);
        }
    }

    #[test]
    fn no_instant_chrono_can_represent_makes_the_calendar_panic(
        calendar in calendars(),
        seconds in DateTime::<Utc>::MIN_UTC.timestamp()..=DateTime::<Utc>::MAX_UTC.timestamp(),
        target in targets(),
    ) {
        let start = DateTime::from_timestamp(seconds, 0).unwrap();
        match calendar.add_business_time(start, target) {
            Ok(deadline) => prop_assert!(deadline >= start),
            Err(CalendarError::OutOfRange | CalendarError::NoBusinessHours) => {}
        }
        let _ = calendar.business_time_between(start, start + Duration::days(3).min(DateTime::<Utc>::MAX_UTC - start));
    }

    #[test]
    fn sorting_a_shuffled_queue_gives_the_same_order(
        (queue, shuffled) in queues().prop_flat_map(|queue| (Just(queue.clone()), Just(queue).prop_shuffle())),
    ) {
        let (mut sorted, mut resorted) = (queue, shuffled);
        sort_queue(&mut sorted);
        sort_queue(&mut resorted);
        let ids = |queue: &[QueuedConversation]| queue.iter().map(|conversation| conversation.id).collect::<Vec<_>>();
        prop_assert_eq!(ids(&sorted), ids(&resorted));
        for pair in sorted.windows(2) {
            prop_assert!(pair[0].key() < pair[1].key(), "distinct conversations never tie");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The queue recompute skips a conversation until its next change: the score must not
    /// move before then, and must have moved by then when the clock is always open.
    #[test]
    fn the_score_stays_put_until_its_next_change_and_moves_there(
        inputs in priority_inputs(),
        now in instants(),
        fractions in prop::collection::vec(0.0f64..1.0, 1..8),
    ) {
        use ascolto_core::priority::{MAX_SCORE, PriorityConfig, next_change, score};
        let config = PriorityConfig::default();
        let inputs = PriorityInputs { waiting_since: inputs.waiting_since.map(|ago| now - ago), ..inputs.inputs };
        let at = |instant: DateTime<Utc>| {
            // An always-open clock: the SLA time left falls second for second.
            let elapsed = (instant - now).num_seconds();
            let sla = inputs.sla_remaining_seconds.map(|left| left - elapsed);
            score(&PriorityInputs { sla_remaining_seconds: sla, ..inputs.clone() }, &config, instant)
        };
        let first = at(now);
        let next = next_change(&inputs, now);
        match next.earliest(now) {
            Some(change) => {
                prop_assert!(change > now, "the next change {change} is not after {now}");
                for fraction in &fractions {
                    let span = (change - now).num_milliseconds() as f64 * fraction;
                    let instant = now + Duration::milliseconds(span as i64);
                    prop_assert_eq!(at(instant), first, "the score moved at {} before {}", instant, change);
                }
                // It moves unless the score is at its cap already.
                prop_assert!(at(change) > first || first == MAX_SCORE, "nothing moved at {}", change);
            }
            None => {
                for days in [1, 30, 400] {
                    prop_assert_eq!(at(now + Duration::days(days)), first);
                }
            }
        }
    }
}

/// Inputs with the wait given as a time ago, to be placed before a random `now`.
#[derive(Debug, Clone)]
struct InputsAgo {
    inputs: PriorityInputs,
    waiting_since: Option<Duration>,
}

fn priority_inputs() -> impl Strategy<Value = InputsAgo> {
    let channel = prop::sample::select(Channel::ALL.to_vec());
    let signals = (0.0f32..1.0, 0.0f32..1.0, -1.0f32..1.0, any::<bool>());
    let wait = prop::option::of(-600i64..30 * 3600);
    let sla = prop::option::of(-3600i64..12 * 3600);
    let tags = prop::sample::select(vec![vec![], vec!["vip".to_owned()]]);
    (channel, signals, wait, sla, tags).prop_map(
        |(channel, (urgency, anger, sentiment, abuse), wait, sla, tags)| InputsAgo {
            inputs: PriorityInputs {
                signals: CustomerSignals { urgency, anger, sentiment, abuse },
                channel,
                waiting_since: None,
                customer_tags: tags,
                sla_remaining_seconds: sla,
            },
            waiting_since: wait.map(Duration::seconds),
        },
    )
}

/// Queues with many ties in level, score and wait, and distinct ids.
fn queues() -> impl Strategy<Value = Vec<QueuedConversation>> {
    let start = DateTime::from_timestamp(1_772_528_400, 0).unwrap();
    let entry = (prop::sample::select(Priority::ALL), 0u16..4, 0i64..4);
    prop::collection::vec(entry, 0..60).prop_map(move |entries| {
        entries
            .into_iter()
            .enumerate()
            .map(|(index, (level, score, minutes))| QueuedConversation {
                id: ConversationId(1000 - index as i64),
                channel: Channel::Email,
                language: None,
                team: None,
                level,
                score: score * 100,
                waiting_since: start + Duration::minutes(minutes),
            })
            .collect()
    })
}
