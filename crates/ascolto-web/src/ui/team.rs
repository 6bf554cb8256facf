//! The lead's page: per agent, first-response and resolution times, volume, and each coach
//! skill's average over time, drawn as SVG on the server (no chart library, no script).
//!
//! The figures are computed when the page is asked for, from the conversations the lead may
//! see that moved in the period (at most [`MAX_CONVERSATIONS`]), and the coach re-reads each
//! reply with the customer messages it answered. That keeps one source of truth (the
//! messages) at the cost of work per view, which is bounded by the cap.

use std::collections::{BTreeMap, HashMap};

use ascolto_coach::{Language, ReplyContext, Skill, analyze_reply};
use ascolto_core::{Agent, AgentId, Direction, Role};
use ascolto_store::{ConversationFilter, ConversationSort, PageRequest};
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use maud::{Markup, html};
use serde::Deserialize;

use super::error::{InLang, UiError, UiErrorKind};
use super::i18n::Lang;
use super::layout::{self, Nav};
use super::pages::all_agents;
use super::session::UiAgent;
use crate::AppState;

/// The most conversations one view of the page reads.
pub const MAX_CONVERSATIONS: usize = 2_000;
/// Colours of the charts' series, distinguishable and readable on white.
const PALETTE: [&str; 10] = [
    "#1d4ed8", "#b91c1c", "#15803d", "#a16207", "#7c3aed", "#0e7490", "#be185d", "#4d7c0f", "#c2410c",
    "#475569",
];

#[derive(Debug, Default, Deserialize)]
pub struct Period {
    days: Option<i64>,
}

/// What the page knows of one agent.
#[derive(Debug, Default)]
struct AgentStats {
    replies: usize,
    conversations: usize,
    first_responses_minutes: Vec<f64>,
    resolutions_hours: Vec<f64>,
    /// Per day: per skill, the sum of scores and the number of replies.
    skills_by_day: BTreeMap<NaiveDate, BTreeMap<Skill, (u32, u32)>>,
}

fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    Some(if sorted.len() % 2 == 0 { (sorted[middle - 1] + sorted[middle]) / 2.0 } else { sorted[middle] })
}

fn in_scope(ui: &UiAgent, agent: &Agent) -> bool {
    match ui.agent.role {
        Role::Admin => agent.role != Role::Admin,
        _ => agent.id == ui.agent.id || agent.reports_to == Some(ui.agent.id),
    }
}

async fn collect(
    state: &AppState,
    ui: &UiAgent,
    since: DateTime<Utc>,
    people: &[AgentId],
) -> Result<HashMap<AgentId, AgentStats>, UiError> {
    let mut stats: HashMap<AgentId, AgentStats> =
        people.iter().map(|id| (*id, AgentStats::default())).collect();
    let filter = ConversationFilter { sort: ConversationSort::Recent, ..Default::default() };
    let mut page = PageRequest::first(200);
    let mut seen = 0;
    'pages: loop {
        let batch = state.desk.store.list_conversations(&filter, &ui.visibility, page).await.ui(ui.lang)?;
        for conversation in &batch.items {
            if conversation.last_message_at < since || seen >= MAX_CONVERSATIONS {
                break 'pages;
            }
            seen += 1;
            let messages = state
                .desk
                .store
                .list_messages(conversation.id, PageRequest::first(200))
                .await
                .ui(ui.lang)?
                .items;
            let mut customer_messages: Vec<String> = Vec::new();
            let mut first_reply_seen = false;
            let mut touched: Vec<AgentId> = Vec::new();
            for message in &messages {
                match message.direction {
                    Direction::Inbound => customer_messages.push(message.text.clone()),
                    Direction::Note => {}
                    Direction::Outbound => {
                        let Some(agent) = message.agent_id else { continue };
                        if let (false, Some(entry)) = (first_reply_seen, stats.get_mut(&agent)) {
                            let minutes =
                                (message.created_at - conversation.created_at).num_seconds() as f64 / 60.0;
                            entry.first_responses_minutes.push(minutes.max(0.0));
                        }
                        first_reply_seen = true;
                        if let Some(entry) = stats.get_mut(&agent).filter(|_| message.created_at >= since) {
                            entry.replies += 1;
                            let context = ReplyContext {
                                customer_messages: std::mem::take(&mut customer_messages),
                                ui_language: Language::En,
                                ..Default::default()
                            };
                            let report = analyze_reply(&message.text, &context, None);
                            let day = entry.skills_by_day.entry(message.created_at.date_naive()).or_default();
                            for (skill, score) in report.skills {
                                let slot = day.entry(skill).or_default();
                                slot.0 += u32::from(score.score);
                                slot.1 += 1;
                            }
                            if !touched.contains(&agent) {
                                touched.push(agent);
                            }
                        }
                        customer_messages.clear();
                    }
                }
            }
            for agent in &touched {
                if let Some(entry) = stats.get_mut(agent) {
                    entry.conversations += 1;
                }
            }
            let resolver = conversation.assignee.or(touched.last().copied());
            if let (Some(resolved_at), Some(entry)) =
                (conversation.resolved_at, resolver.and_then(|id| stats.get_mut(&id)))
            {
                entry
                    .resolutions_hours
                    .push((resolved_at - conversation.created_at).num_seconds() as f64 / 3600.0);
            }
        }
        match batch.next {
            Some(cursor) => page = PageRequest::after(cursor, 200),
            None => break,
        }
    }
    Ok(stats)
}

