//! The admins' settings pages: agents, teams and macros (channels in `channels`, the SLA
//! policy and its calendar in `sla`). Each form posts with the session's
//! CSRF token and goes through the same store rules as the JSON API.

use ascolto_core::text::required_text;
use ascolto_core::{AgentId, EmailAddress, Role, Team, TeamId};
use ascolto_store::{AgentPatch, NewAgent, PageRequest};
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::{Markup, html};
use serde::Deserialize;

use super::error::{InLang, UiError, UiErrorKind};
use super::layout::{self, Nav};
use super::pages::all_agents;
use super::session::UiAgent;
use crate::AppState;
use crate::api::macros::MacroInput;
use crate::auth::hash_password;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings", get(|| async { Redirect::to("/settings/agents") }))
        .route("/settings/agents", get(agents_page).post(create_agent))
        .route("/settings/agents/{id}", post(update_agent))
        .route("/settings/teams", get(teams_page).post(create_team))
        .route("/settings/teams/{id}", post(rename_team))
        .route("/settings/macros", get(macros_page).post(create_macro))
        .route("/settings/macros/{id}", post(update_macro))
        .route("/settings/macros/{id}/delete", post(delete_macro))
        .merge(super::channels::router())
        .merge(super::sla::router())
}

pub(super) fn admin(ui: &UiAgent) -> Result<(), UiError> {
    if ui.is_admin() { Ok(()) } else { Err(ui.fail(UiErrorKind::Forbidden)) }
}

pub(super) fn invalid(ui: &UiAgent, error: impl std::fmt::Display) -> UiError {
    ui.fail(UiErrorKind::Invalid(error.to_string()))
}

pub(super) fn shell(ui: &UiAgent, current: &str, title: &str, body: Markup, scripts: &[&str]) -> Response {
    let lang = ui.lang;
    let tabs = [
        ("/settings/agents", lang.t("settings.agents")),
        ("/settings/teams", lang.t("settings.teams")),
        ("/settings/macros", lang.t("settings.macros")),
        ("/settings/channels", lang.t("settings.channels")),
        ("/settings/sla", lang.t("settings.sla")),
    ];
    let main = html! {
        main #main .settings {
            h1 { (lang.t("settings.title")) }
            nav .tabs aria-label=(lang.t("settings.title")) {
                ul { @for (href, label) in tabs {
                    li { a href=(href) aria-current=[(href == current).then_some("page")] { (label) } }
                } }
            }
            h2 { (title) }
            (body)
        }
    };
    Html(layout::page(ui, Nav::Settings, title, current, main, scripts).into_string()).into_response()
}

pub(super) fn csrf(ui: &UiAgent) -> Markup {
    html! { input type="hidden" name="csrf" value=(ui.csrf_token); }
}

fn role_select(ui: &UiAgent, id: &str, current: Role) -> Markup {
    html! {
        select id=(id) name="role" {
            @for role in Role::ALL { option value=(role.as_str()) selected[*role == current] { (layout::role_label(ui.lang, *role)) } }
        }
    }
}

fn team_select(ui: &UiAgent, id: &str, teams: &[Team], current: Option<TeamId>) -> Markup {
    html! {
        select id=(id) name="team" {
            option value="" selected[current.is_none()] { (ui.lang.t("nobody")) }
            @for team in teams { option value=(team.id.0) selected[current == Some(team.id)] { (team.name) } }
        }
    }
}

fn language_select(ui: &UiAgent, id: &str, current: &str) -> Markup {
    html! {
        select id=(id) name="ui_language" {
            option value="auto" selected[current != "it" && current != "en"] { (ui.lang.t("settings.lang.auto")) }
            option value="it" selected[current == "it"] { "Italiano" }
            option value="en" selected[current == "en"] { "English" }
        }
    }
}

async fn teams(state: &AppState, ui: &UiAgent) -> Result<Vec<Team>, UiError> {
    Ok(state.desk.store.list_teams(PageRequest::first(200)).await.ui(ui.lang)?.items)
}

