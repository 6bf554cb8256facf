//! The conversation page's timers: snooze (until a time, or until the customer replies),
//! follow-ups (a nudge to the customer or a reminder to the agent after some business hours
//! without an answer), replies scheduled for later, and the list of what is set, with cancel.
//!
//! Times typed into these forms are read on the desk's business clock (the SLA calendar's time
//! zone), the same clock the follow-ups count business hours on, and shown back the same way.
//! Each form goes through the same functions as the JSON API (`api::queue`).

use ascolto_core::ConversationId;
use ascolto_core::followup::{FollowUpAction, ScheduledKind};
use ascolto_store::{Job, JobState};
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use maud::{Markup, html};
use serde::Deserialize;

use super::error::{InLang, UiError, UiErrorKind};
use super::i18n::Lang;
use super::session::UiAgent;
use crate::AppState;
use crate::api::queue::{cancel_conversation_job, schedule_follow_up, schedule_reply, snooze_conversation};

/// Timers listed on the page: the scheduled ones and the latest finished.
const JOBS_SHOWN: usize = 10;

/// The time zone the forms' times are read in: the SLA calendar's.
pub async fn desk_zone(state: &AppState, lang: Lang) -> Result<Tz, UiError> {
    Ok(state.desk.sla_policy().await.ui(lang)?.calendar.time_zone)
}

/// A `datetime-local` value read on `zone`'s clock. A time that a clock change skips does not
/// exist there and is refused; one that happens twice is taken the first time.
pub fn parse_local(raw: &str, zone: Tz) -> Result<DateTime<Utc>, String> {
    let text = raw.trim();
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .map_err(|_| format!("{text:?} is not a date and time"))?;
    zone.from_local_datetime(&naive)
        .earliest()
        .map(|at| at.with_timezone(&Utc))
        .ok_or_else(|| format!("{text} does not exist in {zone} (the clocks change then)"))
}

/// A time on `zone`'s clock, as the forms take it.
fn local(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string()
}

fn kind_label(lang: Lang, kind: &ScheduledKind) -> &'static str {
    match kind {
        ScheduledKind::Nudge { .. } => lang.t("timers.kind.nudge"),
        ScheduledKind::RemindAgent => lang.t("timers.kind.remind"),
        ScheduledKind::ScheduledReply { .. } => lang.t("timers.kind.reply"),
        ScheduledKind::EndSnooze => lang.t("timers.kind.snooze"),
        ScheduledKind::SlaCheck => lang.t("timers.kind.sla"),
    }
}

fn state_label(lang: Lang, state: JobState) -> &'static str {
    match state {
        JobState::Scheduled => lang.t("timers.state.scheduled"),
        JobState::Done => lang.t("timers.state.done"),
        JobState::Cancelled => lang.t("timers.state.cancelled"),
    }
}

fn job_text(kind: &ScheduledKind) -> Option<&str> {
    match kind {
        ScheduledKind::Nudge { template } => Some(template),
        ScheduledKind::ScheduledReply { text } => Some(text),
        ScheduledKind::RemindAgent | ScheduledKind::EndSnooze | ScheduledKind::SlaCheck => None,
    }
}

fn jobs_list(ui: &UiAgent, conversation: ConversationId, jobs: &[Job], zone: Tz) -> Markup {
    let lang = ui.lang;
    let mut shown: Vec<&Job> = jobs.iter().filter(|job| job.state == JobState::Scheduled).collect();
    shown.extend(jobs.iter().filter(|job| job.state != JobState::Scheduled));
    shown.truncate(JOBS_SHOWN);
    html! {
        @if shown.is_empty() { p .muted #timers-empty { (lang.t("timers.none")) } }
        ul .jobs #timers-list {
            @for job in shown {
                li .job .{"job-" (state_class(job.state))} data-job-id=(job.id) {
                    strong { (kind_label(lang, &job.kind)) } " · "
                    time datetime=(job.due_at.to_rfc3339()) { (local(job.due_at, zone)) }
                    " · " span .job-state { (state_label(lang, job.state)) }
                    @if job.cancel_on_customer_reply && job.state == JobState::Scheduled {
                        br; span .muted { (lang.t("timers.cancels_on_reply")) }
                    }
                    @if let Some(text) = job_text(&job.kind) { p .job-text { (text) } }
                    @if job.state == JobState::Scheduled {
                        form .inline method="post" action=(format!("/conversations/{conversation}/jobs/{}/cancel", job.id)) {
                            input type="hidden" name="csrf" value=(ui.csrf_token);
                            button .link type="submit" { (lang.t("timers.cancel")) }
                        }
                    }
                }
            }
        }
    }
}

