//! The leaf certificate metasim presents as Meta's hosts: one certificate
//! naming every host of [`super::META_HOSTS`], signed by the local CA at each
//! start (valid from yesterday for 90 days, so a clock a little behind does
//! not reject it), and the rustls configuration that serves it (HTTP/1.1).

use std::time::{SystemTime, UNIX_EPOCH};

use rcgen::{CertificateParams, DnType, ExtendedKeyUsagePurpose, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

use super::META_HOSTS;
use super::ca::CertificateAuthority;

/// How long a leaf certificate is valid.
const LEAF_DAYS: i32 = 90;
const SECONDS_PER_DAY: i64 = 86_400;

/// From the start of yesterday (UTC) to `days` days after it.
pub fn validity(days: i32) -> Result<(time::OffsetDateTime, time::OffsetDateTime), String> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| "the system clock is before 1970".to_owned())?
        .as_secs();
    let now = i64::try_from(now).map_err(|_| "the system clock is out of range".to_owned())?;
    let yesterday = (now / SECONDS_PER_DAY - 1) * SECONDS_PER_DAY;
    let start = time::OffsetDateTime::from_unix_timestamp(yesterday)
        .map_err(|e| format!("the system clock is out of range: {e}"))?;
    let end = start + time::Duration::days(i64::from(days));
    Ok((start, end))
}

/// A rustls server configuration presenting a fresh leaf for Meta's hosts.
pub fn server_config(authority: &CertificateAuthority) -> Result<rustls::ServerConfig, String> {
    let key = KeyPair::generate().map_err(|e| format!("cannot make a TLS key: {e}"))?;
    let mut params = CertificateParams::new(META_HOSTS.map(str::to_owned).to_vec())
        .map_err(|e| format!("cannot name Meta's hosts in a certificate: {e}"))?;
    params
        .distinguished_name
        .push(DnType::CommonName, META_HOSTS[0]);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    let (start, end) = validity(LEAF_DAYS)?;
    params.not_before = start;
    params.not_after = end;
    let leaf = params
        .signed_by(&key, &authority.issuer)
        .map_err(|e| format!("cannot sign the TLS certificate: {e}"))?;
    let chain = vec![leaf.der().clone(), authority.certificate.clone()];
    let private = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let mut config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(chain, private)
        .map_err(|e| format!("cannot use the TLS certificate: {e}"))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}
