//! The admins' SLA page: the desk's policy (its targets by priority, channel and team, and
//! when a clock warns) and the business-hours calendar its clocks run on (time zone, weekly
//! hours, holidays).
//!
//! The desk has one policy, stored by `Desk::set_sla_policy`, which checks it; each form here
//! changes one part of it, reading the stored policy first, so the escalation rules (edited
//! through `PUT /api/v1/sla-policy`) and the other parts stay as they are.

use ascolto_core::calendar::{Holiday, HolidayRule, OpenRange, WeeklyHours};
use ascolto_core::sla::{SlaMetric, SlaPolicy, SlaTarget};
use ascolto_core::{Channel, Priority, Team, TeamId};
use ascolto_store::PageRequest;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{NaiveDate, Weekday};
use chrono_tz::Tz;
use maud::{Markup, html};
use serde::Deserialize;

use super::error::{InLang, UiError};
use super::i18n::Lang;
use super::layout;
use super::session::UiAgent;
use super::settings::{admin, csrf, invalid, shell};
use crate::AppState;

/// Empty rows the targets form offers for new targets.
const NEW_TARGET_ROWS: usize = 2;

const DAYS: [(Weekday, &str); 7] = [
    (Weekday::Mon, "day.mon"),
    (Weekday::Tue, "day.tue"),
    (Weekday::Wed, "day.wed"),
    (Weekday::Thu, "day.thu"),
    (Weekday::Fri, "day.fri"),
    (Weekday::Sat, "day.sat"),
    (Weekday::Sun, "day.sun"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/sla", get(page).post(save_targets))
        .route("/settings/sla/calendar", post(save_calendar))
        .route("/settings/sla/holidays", post(add_holiday))
        .route("/settings/sla/holidays/{index}/delete", post(delete_holiday))
}

/// A day's hours as the form writes them: `09:00-13:00, 14:00-18:00`; empty when closed.
pub fn hours_text(ranges: &[OpenRange]) -> String {
    ranges.iter().map(|r| format!("{}-{}", r.opens_at(), r.closes_at())).collect::<Vec<_>>().join(", ")
}

/// Reads a day's hours back; empty means closed.
pub fn parse_hours(raw: &str) -> Result<Vec<OpenRange>, String> {
    raw.split(',')
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (from, to) = piece
                .split_once(['-', '–'])
                .ok_or_else(|| format!("{piece:?}: write opening hours as 09:00-18:00"))?;
            OpenRange::parse(from.trim(), to.trim()).map_err(|e| e.to_string())
        })
        .collect()
}

fn holiday_when(lang: Lang, rule: &HolidayRule) -> String {
    match rule {
        HolidayRule::Yearly { month, day } => format!("{} {day:02}/{month:02}", lang.t("sla.every_year")),
        HolidayRule::Easter { offset_days } => format!("{} {offset_days:+}", lang.t("sla.easter")),
        HolidayRule::Once { date } => date.format("%Y-%m-%d").to_string(),
    }
}

fn minutes_input(name: &str, label: &str, value: Option<u32>) -> Markup {
    html! {
        td { input type="number" name=(name) min="1" max="525600" value=[value] aria-label=(label) .minutes; }
    }
}

fn target_row(lang: Lang, teams: &[Team], index: usize, target: &SlaTarget) -> Markup {
    let any = lang.t("sla.any");
    html! {
        tr .target data-index=(index) {
            td { select name="priority" aria-label=(lang.t("conv.priority")) {
                option value="" selected[target.priority.is_none()] { (any) }
                @for priority in Priority::ALL { option value=(priority.as_str()) selected[target.priority == Some(*priority)] { (layout::priority_label(lang, *priority)) } }
            } }
            td { select name="channel" aria-label=(lang.t("inbox.channel")) {
                option value="" selected[target.channel.is_none()] { (any) }
                @for channel in Channel::ALL { option value=(channel.as_str()) selected[target.channel == Some(*channel)] { (layout::channel_label(lang, *channel)) } }
            } }
            td { select name="team" aria-label=(lang.t("conv.team")) {
                option value="" selected[target.team.is_none()] { (any) }
                @for team in teams { option value=(team.id.0) selected[target.team == Some(team.id)] { (team.name) } }
            } }
            (minutes_input("first", lang.t("sla.first_response"), target.first_response_minutes))
            (minutes_input("next", lang.t("sla.next_response"), target.next_response_minutes))
            (minutes_input("resolution", lang.t("sla.resolution"), target.resolution_minutes))
        }
    }
}

