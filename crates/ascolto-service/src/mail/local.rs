//! Local mail servers on loopback for tests and `ascolto bench imap`: Debian's dovecot run
//! unprivileged in a temporary folder, and Debian's aiosmtpd writing each received mail to a
//! maildir. Nothing here is used by a running desk.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Where Debian's `dovecot-imapd` puts the server.
pub const DOVECOT: &str = "/usr/sbin/dovecot";
/// Debian's Python, which has `python3-aiosmtpd`.
pub const PYTHON: &str = "/usr/bin/python3";

/// Whether dovecot and aiosmtpd are installed, or why not.
pub fn missing_servers() -> Option<String> {
    if !Path::new(DOVECOT).exists() {
        return Some(format!("{DOVECOT} is missing (apt-get install dovecot-imapd)"));
    }
    let aiosmtpd = Command::new(PYTHON).args(["-c", "import aiosmtpd"]).status();
    if !aiosmtpd.is_ok_and(|status| status.success()) {
        return Some("python3-aiosmtpd is missing (apt-get install python3-aiosmtpd)".to_owned());
    }
    None
}

/// A free loopback port (bound, then released).
pub fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn wait_for_port(port: u16) -> std::io::Result<()> {
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(std::io::Error::new(std::io::ErrorKind::TimedOut, format!("nothing listens on port {port}")))
}

fn command_output(program: &str, args: &[&str]) -> std::io::Result<String> {
    let output = Command::new(program).args(args).output()?;
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Dovecot on a loopback port with one user, `support@desk.example` / `secret`, in a
/// temporary folder; run as `nobody` when started by root, as the current user otherwise.
#[derive(Debug)]
pub struct LocalDovecot {
    folder: tempfile::TempDir,
    child: Option<Child>,
    pub port: u16,
    pub user: String,
    pub password: String,
    owner: Option<(u32, u32)>,
    sequence: u64,
}

impl LocalDovecot {
    pub fn start() -> std::io::Result<Self> {
        let folder = tempfile::Builder::new().prefix("ascolto-dovecot-").tempdir()?;
        let root = command_output("id", &["-u"])? == "0";
        let (login_user, group, owner) = if root {
            let uid = command_output("id", &["-u", "nobody"])?.parse().unwrap_or(65534);
            let gid = command_output("id", &["-g", "nobody"])?.parse().unwrap_or(65534);
            let group = command_output("id", &["-gn", "nobody"])?;
            ("nobody".to_owned(), group, Some((uid, gid)))
        } else {
            (command_output("id", &["-un"])?, command_output("id", &["-gn"])?, None)
        };
        let mut server = Self {
            folder,
            child: None,
            port: free_port()?,
            user: "support@desk.example".to_owned(),
            password: "secret".to_owned(),
            owner,
            sequence: 0,
        };
        server.write_config(&login_user, &group)?;
        server.launch()?;
        Ok(server)
    }

    fn dir(&self) -> &Path {
        self.folder.path()
    }

    fn write_config(&self, login_user: &str, group: &str) -> std::io::Result<()> {
        let dir = self.dir().display().to_string();
        let port = self.port;
        let config = format!(
            "protocols = imap\nlisten = 127.0.0.1\nbase_dir = {dir}/run\nstate_dir = {dir}/state\n\
             instance_name = ascolto-test-{port}\nlog_path = {dir}/dovecot.log\nssl = no\n\
             disable_plaintext_auth = no\nauth_mechanisms = plain login\n\
             default_login_user = {login_user}\ndefault_internal_user = {login_user}\n\
             default_internal_group = {group}\n\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {dir}/users\n}}\n\
             userdb {{\n  driver = static\n  args = uid={login_user} gid={group} home={dir}/home/%u\n}}\n\
             mail_location = maildir:~/Maildir\n\
             service imap-login {{\n  chroot =\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n  inet_listener imaps {{\n    port = 0\n  }}\n}}\n\
             service anvil {{\n  chroot =\n}}\nservice auth {{\n  chroot =\n}}\n"
        );
        std::fs::write(self.dir().join("dovecot.conf"), config)?;
        std::fs::write(self.dir().join("users"), format!("{}:{{PLAIN}}{}\n", self.user, self.password))?;
        for folder in ["run", "state", "home"] {
            std::fs::create_dir_all(self.dir().join(folder))?;
        }
        self.create_folder("INBOX")?;
        self.give_away(self.dir())
    }

    fn launch(&mut self) -> std::io::Result<()> {
        let config = self.dir().join("dovecot.conf");
        let mut command = Command::new(DOVECOT);
        command.arg("-F").arg("-c").arg(&config);
        if let Some((uid, gid)) = self.owner {
            use std::os::unix::process::CommandExt;
            command.uid(uid).gid(gid);
        }
        let child = command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).spawn()?;
        self.child = Some(child);
        wait_for_port(self.port)
    }

    /// Hands a path (recursively) to the user dovecot runs as.
    fn give_away(&self, path: &Path) -> std::io::Result<()> {
        let Some((uid, gid)) = self.owner else { return Ok(()) };
        std::os::unix::fs::chown(path, Some(uid), Some(gid))?;
        if path.is_dir() {
            for entry in std::fs::read_dir(path)? {
                self.give_away(&entry?.path())?;
            }
        }
        Ok(())
    }

    /// The maildir folder of an IMAP folder (`INBOX`, or a Maildir++ subfolder).
    pub fn maildir(&self, folder: &str) -> PathBuf {
        let base = self.dir().join("home").join(&self.user).join("Maildir");
        if folder.eq_ignore_ascii_case("INBOX") { base } else { base.join(format!(".{folder}")) }
    }

    /// Creates a folder so it can be selected.
    pub fn create_folder(&self, folder: &str) -> std::io::Result<()> {
        let dir = self.maildir(folder);
        for sub in ["cur", "new", "tmp"] {
            std::fs::create_dir_all(dir.join(sub))?;
        }
        self.give_away(&self.dir().join("home"))
    }

    /// Delivers a mail into `folder`, already read (`\Seen`) or not, as a mail server would.
    pub fn deliver(&mut self, folder: &str, raw: &[u8], seen: bool) -> std::io::Result<()> {
        self.sequence += 1;
        let name = format!("1700000000.M{:09}P1.ascolto", self.sequence);
        let path = if seen {
            self.maildir(folder).join("cur").join(format!("{name}:2,S"))
        } else {
            self.maildir(folder).join("new").join(name)
        };
        let temporary = self.maildir(folder).join("tmp").join(format!("{}.tmp", self.sequence));
        std::fs::write(&temporary, raw)?;
        self.give_away(&temporary)?;
        std::fs::rename(&temporary, path)
    }

    /// Stops the server.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SIGTERM lets the master stop its login and auth processes too.
            let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
            let _ = child.wait();
        }
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Starts it again on the same port after `stop`.
    pub fn restart(&mut self) -> std::io::Result<()> {
        self.stop();
        self.launch()
    }

    /// Makes dovecot renumber `folder` (a new UIDVALIDITY), as after a server migration: its
    /// index and UID list are deleted while it is stopped.
    pub fn renumber(&mut self, folder: &str) -> std::io::Result<()> {
        self.stop();
        for entry in std::fs::read_dir(self.maildir(folder))? {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_owned();
            if name.starts_with("dovecot") {
                if path.is_dir() { std::fs::remove_dir_all(&path)? } else { std::fs::remove_file(&path)? }
            }
        }
        // A UIDVALIDITY is a timestamp: make sure the new one differs from the old.
        std::thread::sleep(Duration::from_millis(1100));
        self.launch()
    }
}