async fn agents_page(State(state): State<AppState>, ui: UiAgent) -> Result<Response, UiError> {
    admin(&ui)?;
    let lang = ui.lang;
    let (agents, teams) = (all_agents(&state, lang).await?, teams(&state, &ui).await?);
    let body = html! {
        table .list {
            thead { tr {
                th scope="col" { (lang.t("settings.name")) } th scope="col" { (lang.t("settings.email")) }
                th scope="col" { (lang.t("settings.role")) } th scope="col" { (lang.t("settings.teams_of")) }
                th scope="col" { (lang.t("settings.ui_language")) } th scope="col" { (lang.t("settings.active")) }
                th scope="col" { span .visually-hidden { (lang.t("settings.save")) } }
            } }
            tbody {
                @for agent in &agents {
                    @let form_id = format!("agent-{}", agent.id);
                    tr {
                        td { (agent.name) }
                        td { (agent.email.as_str()) }
                        td { (role_select(&ui, &format!("{form_id}-role"), agent.role)) }
                        td { (team_select(&ui, &format!("{form_id}-team"), &teams, agent.teams.first().copied())) }
                        td { (language_select(&ui, &format!("{form_id}-lang"), &agent.ui_language)) }
                        td { select id=(format!("{form_id}-active")) name="active" aria-label=(lang.t("settings.active")) {
                            option value="true" selected[agent.active] { (lang.t("settings.yes")) }
                            option value="false" selected[!agent.active] { (lang.t("settings.no")) }
                        } }
                        td {
                            form id=(form_id) method="post" action=(format!("/settings/agents/{}", agent.id)) { (csrf(&ui)) }
                            button type="submit" form=(form_id) { (lang.t("settings.save")) }
                        }
                    }
                }
            }
        }
        h2 { (lang.t("settings.add_agent")) }
        form .stacked method="post" action="/settings/agents" {
            (csrf(&ui))
            label for="a-name" { (lang.t("settings.name")) } input #a-name name="name" required maxlength="200";
            label for="a-email" { (lang.t("settings.email")) } input #a-email name="email" type="email" required;
            label for="a-password" { (lang.t("settings.password")) } input #a-password name="password" type="password" minlength="10" required autocomplete="new-password";
            label for="a-role" { (lang.t("settings.role")) } (role_select(&ui, "a-role", Role::Agent))
            label for="a-team" { (lang.t("settings.teams_of")) } (team_select(&ui, "a-team", &teams, None))
            label for="a-lang" { (lang.t("settings.ui_language")) } (language_select(&ui, "a-lang", "auto"))
            button .primary type="submit" { (lang.t("settings.create")) }
        }
    };
    Ok(shell(&ui, "/settings/agents", lang.t("settings.agents"), body, &[]))
}

/// The select boxes of an agent's row live outside its form (a table row cannot hold a form),
/// so they name the form with `form=`; see [`agents_page`].
#[derive(Debug, Deserialize)]
struct AgentForm {
    csrf: String,
    name: Option<String>,
    email: Option<String>,
    password: Option<String>,
    role: String,
    #[serde(default)]
    team: String,
    ui_language: String,
    active: Option<String>,
}

fn parse_team(raw: &str) -> Result<Vec<TeamId>, String> {
    match raw.trim() {
        "" => Ok(Vec::new()),
        id => id.parse().map(|id| vec![TeamId(id)]).map_err(|_| format!("{id:?} is not a team")),
    }
}

fn parse_ui_language(raw: &str) -> Result<String, String> {
    match raw {
        "it" | "en" | "auto" => Ok(raw.to_owned()),
        other => Err(format!("unknown language {other:?}")),
    }
}

async fn create_agent(
    State(state): State<AppState>,
    ui: UiAgent,
    Form(form): Form<AgentForm>,
) -> Result<Response, UiError> {
    ui.check_csrf(&form.csrf)?;
    admin(&ui)?;
    let password = form.password.clone().unwrap_or_default();
    if password.chars().count() < 10 {
        return Err(invalid(&ui, "the password needs at least 10 characters"));
    }
    let new = NewAgent {
        name: required_text("name", form.name.as_deref().unwrap_or_default(), 200)
            .map_err(|e| invalid(&ui, e))?,
        email: EmailAddress::parse(form.email.as_deref().unwrap_or_default()).map_err(|e| invalid(&ui, e))?,
        role: form.role.parse().map_err(|e| invalid(&ui, e))?,
        password_hash: Some(hash_password(password).await.ui(ui.lang)?),
        languages: vec!["it".into(), "en".into()],
        teams: parse_team(&form.team).map_err(|e| invalid(&ui, e))?,
        reports_to: None,
        ui_language: parse_ui_language(&form.ui_language).map_err(|e| invalid(&ui, e))?,
    };
    state.desk.store.create_agent(new).await.ui(ui.lang)?;
    Ok(Redirect::to("/settings/agents").into_response())
}

async fn update_agent(
    State(state): State<AppState>,
    ui: UiAgent,
    Path(id): Path<i64>,
    Form(form): Form<AgentForm>,
) -> Result<Response, UiError> {
    ui.check_csrf(&form.csrf)?;
    admin(&ui)?;
    let patch = AgentPatch {
        role: Some(form.role.parse().map_err(|e| invalid(&ui, e))?),
        teams: Some(parse_team(&form.team).map_err(|e| invalid(&ui, e))?),
        ui_language: Some(parse_ui_language(&form.ui_language).map_err(|e| invalid(&ui, e))?),
        active: Some(form.active.as_deref() != Some("false")),
        ..Default::default()
    };
    state.desk.store.update_agent(AgentId(id), patch).await.ui(ui.lang)?;
    Ok(Redirect::to("/settings/agents").into_response())
}