/// A horizontal bar chart: one bar per agent.
fn bar_chart(title: &str, unit: &str, decimals: usize, bars: &[(String, Option<f64>)]) -> Markup {
    let (width, row, left) = (560.0, 28.0, 150.0);
    let height = row * bars.len().max(1) as f64 + 10.0;
    let max = bars.iter().filter_map(|(_, v)| *v).fold(0.0_f64, f64::max).max(1e-9);
    html! {
        figure .chart {
            figcaption { strong { (title) } }
            svg viewBox=(format!("0 0 {width} {height}")) role="img" aria-label=(title) xmlns="http://www.w3.org/2000/svg" {
                @for (index, (name, value)) in bars.iter().enumerate() {
                    @let y = index as f64 * row + 5.0;
                    text x=(left - 8.0) y=(y + 17.0) text-anchor="end" font-size="13" fill="#1c2430" { (name) }
                    @if let Some(value) = value {
                        @let length = (width - left - 90.0) * value / max;
                        rect x=(left) y=(y + 4.0) width=(format!("{:.1}", length.max(1.0))) height="16" rx="3" fill=(PALETTE[index % PALETTE.len()]) {}
                        text x=(left + length + 6.0) y=(y + 17.0) font-size="12" fill="#1c2430" { (format!("{value:.decimals$} {unit}").trim_end()) }
                    } @else {
                        text x=(left) y=(y + 17.0) font-size="12" fill="#5b6676" { "—" }
                    }
                }
            }
        }
    }
}

/// Each skill's daily average for one agent, as lines over the period.
fn skills_chart(lang: Lang, name: &str, stats: &AgentStats, days: &[NaiveDate]) -> Markup {
    let (width, height, left, bottom, top) = (560.0, 220.0, 34.0, 24.0, 10.0);
    let plot_w = width - left - 10.0;
    let plot_h = height - bottom - top;
    let x = |i: usize| {
        left + if days.len() > 1 { plot_w * i as f64 / (days.len() - 1) as f64 } else { plot_w / 2.0 }
    };
    let y = |score: f64| top + plot_h * (1.0 - score / 100.0);
    let title = format!("{name}: {}", lang.t("team.skills_over_time"));
    html! {
        figure .chart {
            figcaption { strong { (title) } }
            svg viewBox=(format!("0 0 {width} {height}")) role="img" aria-label=(title) xmlns="http://www.w3.org/2000/svg" {
                @for score in [0.0, 50.0, 100.0] {
                    line x1=(left) x2=(width - 10.0) y1=(y(score)) y2=(y(score)) stroke="#dde2e8" {}
                    text x=(left - 4.0) y=(y(score) + 4.0) text-anchor="end" font-size="10" fill="#5b6676" { (score) }
                }
                @if let (Some(first), Some(last)) = (days.first(), days.last()) {
                    text x=(left) y=(height - 6.0) font-size="10" fill="#5b6676" { (first.format("%d/%m")) }
                    text x=(width - 10.0) y=(height - 6.0) text-anchor="end" font-size="10" fill="#5b6676" { (last.format("%d/%m")) }
                }
                @for (index, skill) in Skill::ALL.iter().enumerate() {
                    @let points: Vec<(f64, f64)> = days.iter().enumerate().filter_map(|(i, day)| {
                        let (sum, count) = *stats.skills_by_day.get(day)?.get(skill)?;
                        Some((x(i), y(f64::from(sum) / f64::from(count))))
                    }).collect();
                    @let colour = PALETTE[index % PALETTE.len()];
                    polyline fill="none" stroke=(colour) stroke-width="2"
                        points=(points.iter().map(|(px, py)| format!("{px:.1},{py:.1}")).collect::<Vec<_>>().join(" ")) {
                        title { (lang.t(skill_key(*skill))) }
                    }
                    @for (px, py) in &points { circle cx=(format!("{px:.1}")) cy=(format!("{py:.1}")) r="2.5" fill=(colour) {} }
                }
            }
            ul .legend {
                @for (index, skill) in Skill::ALL.iter().enumerate() {
                    li { span .swatch .{"s" (index)} aria-hidden="true" {} (lang.t(skill_key(*skill))) }
                }
            }
        }
    }
}

