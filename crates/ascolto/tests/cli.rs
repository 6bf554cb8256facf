//! The binary end to end: `--help` documents every setting, and `ascolto demo` serves demo
//! conversations to the printed token.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn ascolto() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ascolto"))
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn help_lists_every_setting_with_its_variable() {
    let output = ascolto().arg("--help").output().unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    for variable in [
        "ASCOLTO_LISTEN",
        "ASCOLTO_DATA_DIR",
        "ASCOLTO_DATABASE_URL",
        "ASCOLTO_SECURE_COOKIES",
        "ASCOLTO_LOG",
    ] {
        assert!(help.contains(variable), "{variable} missing from --help:\n{help}");
    }
}

#[tokio::test]
async fn demo_serves_conversations_to_the_printed_token() {
    let dir = tempfile::tempdir().unwrap();
    let child = ascolto()
        .args(["demo", "--listen", "127.0.0.1:0", "--trickle-seconds", "1", "--data-dir"])
        .arg(dir.path())
        .env("ASCOLTO_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = KillOnDrop(child);
    let mut stdout = BufReader::new(child.0.stdout.take().unwrap()).lines();
    let (mut url, mut token) = (None, None);
    for line in stdout.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("Ascolto demo is running at ") {
            url = Some(rest.trim().to_owned());
        }
        if let Some(rest) = line.strip_prefix("Demo API token: ") {
            token = Some(rest.trim().to_owned());
            break;
        }
    }
    let (url, token) = (url.expect("no URL printed"), token.expect("no token printed"));
    // Keep reading what the demo prints, so it never writes into a closed pipe.
    std::thread::spawn(move || stdout.for_each(drop));
    let client = reqwest::Client::new();
    let list = |cursor: Option<String>| {
        let mut request = client.get(format!("{url}/api/v1/conversations?limit=200")).bearer_auth(&token);
        if let Some(cursor) = cursor {
            request = request.query(&[("cursor", cursor)]);
        }
        request.send()
    };
    let first: serde_json::Value = list(None).await.unwrap().json().await.unwrap();
    let mut total = first["data"].as_array().unwrap().len();
    let mut cursor = first["next_cursor"].as_str().map(str::to_owned);
    while let Some(next) = cursor {
        let page: serde_json::Value = list(Some(next)).await.unwrap().json().await.unwrap();
        total += page["data"].as_array().unwrap().len();
        cursor = page["next_cursor"].as_str().map(str::to_owned);
    }
    assert!(total >= 200, "only {total} demo conversations");
    let channels: std::collections::BTreeSet<String> =
        first["data"].as_array().unwrap().iter().map(|c| c["channel"].as_str().unwrap().to_owned()).collect();
    assert!(channels.len() >= 3, "demo conversations on too few channels: {channels:?}");

    // The trickle adds messages while the demo runs.
    let before =
        client.get(format!("{url}/api/v1/conversations?limit=1")).bearer_auth(&token).send().await.unwrap();
    let before: serde_json::Value = before.json().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let now = client
            .get(format!("{url}/api/v1/conversations?limit=1"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let now: serde_json::Value = now.json().await.unwrap();
        if now["data"][0]["last_message_at"] != before["data"][0]["last_message_at"] {
            break;
        }
        assert!(Instant::now() < deadline, "no new demo message arrived in 20 s");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[test]
fn bench_imap_fetches_every_mail_it_delivered_to_a_local_dovecot() {
    if !std::path::Path::new("/usr/sbin/dovecot").exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI must run the IMAP bench: dovecot is missing"
        );
        println!("SKIPPED: /usr/sbin/dovecot is missing (apt-get install dovecot-imapd)");
        return;
    }
    let output = ascolto().args(["bench", "imap", "--messages", "30"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("imap fetch on sqlite: 30 mails in"), "{stdout}");
    assert!(stdout.contains("30 e-mail messages in the store"), "{stdout}");
}
