//! HTTPS interception: metasim answering as Meta's own hosts, so that SDKs
//! which hard-code `https://graph.facebook.com` reach it with no code change.
//!
//! A local certificate authority ([`ca`]) is created once and kept in a
//! directory; at start a leaf certificate for Meta's hosts is signed with it
//! ([`certs`]). Clients then reach metasim two ways, both ending in the same
//! router over TLS ([`tls`]): through metasim's HTTP port as an HTTPS proxy
//! (`CONNECT graph.facebook.com:443`, [`connect`]), with `HTTPS_PROXY` and the
//! runtime's trust variable set; or on a TLS port that a hosts-file entry
//! points Meta's host names at. [`banner`] prints the lines to export.

pub mod banner;
pub mod ca;
pub mod certs;
pub mod connect;
pub mod tls;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;

/// The hosts metasim answers as: the Graph API (Facebook and Instagram) and
/// the lookaside host that serves WhatsApp media downloads.
pub const META_HOSTS: [&str; 3] = [
    "graph.facebook.com",
    "graph.instagram.com",
    "lookaside.fbsbx.com",
];

/// The host Meta's media download URLs name.
pub const MEDIA_HOST: &str = "lookaside.fbsbx.com";

/// Whether `host` (no port, any case) is one of [`META_HOSTS`].
pub fn is_meta_host(host: &str) -> bool {
    META_HOSTS
        .iter()
        .any(|meta| meta.eq_ignore_ascii_case(host))
}

/// The base of a media download URL for a call made at `base_url`: Meta's
/// lookaside host when the call came in as an intercepted Graph host over
/// HTTPS, the same base otherwise (plain `http://127.0.0.1:…`).
pub fn media_base_url(base_url: &str) -> std::borrow::Cow<'_, str> {
    let host = base_url
        .strip_prefix("https://")
        .map(|authority| authority.strip_suffix(":443").unwrap_or(authority));
    match host {
        Some(host) if is_meta_host(host) => format!("https://{MEDIA_HOST}").into(),
        _ => base_url.into(),
    }
}

/// Everything interception needs at run time: where the CA lives and the TLS
/// configuration that presents the signed leaf certificate.
#[derive(Clone)]
pub struct Interception {
    ca_dir: PathBuf,
    tls: Arc<rustls::ServerConfig>,
}

impl Interception {
    /// Load the CA from `ca_dir` (creating it the first time) and sign a
    /// fresh leaf certificate for [`META_HOSTS`].
    pub fn prepare(ca_dir: &Path) -> Result<Self, String> {
        let authority = ca::CertificateAuthority::load_or_create(ca_dir)?;
        let tls = certs::server_config(&authority)?;
        Ok(Self {
            ca_dir: ca_dir.to_owned(),
            tls: Arc::new(tls),
        })
    }

    /// The CA certificate clients must trust (PEM).
    pub fn ca_certificate(&self) -> PathBuf {
        self.ca_dir.join(ca::CERT_FILE)
    }

    /// `app` with the CONNECT proxy in front of it: `CONNECT` to a Meta host
    /// is answered by `app` itself over TLS; every other request goes to `app`.
    pub fn proxy(&self, app: Router) -> Router {
        connect::layer(app, self.tls.clone())
    }

    /// Serve `app` over TLS on `listener` until the task is dropped.
    pub async fn serve_tls_port(&self, listener: tokio::net::TcpListener, app: Router) {
        tls::accept_loop(listener, app, self.tls.clone()).await;
    }
}

/// The default CA directory: `$XDG_DATA_HOME/metasim/ca`, else
/// `$HOME/.local/share/metasim/ca`.
pub fn default_ca_dir() -> Option<PathBuf> {
    let non_empty = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
    let data = non_empty("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| non_empty("HOME").map(|home| Path::new(&home).join(".local/share")))?;
    Some(data.join("metasim").join("ca"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_hosts_match_in_any_case_and_nothing_else() {
        assert!(is_meta_host("graph.facebook.com"));
        assert!(is_meta_host("Graph.Instagram.COM"));
        assert!(!is_meta_host("graph.facebook.com.evil.example"));
        assert!(!is_meta_host("facebook.com"));
    }

    #[test]
    fn media_urls_name_the_lookaside_host_only_when_intercepted() {
        assert_eq!(
            media_base_url("https://graph.facebook.com"),
            "https://lookaside.fbsbx.com"
        );
        assert_eq!(
            media_base_url("https://graph.facebook.com:443"),
            "https://lookaside.fbsbx.com"
        );
        assert_eq!(
            media_base_url("https://graph.facebook.com:8443"),
            "https://graph.facebook.com:8443"
        );
        assert_eq!(
            media_base_url("http://127.0.0.1:8080"),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            media_base_url("http://graph.facebook.com"),
            "http://graph.facebook.com"
        );
    }
}
