//! A group's profile picture (Meta's `POST /{group-id}` with an image file):
//! a square JPEG of at least 192×192 pixels and at most 5 MB. Meta has no
//! API that returns the picture, only the `group_settings_update` webhook's
//! `profile_picture` (`mime_type`, `sha256`), so the group keeps what
//! identifies it — its digest, type, size and dimensions — not its bytes.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The largest picture Meta takes.
pub const PHOTO_BYTES_MAX: usize = 5 * 1024 * 1024;
/// The smallest width and height Meta takes.
pub const PHOTO_SIDE_MIN: u32 = 192;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GroupPhoto {
    pub mime_type: String,
    /// Base64 SHA-256 of the file, as Meta's webhooks give media digests.
    pub sha256: String,
    pub bytes: usize,
    pub width: u32,
    pub height: u32,
}

/// Why a picture is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhotoRefusal {
    /// Not a JPEG file (or one without a frame header).
    NotJpeg,
    TooLarge,
    /// 131209: width and height differ.
    NotSquare {
        width: u32,
        height: u32,
    },
    /// 131210: a side under 192 pixels.
    TooSmall {
        side: u32,
    },
}

impl GroupPhoto {
    /// Check an uploaded file as Meta does and describe it.
    pub fn from_file(bytes: &[u8]) -> Result<Self, PhotoRefusal> {
        if bytes.len() > PHOTO_BYTES_MAX {
            return Err(PhotoRefusal::TooLarge);
        }
        let (width, height) = jpeg_dimensions(bytes).ok_or(PhotoRefusal::NotJpeg)?;
        if width != height {
            return Err(PhotoRefusal::NotSquare { width, height });
        }
        if width < PHOTO_SIDE_MIN {
            return Err(PhotoRefusal::TooSmall { side: width });
        }
        Ok(Self {
            mime_type: "image/jpeg".to_owned(),
            sha256: STANDARD.encode(Sha256::digest(bytes)),
            bytes: bytes.len(),
            width,
            height,
        })
    }
}

/// Width and height from a JPEG's frame header (any SOFn marker), walking
/// the segments after the start-of-image marker.
pub fn jpeg_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut at = 2;
    loop {
        // Markers may be padded with extra 0xFF bytes.
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        // Markers without a length: TEM and restarts.
        if marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            at += 2;
            continue;
        }
        if marker == 0xD9 || marker == 0xDA {
            // End of image, or the scan began before any frame header.
            return None;
        }
        let length = usize::from(u16::from_be_bytes([
            *bytes.get(at + 2)?,
            *bytes.get(at + 3)?,
        ]));
        if length < 2 {
            return None;
        }
        let is_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_frame {
            let segment = bytes.get(at + 4..at + 2 + length)?;
            let height = u16::from_be_bytes([*segment.get(1)?, *segment.get(2)?]);
            let width = u16::from_be_bytes([*segment.get(3)?, *segment.get(4)?]);
            return Some((u32::from(width), u32::from(height)));
        }
        at = at.checked_add(2 + length)?;
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// The smallest JPEG-shaped file with a baseline frame header of these
    /// dimensions (no image data: metasim reads only the header).
    pub fn jpeg(width: u16, height: u16) -> Vec<u8> {
        let mut file = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46];
        file.extend([0xFF, 0xC0, 0x00, 0x0B, 0x08]);
        file.extend(height.to_be_bytes());
        file.extend(width.to_be_bytes());
        file.extend([0x01, 0x01, 0x11, 0x00]);
        file.extend([0xFF, 0xD9]);
        file
    }

    #[test]
    fn the_frame_header_gives_the_dimensions() {
        assert_eq!(jpeg_dimensions(&jpeg(640, 480)), Some((640, 480)));
        assert_eq!(jpeg_dimensions(b"\x89PNG\r\n"), None);
        assert_eq!(jpeg_dimensions(&[0xFF, 0xD8, 0xFF]), None);
        assert_eq!(jpeg_dimensions(&[0xFF, 0xD8, 0xFF, 0xD9]), None);
        let mut truncated = jpeg(640, 640);
        truncated.truncate(14);
        assert_eq!(jpeg_dimensions(&truncated), None);
    }

    #[test]
    fn meta_takes_square_jpegs_of_192_pixels_or_more() {
        let photo = GroupPhoto::from_file(&jpeg(192, 192)).unwrap();
        assert_eq!((photo.width, photo.height), (192, 192));
        assert_eq!(photo.mime_type, "image/jpeg");
        assert_eq!(
            GroupPhoto::from_file(&jpeg(640, 480)),
            Err(PhotoRefusal::NotSquare {
                width: 640,
                height: 480
            })
        );
        assert_eq!(
            GroupPhoto::from_file(&jpeg(191, 191)),
            Err(PhotoRefusal::TooSmall { side: 191 })
        );
        assert_eq!(GroupPhoto::from_file(b"GIF89a"), Err(PhotoRefusal::NotJpeg));
        let mut huge = jpeg(500, 500);
        huge.resize(PHOTO_BYTES_MAX + 1, 0);
        assert_eq!(GroupPhoto::from_file(&huge), Err(PhotoRefusal::TooLarge));
    }
}
