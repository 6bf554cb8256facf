//! The pages' static files, compiled into the binary and served with their content hash in
//! the URL, so a browser caches them for a year and never runs a stale script after an upgrade.

use std::sync::OnceLock;

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// `(name, content type, bytes)`.
const FILES: &[(&str, &str, &[u8])] = &[
    ("app.css", "text/css; charset=utf-8", include_bytes!("assets/app.css")),
    ("common.js", "text/javascript; charset=utf-8", include_bytes!("assets/common.js")),
    ("inbox.js", "text/javascript; charset=utf-8", include_bytes!("assets/inbox.js")),
    ("conversation.js", "text/javascript; charset=utf-8", include_bytes!("assets/conversation.js")),
    ("coach.js", "text/javascript; charset=utf-8", include_bytes!("assets/coach.js")),
    ("settings.js", "text/javascript; charset=utf-8", include_bytes!("assets/settings.js")),
    ("icon.svg", "image/svg+xml", include_bytes!("assets/icon.svg")),
];

fn hashes() -> &'static Vec<String> {
    static HASHES: OnceLock<Vec<String>> = OnceLock::new();
    HASHES.get_or_init(|| {
        FILES
            .iter()
            .map(|(_, _, bytes)| Sha256::digest(bytes).iter().take(6).map(|b| format!("{b:02x}")).collect())
            .collect()
    })
}

/// The URL of an asset, with its content hash.
pub fn url(name: &str) -> String {
    match FILES.iter().position(|(file, _, _)| *file == name) {
        Some(index) => format!("/assets/{name}?v={}", hashes()[index]),
        None => {
            debug_assert!(false, "no asset {name:?}");
            format!("/assets/{name}")
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Version {
    v: Option<String>,
}

/// Serves an asset: cached for a year when asked for by its current hash, revalidated otherwise.
pub async fn serve(Path(name): Path<String>, Query(version): Query<Version>) -> Response {
    let Some(index) = FILES.iter().position(|(file, _, _)| *file == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (_, content_type, bytes) = FILES[index];
    let cache = if version.v.as_deref() == Some(hashes()[index].as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    ([(CONTENT_TYPE, content_type), (CACHE_CONTROL, cache)], bytes).into_response()
}