fn state_class(state: JobState) -> &'static str {
    match state {
        JobState::Scheduled => "scheduled",
        JobState::Done => "done",
        JobState::Cancelled => "cancelled",
    }
}

/// The timers panel of the conversation page.
pub fn panel(
    ui: &UiAgent,
    conversation: ConversationId,
    jobs: &[Job],
    zone: Tz,
    now: DateTime<Utc>,
) -> Markup {
    let lang = ui.lang;
    let base = format!("/conversations/{conversation}");
    let earliest = local(now, zone).replace(' ', "T");
    html! {
        section .timers aria-labelledby="timers-title" {
            h2 #timers-title { (lang.t("timers.title")) }
            p .muted { (lang.t("timers.zone")) " " (zone.name()) }
            form #snooze-form .stacked method="post" action=(format!("{base}/snooze")) {
                input type="hidden" name="csrf" value=(ui.csrf_token);
                label for="snooze-until" { (lang.t("timers.snooze_until")) }
                input #snooze-until type="datetime-local" name="until" min=(earliest);
                div .actions {
                    button type="submit" name="mode" value="time" { (lang.t("timers.snooze")) }
                    " "
                    button type="submit" name="mode" value="reply" { (lang.t("timers.snooze_reply")) }
                }
            }
            details .timer-form {
                summary { (lang.t("timers.follow_up")) }
                form #follow-up-form .stacked method="post" action=(format!("{base}/follow-ups")) {
                    input type="hidden" name="csrf" value=(ui.csrf_token);
                    label for="follow-up-hours" { (lang.t("timers.after_hours")) }
                    input #follow-up-hours type="number" name="hours" min="1" max="720" value="24" required;
                    label for="follow-up-action" { (lang.t("timers.action")) }
                    select #follow-up-action name="action" {
                        option value="nudge" { (lang.t("timers.kind.nudge")) }
                        option value="remind" { (lang.t("timers.kind.remind")) }
                    }
                    label for="follow-up-template" { (lang.t("timers.template")) }
                    textarea #follow-up-template name="template" rows="3" maxlength="10000" {}
                    p .muted { (lang.t("timers.follow_up_help")) }
                    button type="submit" { (lang.t("timers.schedule")) }
                }
            }
            details .timer-form {
                summary { (lang.t("timers.later_reply")) }
                form #scheduled-reply-form .stacked method="post" action=(format!("{base}/scheduled-replies")) {
                    input type="hidden" name="csrf" value=(ui.csrf_token);
                    label for="scheduled-text" { (lang.t("reply.label")) }
                    textarea #scheduled-text name="text" rows="3" required {}
                    label for="scheduled-at" { (lang.t("timers.send_at")) }
                    input #scheduled-at type="datetime-local" name="send_at" min=(earliest) required;
                    label .check {
                        input #scheduled-cancel type="checkbox" name="cancel_on_reply" value="on" checked;
                        " " (lang.t("timers.cancel_on_reply"))
                    }
                    button type="submit" { (lang.t("timers.schedule")) }
                }
            }
            h3 { (lang.t("timers.set")) }
            (jobs_list(ui, conversation, jobs, zone))
        }
    }
}

fn invalid(ui: &UiAgent, reason: String) -> UiError {
    ui.fail(UiErrorKind::Invalid(reason))
}

fn back(id: ConversationId) -> Response {
    Redirect::to(&format!("/conversations/{id}#timers-title")).into_response()
}

#[derive(Debug, Deserialize)]
pub struct SnoozeForm {
    csrf: String,
    #[serde(default)]
    until: String,
    /// `time` (until `until`) or `reply` (until the customer writes).
    #[serde(default)]
    mode: String,
}