fn policy_form(ui: &UiAgent, policy: &SlaPolicy, teams: &[Team]) -> Markup {
    let lang = ui.lang;
    let blank = SlaTarget::default();
    html! {
        form #sla-policy .stacked method="post" action="/settings/sla" {
            (csrf(ui))
            label for="sla-name" { (lang.t("settings.name")) }
            input #sla-name name="name" value=(policy.name) required maxlength="100";
            label for="sla-warning" { (lang.t("sla.warning_percent")) }
            input #sla-warning name="warning_percent" type="number" min="0" max="100" value=(policy.warning_percent) required;
            p .muted { (lang.t("sla.targets_help")) }
            table .list .targets {
                thead { tr {
                    th scope="col" { (lang.t("conv.priority")) } th scope="col" { (lang.t("inbox.channel")) }
                    th scope="col" { (lang.t("conv.team")) } th scope="col" { (lang.t("sla.first_response")) }
                    th scope="col" { (lang.t("sla.next_response")) } th scope="col" { (lang.t("sla.resolution")) }
                } }
                tbody {
                    @for (index, target) in policy.targets.iter().enumerate() { (target_row(lang, teams, index, target)) }
                    @for extra in 0..NEW_TARGET_ROWS { (target_row(lang, teams, policy.targets.len() + extra, &blank)) }
                }
            }
            button .primary type="submit" { (lang.t("settings.save")) }
        }
    }
}

fn calendar_form(ui: &UiAgent, policy: &SlaPolicy) -> Markup {
    let lang = ui.lang;
    let calendar = &policy.calendar;
    html! {
        form #sla-calendar .stacked method="post" action="/settings/sla/calendar" {
            (csrf(ui))
            label for="sla-zone" { (lang.t("sla.time_zone")) }
            select #sla-zone name="time_zone" {
                @for zone in chrono_tz::TZ_VARIANTS.iter() {
                    option value=(zone.name()) selected[*zone == calendar.time_zone] { (zone.name()) }
                }
            }
            p .muted { (lang.t("sla.hours_help")) }
            @for (day, key) in DAYS {
                @let field = format!("sla-day-{}", key.trim_start_matches("day."));
                label for=(field) { (lang.t(key)) }
                input id=(field) name=(key) value=(hours_text(calendar.hours.ranges(day))) placeholder=(lang.t("sla.closed"));
            }
            button .primary type="submit" { (lang.t("settings.save")) }
        }
    }
}

fn holidays(ui: &UiAgent, policy: &SlaPolicy) -> Markup {
    let lang = ui.lang;
    html! {
        @if policy.calendar.holidays.is_empty() { p .muted { (lang.t("sla.no_holidays")) } }
        ul .plain .holidays #sla-holidays {
            @for (index, holiday) in policy.calendar.holidays.iter().enumerate() {
                li .holiday {
                    strong { (holiday.name) } " · " (holiday_when(lang, &holiday.rule)) " "
                    form .inline method="post" action=(format!("/settings/sla/holidays/{index}/delete")) {
                        (csrf(ui))
                        button .link type="submit" aria-label=(format!("{} {}", lang.t("settings.delete"), holiday.name)) { (lang.t("settings.delete")) }
                    }
                }
            }
        }
        form #sla-holiday .stacked method="post" action="/settings/sla/holidays" {
            (csrf(ui))
            label for="holiday-name" { (lang.t("settings.name")) }
            input #holiday-name name="name" required maxlength="100";
            label for="holiday-date" { (lang.t("sla.date")) }
            input #holiday-date name="date" type="date" required;
            label .check { input #holiday-yearly type="checkbox" name="yearly" value="on" checked; " " (lang.t("sla.yearly")) }
            button type="submit" { (lang.t("sla.add_holiday")) }
        }
    }
}

