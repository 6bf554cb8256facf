//! Ascolto's settings: one typed struct, read from defaults, then a TOML file, then
//! `ASCOLTO_*` environment variables, then command-line flags.
//!
//! The database URL may hold a password, so [`Config`]'s `Debug` redacts it and nothing
//! logs the struct's fields one by one.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// Every setting, its default and what it does, for `--help` and the README.
pub const SETTINGS: &[(&str, &str, &str)] = &[
    ("listen", "127.0.0.1:8080", "address and port the web server binds"),
    ("data_dir", "./ascolto-data", "folder for the embedded SQLite database and attachments"),
    (
        "database_url",
        "(none: SQLite in data_dir)",
        "postgres://user:pass@host/db to run on PostgreSQL (many nodes), or sqlite:///path/to/file.db",
    ),
    ("public_url", "http://127.0.0.1:8080", "the address people reach Ascolto at, used in printed links"),
    ("secure_cookies", "false", "mark session cookies Secure (set true behind HTTPS)"),
    ("session_ttl_hours", "12", "how long a sign-in lasts"),
    ("max_body_bytes", "2097152", "largest request body accepted, in bytes"),
    ("admin_email", "admin@localhost", "e-mail address of the admin created on first run"),
    ("dictionaries_dir", "/usr/share/hunspell", "where the coach finds Hunspell dictionaries (it_IT, en_US)"),
    ("log", "info", "log filter, e.g. info or ascolto=debug,tower_http=info"),
];

/// The text appended to `--help`: every setting and its environment variable.
pub fn settings_help() -> String {
    let mut help = String::from(
        "Settings (defaults, then the --config TOML file, then ASCOLTO_* environment variables, then flags):\n",
    );
    for (key, default, doc) in SETTINGS {
        help.push_str(&format!(
            "  {key:<18} ASCOLTO_{:<18} {doc} [default: {default}]\n",
            key.to_uppercase()
        ));
    }
    help
}

/// Where the data lives.
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    Sqlite(PathBuf),
    Postgres(String),
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Database::Sqlite(path) => write!(f, "Sqlite({})", path.display()),
            Database::Postgres(_) => f.write_str("Postgres(<redacted>)"),
        }
    }
}

/// Ascolto's settings. See [`SETTINGS`] for each one.
#[derive(Clone, Serialize, Deserialize)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub public_url: Option<String>,
    pub secure_cookies: bool,
    pub session_ttl_hours: u64,
    pub max_body_bytes: usize,
    pub admin_email: String,
    pub dictionaries_dir: PathBuf,
    pub log: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./ascolto-data"),
            database_url: None,
            public_url: None,
            secure_cookies: false,
            session_ttl_hours: 12,
            max_body_bytes: 2 * 1024 * 1024,
            admin_email: "admin@localhost".to_owned(),
            dictionaries_dir: PathBuf::from("/usr/share/hunspell"),
            log: "info".to_owned(),
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("database", &self.database())
            .field("public_url", &self.public_url)
            .field("secure_cookies", &self.secure_cookies)
            .field("session_ttl_hours", &self.session_ttl_hours)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("admin_email", &self.admin_email)
            .field("dictionaries_dir", &self.dictionaries_dir)
            .field("log", &self.log)
            .finish()
    }
}

/// Settings given on the command line; they win over everything else.
#[derive(Debug, Clone, Default, Serialize, clap::Args)]
pub struct Overrides {
    /// Address and port to bind, e.g. 0.0.0.0:8080.
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
    /// Folder for the embedded database.
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    /// postgres:// or sqlite:// URL (overrides data_dir).
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
}

impl Config {
    /// Reads the settings from defaults, `file` (when given), the environment and `overrides`.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            anyhow::ensure!(file.exists(), "the config file {} does not exist", file.display());
            figment = figment.merge(Toml::file(file));
        }
        figment
            .merge(Env::prefixed("ASCOLTO_").ignore(&["test_postgres_url"]))
            .merge(Serialized::defaults(overrides))
            .extract()
            .context("reading the settings")
    }

    /// The database to use: `database_url` when set, otherwise SQLite in `data_dir`.
    pub fn database(&self) -> Database {
        match self.database_url.as_deref() {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Database::Postgres(url.to_owned())
            }
            Some(url) => Database::Sqlite(PathBuf::from(url.trim_start_matches("sqlite://"))),
            None => Database::Sqlite(self.data_dir.join("ascolto.db")),
        }
    }

    /// The address people reach Ascolto at.
    pub fn public_url(&self) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{}", self.listen))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_urls_choose_postgres_and_are_redacted() {
        let config =
            Config { database_url: Some("postgres://u:hunter2@db/ascolto".into()), ..Config::default() };
        assert!(matches!(config.database(), Database::Postgres(_)));
        let debug = format!("{config:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
    }

    #[test]
    fn the_default_is_sqlite_in_the_data_dir() {
        assert_eq!(
            Config::default().database(),
            Database::Sqlite(PathBuf::from("./ascolto-data/ascolto.db"))
        );
    }

    #[test]
    fn flags_win_over_defaults() {
        let overrides = Overrides { listen: Some("127.0.0.1:9999".parse().unwrap()), ..Overrides::default() };
        let config = Config::load(None, &overrides).unwrap();
        assert_eq!(config.listen.port(), 9999);
    }

    #[test]
    fn every_setting_is_documented() {
        let documented: Vec<&str> = SETTINGS.iter().map(|(key, _, _)| *key).collect();
        let value = figment::value::Value::serialize(Config::default()).unwrap();
        let dict = value.into_dict().unwrap();
        for key in dict.keys() {
            assert!(documented.contains(&key.as_str()), "{key} is missing from SETTINGS");
        }
    }
}
