//! Follow-ups, scheduled replies and snoozes: when they are due and when the customer cancels them.

use ascolto_core::calendar::Calendar;
use ascolto_core::followup::{
    FollowUpAction, FollowUpRule, ScheduledAction, ScheduledKind, is_cancelled, is_due, should_fire,
};
use chrono::Duration;

use crate::{in_rome, rome};

fn nudge_after(hours: u32) -> FollowUpRule {
    FollowUpRule {
        after_business_hours: hours,
        action: FollowUpAction::Nudge { template: "still-there".to_owned() },
    }
}

#[test]
fn a_nudge_is_due_after_business_hours_not_calendar_hours() {
    let nudge = nudge_after(24).schedule(&Calendar::italian_office(), rome("2026-03-06 16:00")).unwrap();
    assert_eq!(in_rome(nudge.due_at), "Wed 2026-03-11 13:00 +01:00");
    assert_eq!(nudge.kind, ScheduledKind::Nudge { template: "still-there".to_owned() });
    assert!(!is_due(&nudge, rome("2026-03-11 12:59")));
    assert!(is_due(&nudge, rome("2026-03-11 13:00")));
}

#[test]
fn any_customer_message_after_scheduling_cancels_it() {
    let reminder = FollowUpRule { after_business_hours: 2, action: FollowUpAction::RemindAgent }
        .schedule(&Calendar::italian_office(), rome("2026-03-03 10:00"))
        .unwrap();
    assert!(!is_cancelled(&reminder, None));
    assert!(!is_cancelled(&reminder, Some(rome("2026-03-03 09:00"))), "a message from before it was set");
    assert!(!is_cancelled(&reminder, Some(rome("2026-03-03 10:00"))), "the same instant is not after");
    assert!(is_cancelled(&reminder, Some(rome("2026-03-03 10:01"))));
    assert!(!should_fire(&reminder, Some(rome("2026-03-03 10:01")), rome("2026-03-03 13:00")));
    assert!(should_fire(&reminder, Some(rome("2026-03-03 09:00")), rome("2026-03-03 13:00")));
}

#[test]
fn a_scheduled_reply_can_be_kept_when_the_customer_writes_first() {
    let now = rome("2026-12-20 10:00");
    let greeting = ScheduledAction::reply("Buone feste!".to_owned(), rome("2026-12-24 09:00"), now, false);
    assert!(should_fire(&greeting, Some(now + Duration::days(1)), rome("2026-12-24 09:00")));
}

#[test]
fn a_snooze_ends_at_its_time_or_when_the_customer_writes() {
    let now = rome("2026-03-03 10:00");
    let snooze = ScheduledAction::snooze(rome("2026-03-05 09:00"), now);
    assert_eq!(snooze.kind, ScheduledKind::EndSnooze);
    assert!(is_cancelled(&snooze, Some(rome("2026-03-04 08:00"))));
    assert!(should_fire(&snooze, None, rome("2026-03-05 09:00")));
}

#[test]
fn follow_up_rules_are_stored_as_json() {
    let json = serde_json::to_string(&nudge_after(24)).unwrap();
    expect_test::expect![[
        r#"{"after_business_hours":24,"action":{"type":"nudge","template":"still-there"}}"#
    ]]
    .assert_eq(&json);
    assert_eq!(serde_json::from_str::<FollowUpRule>(&json).unwrap(), nudge_after(24));
}