fn escalations(lang: Lang, policy: &SlaPolicy) -> Markup {
    html! {
        p .muted { (lang.t("sla.escalations_help")) }
        ul .plain .escalations {
            @for rule in &policy.escalations {
                li { code { (serde_json::to_string(rule).unwrap_or_default()) } }
            }
        }
    }
}

async fn page(State(state): State<AppState>, ui: UiAgent) -> Result<Response, UiError> {
    admin(&ui)?;
    let lang = ui.lang;
    let policy = state.desk.sla_policy().await.ui(lang)?;
    let teams = state.desk.store.list_teams(PageRequest::first(200)).await.ui(lang)?.items;
    let body = html! {
        (policy_form(&ui, &policy, &teams))
        h2 #calendar { (lang.t("sla.calendar")) }
        (calendar_form(&ui, &policy))
        h2 #holidays { (lang.t("sla.holidays")) }
        (holidays(&ui, &policy))
        h2 { (lang.t("sla.escalations")) }
        (escalations(lang, &policy))
    };
    Ok(shell(&ui, "/settings/sla", lang.t("settings.sla"), body, &[]))
}

async fn store_policy(
    state: &AppState,
    ui: &UiAgent,
    policy: SlaPolicy,
    anchor: &str,
) -> Result<Response, UiError> {
    state.desk.set_sla_policy(policy).await.ui(ui.lang)?;
    Ok(Redirect::to(&format!("/settings/sla{anchor}")).into_response())
}

fn optional<T: std::str::FromStr>(raw: &str, what: &str) -> Result<Option<T>, String> {
    match raw.trim() {
        "" => Ok(None),
        text => text.parse().map(Some).map_err(|_| format!("{text:?} is not a valid {what}")),
    }
}

/// The targets from the form's rows: each row sends the same six fields in order, so the
/// n-th value of each field belongs to the n-th row. A row with no minutes is dropped.
pub fn targets_from(fields: &[(String, String)]) -> Result<Vec<SlaTarget>, String> {
    let column =
        |name: &str| fields.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect::<Vec<_>>();
    let (priorities, channels, teams) = (column("priority"), column("channel"), column("team"));
    let (first, next, resolution) = (column("first"), column("next"), column("resolution"));
    let rows = priorities.len();
    if [channels.len(), teams.len(), first.len(), next.len(), resolution.len()].iter().any(|n| *n != rows) {
        return Err("every target row needs all its fields".to_owned());
    }
    let mut targets = Vec::new();
    for row in 0..rows {
        let target = SlaTarget {
            priority: optional(priorities[row], "priority")?,
            channel: optional(channels[row], "channel")?,
            team: optional::<i64>(teams[row], "team")?.map(TeamId),
            first_response_minutes: optional(first[row], "number of minutes")?,
            next_response_minutes: optional(next[row], "number of minutes")?,
            resolution_minutes: optional(resolution[row], "number of minutes")?,
        };
        if SlaMetric::ALL.iter().any(|metric| target.minutes(*metric).is_some()) {
            targets.push(target);
        }
    }
    Ok(targets)
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or_default()
}

async fn save_targets(
    State(state): State<AppState>,
    ui: UiAgent,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    ui.check_csrf(field(&fields, "csrf"))?;
    admin(&ui)?;
    let mut policy = state.desk.sla_policy().await.ui(ui.lang)?;
    policy.name = field(&fields, "name").trim().to_owned();
    policy.warning_percent = field(&fields, "warning_percent")
        .trim()
        .parse()
        .map_err(|_| invalid(&ui, "the warning share must be a number from 0 to 100"))?;
    policy.targets = targets_from(&fields).map_err(|e| invalid(&ui, e))?;
    store_policy(&state, &ui, policy, "").await
}

async fn save_calendar(
    State(state): State<AppState>,
    ui: UiAgent,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    ui.check_csrf(field(&fields, "csrf"))?;
    admin(&ui)?;
    let mut policy = state.desk.sla_policy().await.ui(ui.lang)?;
    let zone = field(&fields, "time_zone");
    policy.calendar.time_zone =
        zone.parse::<Tz>().map_err(|_| invalid(&ui, format!("{zone:?} is not a time zone")))?;
    let mut hours = WeeklyHours::closed();
    for (day, key) in DAYS {
        let ranges = parse_hours(field(&fields, key)).map_err(|e| invalid(&ui, e))?;
        hours = hours.with_day(day, &ranges);
    }
    policy.calendar.hours = hours;
    store_policy(&state, &ui, policy, "#calendar").await
}

