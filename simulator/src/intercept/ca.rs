//! The local certificate authority: created once in a directory
//! (`ca.pem`, the certificate clients trust, and `ca-key.pem`, its private
//! key, readable by the owner only) and loaded from there on every start, so
//! that a trust setting made once keeps working. Creation is done under a
//! file lock, so two metasims starting together make one CA, and a directory
//! holding only half of a pair, or a key that does not match its
//! certificate, is reported instead of being overwritten.

use std::fs::{self, File, OpenOptions};
use std::io::Write as _;
use std::path::Path;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

/// The CA certificate (PEM), the file clients are told to trust.
pub const CERT_FILE: &str = "ca.pem";
/// The CA's private key (PEM, mode 0600).
pub const KEY_FILE: &str = "ca-key.pem";
const LOCK_FILE: &str = ".lock";
/// The CA's name as clients show it.
const COMMON_NAME: &str = "metasim local CA (offline simulator; not Meta)";
/// How long a new CA is valid.
const VALID_YEARS: i32 = 10;

/// A loaded CA: its certificate and what signs with its key.
pub struct CertificateAuthority {
    pub certificate: CertificateDer<'static>,
    pub issuer: Issuer<'static, KeyPair>,
}

fn params() -> CertificateParams {
    let mut params = CertificateParams::default();
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, COMMON_NAME);
    name.push(DnType::OrganizationName, "metasim");
    params.distinguished_name = name;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Write `contents` to `path` through a temporary file and a rename, with
/// `mode` from the start (the key is never readable by others, even briefly).
fn write_new(path: &Path, contents: &str, mode: u32) -> Result<(), String> {
    let temporary = path.with_extension("tmp");
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options
        .open(&temporary)
        .map_err(|e| format!("cannot write {}: {e}", temporary.display()))?;
    file.write_all(contents.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", temporary.display()))?;
    fs::rename(&temporary, path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

impl CertificateAuthority {
    /// The CA in `dir`, created there (with the directory) if it holds none.
    pub fn load_or_create(dir: &Path) -> Result<Self, String> {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let lock_path = dir.join(LOCK_FILE);
        let lock = File::create(&lock_path)
            .map_err(|e| format!("cannot create {}: {e}", lock_path.display()))?;
        lock.lock()
            .map_err(|e| format!("cannot lock {}: {e}", lock_path.display()))?;
        let cert_path = dir.join(CERT_FILE);
        let key_path = dir.join(KEY_FILE);
        match (cert_path.exists(), key_path.exists()) {
            (true, true) => Self::load(&cert_path, &key_path),
            (false, false) => Self::create(&cert_path, &key_path),
            (has_cert, _) => {
                let (present, missing) = if has_cert {
                    (&cert_path, &key_path)
                } else {
                    (&key_path, &cert_path)
                };
                Err(format!(
                    "{} exists but {} does not: remove the directory {} to make a new CA \
                     (clients must then trust the new {CERT_FILE})",
                    present.display(),
                    missing.display(),
                    dir.display()
                ))
            }
        }
    }

    fn create(cert_path: &Path, key_path: &Path) -> Result<Self, String> {
        let key = KeyPair::generate().map_err(|e| format!("cannot make the CA key: {e}"))?;
        let mut params = params();
        let (start, end) = super::certs::validity(VALID_YEARS * 365)?;
        params.not_before = start;
        params.not_after = end;
        let certificate = params
            .self_signed(&key)
            .map_err(|e| format!("cannot sign the CA certificate: {e}"))?;
        write_new(key_path, &key.serialize_pem(), 0o600)?;
        write_new(cert_path, &certificate.pem(), 0o644)?;
        Ok(Self {
            certificate: certificate.der().clone(),
            issuer: Issuer::new(params, key),
        })
    }

    fn load(cert_path: &Path, key_path: &Path) -> Result<Self, String> {
        let key = KeyPair::from_pem(&read(key_path)?)
            .map_err(|e| format!("{}: not a private key in PEM: {e}", key_path.display()))?;
        let certificate = CertificateDer::from_pem_slice(read(cert_path)?.as_bytes())
            .map_err(|e| format!("{}: not a certificate in PEM: {e}", cert_path.display()))?;
        // The certificate's SubjectPublicKeyInfo holds the key's public half.
        let public = key.public_key_raw();
        if !certificate.windows(public.len()).any(|w| w == public) {
            return Err(format!(
                "{} does not belong to the key {}: remove the directory to make a new CA",
                cert_path.display(),
                key_path.display()
            ));
        }
        Ok(Self {
            certificate,
            issuer: Issuer::new(params(), key),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("metasim-ca-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_ca_is_made_once_and_loaded_after() {
        let dir = scratch("once");
        let made = CertificateAuthority::load_or_create(&dir).unwrap();
        let loaded = CertificateAuthority::load_or_create(&dir).unwrap();
        assert_eq!(made.certificate, loaded.certificate);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = fs::metadata(dir.join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn half_a_pair_or_a_foreign_key_is_refused_and_left_alone() {
        let dir = scratch("half");
        CertificateAuthority::load_or_create(&dir).unwrap();
        let key = fs::read_to_string(dir.join(KEY_FILE)).unwrap();
        fs::remove_file(dir.join(KEY_FILE)).unwrap();
        let error = CertificateAuthority::load_or_create(&dir).err().unwrap();
        assert!(
            error.contains("exists but") && error.contains(KEY_FILE),
            "{error}"
        );
        assert!(!dir.join(KEY_FILE).exists());

        let other = KeyPair::generate().unwrap();
        fs::write(dir.join(KEY_FILE), other.serialize_pem()).unwrap();
        let error = CertificateAuthority::load_or_create(&dir).err().unwrap();
        assert!(error.contains("does not belong to the key"), "{error}");

        fs::write(dir.join(KEY_FILE), "not a key").unwrap();
        let error = CertificateAuthority::load_or_create(&dir).err().unwrap();
        assert!(error.contains("not a private key"), "{error}");

        fs::write(dir.join(KEY_FILE), key).unwrap();
        fs::write(dir.join(CERT_FILE), "-----BEGIN CERTIFICATE-----\n!!\n").unwrap();
        let error = CertificateAuthority::load_or_create(&dir).err().unwrap();
        assert!(error.contains("not a certificate"), "{error}");
        fs::remove_dir_all(&dir).unwrap();
    }
}
