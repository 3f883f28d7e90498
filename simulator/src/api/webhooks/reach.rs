//! Which hosts webhooks and verification handshakes may reach: any, unless
//! the server was started with `--webhook-host` (repeatable), which names the
//! only ones — exactly, or a domain's hosts as `*.example.com`. Checked before
//! every handshake and delivery attempt, and on every redirect a receiver
//! answers with.

/// Why `url` may not be reached, if it may not.
pub fn refusal(allowed: Option<&[String]>, url: &str) -> Option<String> {
    let allowed = allowed?;
    let host = reqwest::Url::parse(url).ok().and_then(|url| {
        url.host_str()
            .map(|h| h.trim_matches(['[', ']']).to_ascii_lowercase())
    });
    let Some(host) = host else {
        return Some(format!("{url} names no host"));
    };
    let listed = allowed.iter().any(|pattern| {
        let pattern = pattern.to_ascii_lowercase();
        match pattern.strip_prefix("*.") {
            _ if pattern == "*" => true,
            Some(domain) => host.ends_with(&format!(".{domain}")),
            None => host == pattern,
        }
    });
    (!listed).then(|| format!("host {host} is not one metasim may reach (--webhook-host)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_listed_hosts_and_domains() {
        let allowed = vec![
            "127.0.0.1".to_owned(),
            "*.hooks.example".to_owned(),
            "::1".to_owned(),
        ];
        let allowed = Some(allowed.as_slice());
        assert_eq!(refusal(None, "https://anywhere.example/x"), None);
        assert_eq!(refusal(allowed, "http://127.0.0.1:9000/hook"), None);
        assert_eq!(refusal(allowed, "http://[::1]:9000/hook"), None);
        assert_eq!(refusal(allowed, "https://a.hooks.example/x"), None);
        assert_eq!(
            refusal(allowed, "https://hooks.example.evil.com/x").as_deref(),
            Some("host hooks.example.evil.com is not one metasim may reach (--webhook-host)")
        );
        assert!(refusal(allowed, "https://example.org/").is_some());
        assert!(refusal(allowed, "not a url").is_some());
        let any = vec!["*".to_owned()];
        assert_eq!(refusal(Some(any.as_slice()), "https://example.org/"), None);
    }
}
