//! Customer HTML made safe for an agent's browser.
//!
//! Everything a customer sends as HTML passes through [`sanitize`] before it is stored, so
//! no page or API response can ever carry a script, an event handler or a tracking pixel
//! from a customer.

use std::sync::OnceLock;

use ammonia::Builder;

/// The sanitiser: ammonia's safe defaults, links opened with `rel="noopener noreferrer"`,
/// and remote images dropped (they leak that the agent read the mail); inline `cid:` and
/// `data:` images are kept only as text.
fn builder() -> &'static Builder<'static> {
    static BUILDER: OnceLock<Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut builder = Builder::default();
        builder.link_rel(Some("noopener noreferrer nofollow"));
        builder.rm_tags(["img"]);
        builder.url_schemes(["http", "https", "mailto", "tel"].into());
        builder
    })
}

/// Returns `html` with everything unsafe removed.
pub fn sanitize(html: &str) -> String {
    builder().clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn scripts_and_handlers_are_removed() {
        let clean = sanitize(
            r#"<p onclick="steal()">Ciao<script>alert(1)</script><a href="javascript:alert(2)">x</a></p>"#,
        );
        assert!(!clean.contains("script"), "{clean}");
        assert!(!clean.contains("onclick"), "{clean}");
        assert!(!clean.contains("javascript"), "{clean}");
        assert!(clean.contains("Ciao"), "{clean}");
    }

    #[test]
    fn remote_images_are_dropped() {
        let clean = sanitize(r#"<p>hi<img src="https://tracker.example/p.gif"></p>"#);
        assert!(!clean.contains("tracker"), "{clean}");
    }

    #[test]
    fn links_get_noopener() {
        let clean = sanitize(r#"<a href="https://example.com">site</a>"#);
        assert!(clean.contains("noopener"), "{clean}");
    }
}
