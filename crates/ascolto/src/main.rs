//! The `ascolto` binary: the command line, settings, the choice of database backend,
//! logging and graceful shutdown.

mod admin;
mod bench;
mod bench_imap;
mod bench_inbox;
mod bench_live;
mod bench_queue;
mod config;
mod demo;
mod server;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::{Config, Overrides};

/// Ascolto: a self-hosted help desk for e-mail, chat, WhatsApp and Telegram that coaches
/// every reply before it is sent.
#[derive(Debug, Parser)]
#[command(name = "ascolto", version, after_long_help = config::settings_help())]
struct Cli {
    /// A TOML file with settings (see the list below).
    #[arg(long, global = true, env = "ASCOLTO_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the help desk (SQLite in ./ascolto-data unless a database URL is set).
    Serve {
        #[command(flatten)]
        overrides: Overrides,
    },
    /// Run the help desk on a fresh database full of realistic demo conversations.
    Demo {
        #[command(flatten)]
        overrides: Overrides,
        /// Seconds between new demo customer messages (0 turns the trickle off).
        #[arg(long, default_value_t = 20)]
        trickle_seconds: u64,
    },
    /// Apply database migrations and exit.
    Migrate {
        #[command(flatten)]
        overrides: Overrides,
    },
    /// Manage agents and API tokens.
    Admin {
        #[command(flatten)]
        overrides: Overrides,
        #[command(subcommand)]
        command: admin::AdminCommand,
    },
    /// Run the reply coach on text from stdin.
    Coach {
        #[command(subcommand)]
        command: ascolto_coach_cli::CoachCommand,
    },
    /// Measure Ascolto on this machine.
    Bench {
        #[command(subcommand)]
        command: bench::BenchCommand,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let overrides = match &cli.command {
        Command::Serve { overrides }
        | Command::Demo { overrides, .. }
        | Command::Migrate { overrides }
        | Command::Admin { overrides, .. } => overrides.clone(),
        Command::Coach { .. } | Command::Bench { .. } => Overrides::default(),
    };
    let config = Config::load(cli.config.as_deref(), &overrides)?;
    if let Command::Coach { command } = cli.command {
        return ascolto_coach_cli::run(command);
    }
    init_logging(&config.log);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve { .. } => server::serve(config).await,
            Command::Demo { trickle_seconds, .. } => demo::run(config, trickle_seconds).await,
            Command::Migrate { .. } => server::migrate(&config).await,
            Command::Admin { command, .. } => admin::run(&config, command).await,
            Command::Bench { command } => bench::run(command).await,
            Command::Coach { .. } => Ok(()),
        }
    })
}

fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_target(false).init();
}
