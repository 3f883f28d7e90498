//! `multipart/form-data` bodies (media uploads): text parts become parameters,
//! file parts are kept with their content type. Parts may come in any order.

use axum::body::Bytes;
use serde_json::{Map, Value};

use super::error::GraphError;
use super::request::UploadedFile;

/// Largest multipart body read (Meta's largest media, 100 MB, plus the form).
pub const MULTIPART_BODY_LIMIT: usize = 101 * 1024 * 1024;

pub fn is_multipart(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| {
        ct.trim_start()
            .to_ascii_lowercase()
            .starts_with("multipart/form-data")
    })
}

fn malformed(detail: impl std::fmt::Display) -> GraphError {
    GraphError::invalid_parameter(format!("Malformed multipart/form-data body: {detail}"))
}

pub async fn parse(
    content_type: &str,
    bytes: Bytes,
) -> Result<(Map<String, Value>, Vec<UploadedFile>), GraphError> {
    let boundary = multer::parse_boundary(content_type).map_err(malformed)?;
    let mut multipart = multer::Multipart::with_reader(std::io::Cursor::new(bytes), boundary);
    let mut params = Map::new();
    let mut files = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(malformed)? {
        let name = field.name().unwrap_or_default().to_owned();
        let is_file = field.file_name().is_some();
        let content_type = field.content_type().map(ToString::to_string);
        let data = field.bytes().await.map_err(malformed)?;
        if is_file {
            files.push(UploadedFile {
                field: name,
                content_type,
                bytes: data.to_vec(),
            });
        } else {
            params.insert(
                name,
                Value::String(String::from_utf8_lossy(&data).into_owned()),
            );
        }
    }
    Ok((params, files))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn text_and_file_parts_in_any_order() {
        let body = "--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\nPNGDATA\r\n--XYZ\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\nwhatsapp\r\n--XYZ--\r\n";
        let (params, files) = parse("multipart/form-data; boundary=XYZ", Bytes::from(body))
            .await
            .unwrap();
        assert_eq!(params["messaging_product"], "whatsapp");
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].field, "file");
        assert_eq!(files[0].content_type.as_deref(), Some("image/png"));
        assert_eq!(files[0].bytes, b"PNGDATA");
        assert!(
            parse("multipart/form-data", Bytes::from("x"))
                .await
                .is_err()
        );
        assert!(is_multipart(Some("Multipart/Form-Data; boundary=a")));
    }
}