/// Snoozes the conversation until a time, or sets it aside until the customer replies.
pub async fn snooze(
    State(state): State<AppState>,
    ui: UiAgent,
    Path(id): Path<i64>,
    Form(form): Form<SnoozeForm>,
) -> Result<Response, UiError> {
    ui.check_csrf(&form.csrf)?;
    let id = super::conversation::visible(&state, &ui, ConversationId(id)).await?.id;
    let (until, until_reply) = match form.mode.as_str() {
        "reply" => (None, true),
        _ => {
            let zone = desk_zone(&state, ui.lang).await?;
            (Some(parse_local(&form.until, zone).map_err(|e| invalid(&ui, e))?), false)
        }
    };
    snooze_conversation(&state, id, until, until_reply, ui.agent.id).await.ui(ui.lang)?;
    Ok(back(id))
}

#[derive(Debug, Deserialize)]
pub struct FollowUpForm {
    csrf: String,
    hours: String,
    action: String,
    #[serde(default)]
    template: String,
}

/// Schedules a follow-up that a customer message cancels.
pub async fn follow_up(
    State(state): State<AppState>,
    ui: UiAgent,
    Path(id): Path<i64>,
    Form(form): Form<FollowUpForm>,
) -> Result<Response, UiError> {
    ui.check_csrf(&form.csrf)?;
    let id = super::conversation::visible(&state, &ui, ConversationId(id)).await?.id;
    let hours: u32 = form
        .hours
        .trim()
        .parse()
        .map_err(|_| invalid(&ui, format!("{:?} is not a number of hours", form.hours)))?;
    let action = match form.action.as_str() {
        "nudge" => FollowUpAction::Nudge { template: form.template.clone() },
        "remind" => FollowUpAction::RemindAgent,
        other => return Err(invalid(&ui, format!("unknown follow-up {other:?}"))),
    };
    schedule_follow_up(&state, id, hours, action, ui.agent.id).await.ui(ui.lang)?;
    Ok(back(id))
}

#[derive(Debug, Deserialize)]
pub struct ScheduledReplyForm {
    csrf: String,
    text: String,
    send_at: String,
    /// Present (`on`) when the box is ticked.
    cancel_on_reply: Option<String>,
}

/// Schedules a reply for later.
pub async fn scheduled_reply(
    State(state): State<AppState>,
    ui: UiAgent,
    Path(id): Path<i64>,
    Form(form): Form<ScheduledReplyForm>,
) -> Result<Response, UiError> {
    ui.check_csrf(&form.csrf)?;
    let id = super::conversation::visible(&state, &ui, ConversationId(id)).await?.id;
    let zone = desk_zone(&state, ui.lang).await?;
    let send_at = parse_local(&form.send_at, zone).map_err(|e| invalid(&ui, e))?;
    let cancel = form.cancel_on_reply.is_some();
    schedule_reply(&state, id, &form.text, send_at, cancel, ui.agent.id).await.ui(ui.lang)?;
    Ok(back(id))
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// Cancels a timer that has not run.
pub async fn cancel(
    State(state): State<AppState>,
    ui: UiAgent,
    Path((id, job)): Path<(i64, i64)>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, UiError> {
    ui.check_csrf(&form.csrf)?;
    let id = super::conversation::visible(&state, &ui, ConversationId(id)).await?.id;
    cancel_conversation_job(&state, id, job).await.ui(ui.lang)?;
    Ok(back(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_times_are_read_on_the_desks_clock() {
        let rome: Tz = "Europe/Rome".parse().unwrap();
        assert_eq!(parse_local("2026-07-01T10:30", rome).unwrap().to_rfc3339(), "2026-07-01T08:30:00+00:00");
        assert_eq!(parse_local("2026-01-01T10:30", rome).unwrap().to_rfc3339(), "2026-01-01T09:30:00+00:00");
        // 02:30 on the last Sunday of March does not exist in Rome.
        assert!(parse_local("2026-03-29T02:30", rome).unwrap_err().contains("does not exist"));
        assert!(parse_local("tomorrow", rome).is_err());
        let at = parse_local("2026-07-01T10:30", rome).unwrap();
        assert_eq!(local(at, rome), "2026-07-01 10:30");
    }
}