fn skill_key(skill: Skill) -> &'static str {
    match skill {
        Skill::Listening => "skill.listening",
        Skill::Empathy => "skill.empathy",
        Skill::Clarity => "skill.clarity",
        Skill::Ownership => "skill.ownership",
        Skill::Why => "skill.why",
        Skill::NextSteps => "skill.next_steps",
        Skill::Positivity => "skill.positivity",
        Skill::Calm => "skill.calm",
        Skill::Personal => "skill.personal",
        Skill::Persuasion => "skill.persuasion",
    }
}

fn overall(stats: &AgentStats) -> Option<f64> {
    let (sum, count) = stats
        .skills_by_day
        .values()
        .flat_map(|day| day.values())
        .fold((0u32, 0u32), |acc, (s, c)| (acc.0 + s, acc.1 + c));
    (count > 0).then(|| f64::from(sum) / f64::from(count))
}

fn fmt(value: Option<f64>, unit: &str) -> String {
    value.map(|v| format!("{v:.1} {unit}")).unwrap_or_else(|| "—".to_owned())
}

/// The lead's page (leads and admins).
pub async fn page(
    State(state): State<AppState>,
    ui: UiAgent,
    Query(period): Query<Period>,
) -> Result<Response, UiError> {
    if !ui.is_lead_or_admin() {
        return Err(ui.fail(UiErrorKind::Forbidden));
    }
    let lang = ui.lang;
    let days = period.days.unwrap_or(30).clamp(1, 365);
    let now = state.desk.now();
    let since = now - Duration::days(days);
    let people: Vec<Agent> =
        all_agents(&state, lang).await?.into_iter().filter(|a| a.active && in_scope(&ui, a)).collect();
    let stats = collect(&state, &ui, since, &people.iter().map(|a| a.id).collect::<Vec<_>>()).await?;
    let day_list: Vec<NaiveDate> =
        (0..=days).rev().map(|back| (now - Duration::days(back)).date_naive()).collect();
    let empty = AgentStats::default();
    let of = |agent: &Agent| stats.get(&agent.id).unwrap_or(&empty);
    let frt: Vec<(String, Option<f64>)> =
        people.iter().map(|a| (a.name.clone(), median(&of(a).first_responses_minutes))).collect();
    let resolution: Vec<(String, Option<f64>)> =
        people.iter().map(|a| (a.name.clone(), median(&of(a).resolutions_hours))).collect();
    let volume: Vec<(String, Option<f64>)> =
        people.iter().map(|a| (a.name.clone(), Some(of(a).replies as f64))).collect();
    let main = html! {
        main #main .team {
            h1 { (lang.t("team.title")) }
            form .filters method="get" action="/team" {
                div .field {
                    label for="t-days" { (lang.t("team.period")) }
                    select #t-days name="days" data-autosubmit {
                        @for option in [7, 30, 90] {
                            option value=(option) selected[option == days] { (option) " " (lang.t("team.days")) }
                        }
                    }
                }
                button type="submit" { (lang.t("inbox.apply")) }
            }
            table .list .team-table {
                thead { tr {
                    th scope="col" { (lang.t("conv.agent")) }
                    th scope="col" { (lang.t("team.replies")) }
                    th scope="col" { (lang.t("team.conversations")) }
                    th scope="col" { (lang.t("team.frt")) }
                    th scope="col" { (lang.t("team.resolution")) }
                    th scope="col" { (lang.t("team.coach_average")) }
                } }
                tbody {
                    @for agent in &people {
                        @let s = of(agent);
                        tr {
                            td { (agent.name) " " span .muted { (layout::role_label(lang, agent.role)) } }
                            td { (s.replies) }
                            td { (s.conversations) }
                            td { (fmt(median(&s.first_responses_minutes), lang.t("time.min"))) }
                            td { (fmt(median(&s.resolutions_hours), lang.t("time.h"))) }
                            td { (fmt(overall(s), "/ 100")) }
                        }
                    }
                }
            }
            p .muted { (lang.t("team.method")) }
            div .charts {
                (bar_chart(lang.t("team.frt"), lang.t("time.min"), 1, &frt))
                (bar_chart(lang.t("team.resolution"), lang.t("time.h"), 1, &resolution))
                (bar_chart(lang.t("team.replies"), "", 0, &volume))
                @for agent in &people {
                    @if !of(agent).skills_by_day.is_empty() { (skills_chart(lang, &agent.name, of(agent), &day_list)) }
                }
            }
        }
    };
    Ok(Html(layout::page(&ui, Nav::Team, lang.t("team.title"), "/team", main, &[]).into_string())
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn median_of_even_and_odd_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }
}
