//! `ascolto admin`: creating agents and API tokens from the shell, for the first setup and
//! for automation.

use ascolto_core::{EmailAddress, Role};
use ascolto_store::NewAgent;
use ascolto_web::auth::{hash_password, hash_secret, new_api_token, random_token};
use clap::Subcommand;

use crate::config::Config;
use crate::server::open_store;

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an agent and print their one-time password.
    CreateAgent {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        /// admin, lead or agent.
        #[arg(long, default_value = "agent")]
        role: Role,
        /// Languages the agent answers in, comma-separated (it, en).
        #[arg(long, value_delimiter = ',', default_value = "it,en")]
        languages: Vec<String>,
    },
    /// Create an API token acting as an agent and print it (shown only once).
    CreateToken {
        /// The e-mail address of the agent the token acts as.
        #[arg(long)]
        agent_email: String,
        /// What the token is for.
        #[arg(long, default_value = "integration")]
        name: String,
    },
}

pub async fn run(config: &Config, command: AdminCommand) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    match command {
        AdminCommand::CreateAgent { name, email, role, languages } => {
            let password = random_token()?;
            let new = NewAgent {
                name: ascolto_core::text::required_text("name", &name, 200)?,
                email: EmailAddress::parse(&email)?,
                role,
                password_hash: Some(hash_password(password.clone()).await?),
                languages,
                teams: Vec::new(),
                reports_to: None,
                ui_language: "en".into(),
            };
            let agent = store.create_agent(new).await?;
            println!("created {} {} <{}> (id {})", agent.role, agent.name, agent.email, agent.id);
            println!("one-time password: {password}");
        }
        AdminCommand::CreateToken { agent_email, name } => {
            let email = EmailAddress::parse(&agent_email)?;
            let (agent, _) = store
                .agent_credentials(email.as_str())
                .await?
                .ok_or_else(|| anyhow::anyhow!("no agent has the e-mail address {email}"))?;
            let token = new_api_token()?;
            store.create_api_token(agent.id, &name, &hash_secret(&token), chrono::Utc::now()).await?;
            println!("API token for {} (shown only now): {token}", agent.email);
        }
    }
    Ok(())
}