impl Drop for LocalDovecot {
    fn drop(&mut self) {
        self.stop();
    }
}

/// An SMTP listener on loopback (aiosmtpd), storing each mail it receives as a file.
#[derive(Debug)]
pub struct LocalSmtp {
    folder: tempfile::TempDir,
    child: Option<Child>,
    pub port: u16,
}

impl LocalSmtp {
    /// Reserves a port without listening yet (to test a server that is down).
    pub fn reserve() -> std::io::Result<Self> {
        let folder = tempfile::Builder::new().prefix("ascolto-smtp-").tempdir()?;
        Ok(Self { folder, child: None, port: free_port()? })
    }

    pub fn start() -> std::io::Result<Self> {
        let mut server = Self::reserve()?;
        server.listen()?;
        Ok(server)
    }

    /// Starts listening on the reserved port.
    pub fn listen(&mut self) -> std::io::Result<()> {
        let maildir = self.folder.path().join("mail");
        let child = Command::new(PYTHON)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{}", self.port),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(&maildir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        self.child = Some(child);
        wait_for_port(self.port)
    }

    /// Every mail received so far, in no particular order.
    pub fn received(&self) -> Vec<Vec<u8>> {
        let mut mails = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.folder.path().join("mail").join(sub)) else { continue };
            for entry in entries.flatten() {
                if let Ok(bytes) = std::fs::read(entry.path()) {
                    mails.push(bytes);
                }
            }
        }
        mails
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for LocalSmtp {
    fn drop(&mut self) {
        self.stop();
    }
}
