//! What a test run exports to reach metasim as Meta's hosts with no code
//! change — the proxy and trust variables that Python, curl, Go and Node
//! read, the preload for Node's `https` module (which ignores proxy
//! variables) — and the lines `metasim serve --https` prints after its ready
//! line: those exports, where the CA certificate is, and the hosts-file line
//! for the TLS port.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::Path;

use super::META_HOSTS;

/// Loopback is never sent through the proxy (webhook receivers, metasim's
/// own control plane).
const NO_PROXY: &str = "127.0.0.1,localhost";

/// The variables to export, in groups: the proxy, the trust settings, Node's
/// preload. `proxy` is metasim's HTTP address.
pub fn exports(proxy: &str, ca_certificate: &Path) -> [Vec<(&'static str, String)>; 3] {
    let ca = ca_certificate.display().to_string();
    [
        vec![
            ("HTTPS_PROXY", proxy.to_owned()),
            ("https_proxy", proxy.to_owned()),
            ("NO_PROXY", NO_PROXY.to_owned()),
            ("no_proxy", NO_PROXY.to_owned()),
        ],
        vec![
            ("SSL_CERT_FILE", ca.clone()),
            ("REQUESTS_CA_BUNDLE", ca.clone()),
            ("CURL_CA_BUNDLE", ca.clone()),
            ("NODE_EXTRA_CA_CERTS", ca),
        ],
        vec![
            ("GLOBAL_AGENT_HTTP_PROXY", proxy.to_owned()),
            ("GLOBAL_AGENT_NO_PROXY", NO_PROXY.to_owned()),
            (
                "NODE_OPTIONS",
                "--require global-agent/bootstrap".to_owned(),
            ),
        ],
    ]
}

/// `export A=1 B="two words"` (double quotes where a value has a space).
fn export_line(variables: &[(&'static str, String)]) -> String {
    let mut line = String::from("  export");
    for (name, value) in variables {
        if value.contains(' ') {
            let _ = write!(line, " {name}=\"{value}\"");
        } else {
            let _ = write!(line, " {name}={value}");
        }
    }
    line
}

/// The banner lines; `proxy` is metasim's HTTP address, `tls_port` the TLS
/// port's address.
pub fn lines(proxy: SocketAddr, ca_certificate: &Path, tls_port: SocketAddr) -> String {
    let [proxying, trust, node] = exports(&format!("http://{proxy}"), ca_certificate);
    let mut text = String::new();
    let _ = writeln!(text, "  HTTPS as Meta:    {}", META_HOSTS.join(", "));
    let _ = writeln!(text, "  CA certificate:   {}", ca_certificate.display());
    let _ = writeln!(
        text,
        "  TLS port:         {tls_port} (answers as those hosts)"
    );
    let _ = writeln!(
        text,
        "  # Point SDKs that call https://graph.facebook.com at metasim:"
    );
    let _ = writeln!(text, "{}", export_line(&proxying));
    let _ = writeln!(text, "{}", export_line(&trust));
    let _ = writeln!(
        text,
        "  # Node's https module ignores HTTPS_PROXY: preload global-agent (npm install global-agent@3)"
    );
    let _ = writeln!(text, "{}", export_line(&node));
    let _ = writeln!(
        text,
        "  # Or no proxy: --https-port 443 and this line in /etc/hosts:"
    );
    let _ = writeln!(text, "  #   {} {}", tls_port.ip(), META_HOSTS.join(" "));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_banner_prints_every_export_as_a_shell_line() {
        let ca = Path::new("/tmp/ca/ca.pem");
        let text = lines(
            "127.0.0.1:8080".parse().unwrap(),
            ca,
            "127.0.0.1:8443".parse().unwrap(),
        );
        for (name, value) in exports("http://127.0.0.1:8080", ca).concat() {
            let quoted = if value.contains(' ') {
                format!("{name}=\"{value}\"")
            } else {
                format!("{name}={value}")
            };
            assert!(text.contains(&quoted), "{quoted} missing from\n{text}");
        }
        assert!(
            text.contains(
                "#   127.0.0.1 graph.facebook.com graph.instagram.com lookaside.fbsbx.com"
            )
        );
    }
}