#[derive(Debug, Deserialize)]
struct HolidayForm {
    csrf: String,
    name: String,
    date: String,
    yearly: Option<String>,
}

async fn add_holiday(
    State(state): State<AppState>,
    ui: UiAgent,
    Form(form): Form<HolidayForm>,
) -> Result<Response, UiError> {
    ui.check_csrf(&form.csrf)?;
    admin(&ui)?;
    let name = ascolto_core::text::required_text("name", &form.name, 100).map_err(|e| invalid(&ui, e))?;
    let date = NaiveDate::parse_from_str(form.date.trim(), "%Y-%m-%d")
        .map_err(|_| invalid(&ui, format!("{:?} is not a date", form.date)))?;
    let rule = if form.yearly.is_some() {
        use chrono::Datelike;
        HolidayRule::Yearly { month: date.month(), day: date.day() }
    } else {
        HolidayRule::Once { date }
    };
    let mut policy = state.desk.sla_policy().await.ui(ui.lang)?;
    policy.calendar.holidays.push(Holiday { name, rule });
    store_policy(&state, &ui, policy, "#holidays").await
}

#[derive(Debug, Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn delete_holiday(
    State(state): State<AppState>,
    ui: UiAgent,
    Path(index): Path<usize>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, UiError> {
    ui.check_csrf(&form.csrf)?;
    admin(&ui)?;
    let mut policy = state.desk.sla_policy().await.ui(ui.lang)?;
    if index >= policy.calendar.holidays.len() {
        return Err(ui.fail(super::error::UiErrorKind::NotFound));
    }
    policy.calendar.holidays.remove(index);
    store_policy(&state, &ui, policy, "#holidays").await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(raw: &[(&str, &str)]) -> Vec<(String, String)> {
        raw.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn opening_hours_read_back_as_they_are_written() {
        let ranges = parse_hours("14:00-18:00, 09:00 – 13:00").unwrap();
        let hours = WeeklyHours::closed().with_day(Weekday::Mon, &ranges);
        assert_eq!(hours_text(hours.ranges(Weekday::Mon)), "09:00-13:00, 14:00-18:00");
        assert!(parse_hours("").unwrap().is_empty(), "empty is closed");
        assert!(parse_hours("18:00-09:00").is_err(), "a range must open before it closes");
        assert!(parse_hours("nine to five").is_err());
    }

    #[test]
    fn target_rows_become_targets_and_rows_without_minutes_are_dropped() {
        let fields = pairs(&[
            ("csrf", "x"),
            ("priority", "urgent"),
            ("channel", ""),
            ("team", ""),
            ("first", "60"),
            ("next", "30"),
            ("resolution", ""),
            ("priority", ""),
            ("channel", "webchat"),
            ("team", "3"),
            ("first", "5"),
            ("next", ""),
            ("resolution", ""),
            ("priority", ""),
            ("channel", ""),
            ("team", ""),
            ("first", ""),
            ("next", ""),
            ("resolution", ""),
        ]);
        let targets = targets_from(&fields).unwrap();
        assert_eq!(targets.len(), 2);
        assert_eq!(
            (targets[0].priority, targets[0].first_response_minutes, targets[0].next_response_minutes),
            (Some(Priority::Urgent), Some(60), Some(30))
        );
        assert_eq!(
            (targets[1].channel, targets[1].team, targets[1].first_response_minutes),
            (Some(Channel::WebChat), Some(TeamId(3)), Some(5))
        );
        let broken = pairs(&[("priority", ""), ("first", "5")]);
        assert!(targets_from(&broken).is_err());
        let bad = pairs(&[
            ("priority", "soon"),
            ("channel", ""),
            ("team", ""),
            ("first", "5"),
            ("next", ""),
            ("resolution", ""),
        ]);
        assert!(targets_from(&bad).is_err());
    }
}
