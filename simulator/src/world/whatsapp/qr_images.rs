//! The images of message QR codes (`generate_qr_image`, `qr_image_url`): a
//! real QR code of the code's deep link, drawn as SVG or PNG, and the id a
//! signed download URL names it by (`{code}.svg`, `{code}.png`).

use qrcode::QrCode as Matrix;
use qrcode::render::svg;

use super::qr_codes::QrCode;
use crate::world::sandbox::Sandbox;

/// Pixels per module of a PNG, and the quiet zone around the code (modules).
const SCALE: usize = 8;
const QUIET_ZONE: usize = 4;

/// The formats Meta draws QR codes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrImageFormat {
    Png,
    Svg,
}

impl QrImageFormat {
    /// Meta's names: `PNG`, `SVG`.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "PNG" => Some(Self::Png),
            "SVG" => Some(Self::Svg),
            _ => None,
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Svg => "svg",
        }
    }

    pub fn mime_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Svg => "image/svg+xml",
        }
    }
}

/// The id a download URL names the image of `code` in `format` by.
pub fn image_id(code: &str, format: QrImageFormat) -> String {
    format!("{code}.{}", format.extension())
}

/// `text` as a QR code image; `None` if it is too long for one.
pub fn draw(text: &str, format: QrImageFormat) -> Option<Vec<u8>> {
    let matrix = Matrix::new(text.as_bytes()).ok()?;
    Some(match format {
        QrImageFormat::Svg => matrix
            .render::<svg::Color<'_>>()
            .quiet_zone(true)
            .module_dimensions(SCALE as u32, SCALE as u32)
            .build()
            .into_bytes(),
        QrImageFormat::Png => {
            let modules = matrix.width();
            let side = (modules + 2 * QUIET_ZONE) * SCALE;
            let mut pixels = vec![255u8; side * side];
            for (index, color) in matrix.to_colors().into_iter().enumerate() {
                if color != qrcode::Color::Dark {
                    continue;
                }
                let (x, y) = (index % modules + QUIET_ZONE, index / modules + QUIET_ZONE);
                for row in y * SCALE..(y + 1) * SCALE {
                    pixels[row * side + x * SCALE..row * side + (x + 1) * SCALE].fill(0);
                }
            }
            encode_png(u32::try_from(side).ok()?, &pixels)?
        }
    })
}

/// A square PNG of 8-bit gray pixels (row by row, 0 black to 255 white).
fn encode_png(side: u32, pixels: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().ok()?;
    writer.write_image_data(pixels).ok()?;
    writer.finish().ok()?;
    Some(out)
}

impl Sandbox {
    /// The QR code and format a genuine, unexpired download URL names.
    pub fn qr_image_for_url(
        &self,
        id: &str,
        expires: i64,
        hash: &str,
    ) -> Option<(&QrCode, QrImageFormat)> {
        if !self.download_url_valid(id, expires, hash) {
            return None;
        }
        let (code, extension) = id.rsplit_once('.')?;
        let format = [QrImageFormat::Png, QrImageFormat::Svg]
            .into_iter()
            .find(|f| f.extension() == extension)?;
        Some((self.whatsapp.qr_codes.codes.get(code)?, format))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_link_draws_the_same_images() {
        let link = "https://wa.me/message/ABCDEFGHIJKLMN";
        let svg = draw(link, QrImageFormat::Svg).unwrap();
        assert!(String::from_utf8(svg.clone()).unwrap().contains("<svg"));
        assert_eq!(svg, draw(link, QrImageFormat::Svg).unwrap());
        let png = draw(link, QrImageFormat::Png).unwrap();
        assert_eq!(png, draw(link, QrImageFormat::Png).unwrap());
        // Version 3 (29 modules) plus the quiet zone, 8 pixels a module.
        let side = u32::from_be_bytes(png[16..20].try_into().unwrap());
        assert_eq!(side, (29 + 8) * 8);
        assert!(draw(&"x".repeat(8_000), QrImageFormat::Png).is_none());
    }
}
