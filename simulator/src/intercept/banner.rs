//! What `metasim serve --https` prints after its ready line: where the CA
//! certificate is, and the exact lines a test run exports so that SDKs
//! calling `https://graph.facebook.com` reach metasim with no code change —
//! the proxy and trust variables of Python, Node, curl, Go and the JVM's
//! tools, the preload for Node's `https` module (which ignores proxy
//! variables), and the hosts-file line for the TLS port.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::Path;

use super::META_HOSTS;

/// The banner lines; `proxy` is metasim's HTTP address, `tls_port` the TLS
/// port's address.
pub fn lines(proxy: SocketAddr, ca_certificate: &Path, tls_port: SocketAddr) -> String {
    let ca = ca_certificate.display();
    let proxy_url = format!("http://{proxy}");
    let hosts = META_HOSTS.join(" ");
    let mut text = String::new();
    let _ = writeln!(text, "  HTTPS as Meta:    {}", META_HOSTS.join(", "));
    let _ = writeln!(text, "  CA certificate:   {ca}");
    let _ = writeln!(
        text,
        "  TLS port:         {tls_port} (answers as those hosts)"
    );
    let _ = writeln!(
        text,
        "  # Through the proxy (Python requests/httpx, curl, Go, Node with the preload):"
    );
    let _ = writeln!(
        text,
        "  export HTTPS_PROXY={proxy_url} https_proxy={proxy_url} NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost"
    );
    let _ = writeln!(
        text,
        "  export SSL_CERT_FILE={ca} REQUESTS_CA_BUNDLE={ca} CURL_CA_BUNDLE={ca} NODE_EXTRA_CA_CERTS={ca}"
    );
    let _ = writeln!(
        text,
        "  export GLOBAL_AGENT_HTTP_PROXY={proxy_url} NODE_OPTIONS=\"--require global-agent/bootstrap\"   # Node: npm install global-agent"
    );
    let _ = writeln!(
        text,
        "  # Or without a proxy: serve the TLS port on 443 (--https-port 443) and add to /etc/hosts:"
    );
    let _ = writeln!(text, "  #   {} {hosts}", tls_port.ip());
    text
}