async fn teams_page(State(state): State<AppState>, ui: UiAgent) -> Result<Response, UiError> {
    admin(&ui)?;
    let lang = ui.lang;
    let teams = teams(&state, &ui).await?;
    let body = html! {
        ul .plain {
            @for team in &teams {
                li {
                    form .inline method="post" action=(format!("/settings/teams/{}", team.id)) {
                        (csrf(&ui))
                        label .visually-hidden for=(format!("team-{}", team.id)) { (lang.t("settings.name")) }
                        input id=(format!("team-{}", team.id)) name="name" value=(team.name) required maxlength="100";
                        " " button type="submit" { (lang.t("settings.rename")) }
                    }
                }
            }
        }
        h2 { (lang.t("settings.add_team")) }
        form .stacked method="post" action="/settings/teams" {
            (csrf(&ui))
            label for="t-name" { (lang.t("settings.name")) } input #t-name name="name" required maxlength="100";
            button .primary type="submit" { (lang.t("settings.create")) }
        }
    };
    Ok(shell(&ui, "/settings/teams", lang.t("settings.teams"), body, &[]))
}

#[derive(Debug, Deserialize)]
struct NameForm {
    csrf: String,
    name: String,
}

async fn create_team(
    State(state): State<AppState>,
    ui: UiAgent,
    Form(form): Form<NameForm>,
) -> Result<Response, UiError> {
    ui.check_csrf(&form.csrf)?;
    admin(&ui)?;
    let name = required_text("name", &form.name, 100).map_err(|e| invalid(&ui, e))?;
    state.desk.store.create_team(&name).await.ui(ui.lang)?;
    Ok(Redirect::to("/settings/teams").into_response())
}

async fn rename_team(
    State(state): State<AppState>,
    ui: UiAgent,
    Path(id): Path<i64>,
    Form(form): Form<NameForm>,
) -> Result<Response, UiError> {
    ui.check_csrf(&form.csrf)?;
    admin(&ui)?;
    let name = required_text("name", &form.name, 100).map_err(|e| invalid(&ui, e))?;
    state.desk.store.rename_team(TeamId(id), &name).await.ui(ui.lang)?;
    Ok(Redirect::to("/settings/teams").into_response())
}

async fn macros_page(State(state): State<AppState>, ui: UiAgent) -> Result<Response, UiError> {
    admin(&ui)?;
    let lang = ui.lang;
    let macros = state.desk.store.list_macros().await.ui(lang)?;
    let body = html! {
        @for item in &macros {
            form .stacked .macro-edit method="post" action=(format!("/settings/macros/{}", item.id)) {
                (csrf(&ui))
                label for=(format!("m-{}-name", item.id)) { (lang.t("settings.name")) }
                input id=(format!("m-{}-name", item.id)) name="name" value=(item.name) required maxlength="100";
                label for=(format!("m-{}-body", item.id)) { (lang.t("settings.macro_body")) }
                textarea id=(format!("m-{}-body", item.id)) name="body" rows="4" required { (item.body) }
                div .actions {
                    button type="submit" { (lang.t("settings.save")) }
                    " "
                    button .danger type="submit" formaction=(format!("/settings/macros/{}/delete", item.id)) { (lang.t("settings.delete")) }
                }
            }
        }
        h2 { (lang.t("settings.add_macro")) }
        form .stacked method="post" action="/settings/macros" {
            (csrf(&ui))
            label for="m-name" { (lang.t("settings.name")) } input #m-name name="name" required maxlength="100";
            label for="m-body" { (lang.t("settings.macro_body")) } textarea #m-body name="body" rows="4" required {}
            p .muted { (lang.t("settings.macro_vars")) }
            button .primary type="submit" { (lang.t("settings.create")) }
        }
    };
    Ok(shell(&ui, "/settings/macros", lang.t("settings.macros"), body, &[]))
}

#[derive(Debug, Deserialize)]
struct MacroForm {
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    body: String,
}

impl MacroForm {
    fn input(&self) -> MacroInput {
        MacroInput { name: self.name.clone(), body: self.body.clone() }
    }
}

async fn create_macro(
    State(state): State<AppState>,
    ui: UiAgent,
    Form(form): Form<MacroForm>,
) -> Result<Response, UiError> {
    ui.check_csrf(&form.csrf)?;
    admin(&ui)?;
    let new = form.input().parse().ui(ui.lang)?;
    state.desk.store.create_macro(new, state.desk.now()).await.ui(ui.lang)?;
    Ok(Redirect::to("/settings/macros").into_response())
}

async fn update_macro(
    State(state): State<AppState>,
    ui: UiAgent,
    Path(id): Path<i64>,
    Form(form): Form<MacroForm>,
) -> Result<Response, UiError> {
    ui.check_csrf(&form.csrf)?;
    admin(&ui)?;
    let new = form.input().parse().ui(ui.lang)?;
    state.desk.store.update_macro(id, new, state.desk.now()).await.ui(ui.lang)?;
    Ok(Redirect::to("/settings/macros").into_response())
}

async fn delete_macro(
    State(state): State<AppState>,
    ui: UiAgent,
    Path(id): Path<i64>,
    Form(form): Form<MacroForm>,
) -> Result<Response, UiError> {
    ui.check_csrf(&form.csrf)?;
    admin(&ui)?;
    state.desk.store.delete_macro(id).await.ui(ui.lang)?;
    Ok(Redirect::to("/settings/macros").into_response())
}
