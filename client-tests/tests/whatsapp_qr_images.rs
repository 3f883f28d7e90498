//! Message QR code images over HTTP: `generate_qr_image=SVG|PNG` on
//! `POST /{phone-number-id}/message_qrdls` and `qr_image_url.format(…)` in
//! `fields` answer a `qr_image_url`, which downloads (with the token, for 5
//! minutes) a real QR code of the deep link: an SVG or a PNG of a QR-sized
//! matrix with its finder pattern; the same seed draws the same bytes.

use client_tests::whatsapp::*;
use client_tests::{Reply, Sandbox, Sim, V, json};
use reqwest::Method;

/// Pixels per module and quiet-zone modules, as metasim draws them.
const SCALE: usize = 8;
const QUIET: usize = 4;

async fn make(sim: &Sim, sandbox: &Sandbox, format: &str) -> Reply {
    let body = json!({ "prefilled_message": "Hi, a fern please", "generate_qr_image": format });
    sim.send(
        sim.request(
            Method::POST,
            &format!("/{V}/{}/message_qrdls", phone(sandbox)),
        )
        .bearer_auth(sandbox.token(MANAGER))
        .json(&body),
    )
    .await
}

/// GET an absolute URL metasim answered.
async fn download(sim: &Sim, sandbox: &Sandbox, url: &str) -> Reply {
    let path = url.strip_prefix(sim.sim.url()).expect("a URL on metasim");
    sim.get_as(sandbox.token(MANAGER), path).await
}

/// A QR code's side in modules: 21, 25, … 177.
fn assert_qr_size(modules: usize) {
    assert!(
        (21..=177).contains(&modules) && (modules - 21).is_multiple_of(4),
        "{modules} modules is no QR code size"
    );
}

/// The gray pixels of a square 8-bit grayscale PNG, and its side, as a PNG
/// decoder reads them.
fn png_pixels(bytes: &[u8]) -> (usize, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a sane size")];
    let frame = reader.next_frame(&mut pixels).expect("its pixels");
    assert_eq!(frame.width, frame.height, "a square");
    assert_eq!(
        (frame.color_type, frame.bit_depth),
        (png::ColorType::Grayscale, png::BitDepth::Eight),
        "8-bit gray"
    );
    pixels.truncate(frame.buffer_size());
    (frame.width as usize, pixels)
}

#[tokio::test]
async fn a_png_qr_code_downloads_with_its_finder_pattern() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(121).await;
    let made = make(&sim, &sandbox, "PNG").await;
    let url = made.ok()["qr_image_url"]
        .as_str()
        .expect("qr_image_url")
        .to_owned();
    assert!(url.contains("/whatsapp_business/attachments/?"), "{url}");
    let image = download(&sim, &sandbox, &url).await;
    assert_eq!(image.status, 200);
    assert_eq!(image.header("content-type"), Some("image/png"));
    let (side, pixels) = png_pixels(&image.bytes);
    assert!(side.is_multiple_of(SCALE));
    assert_qr_size(side / SCALE - 2 * QUIET);
    // The top-left finder: dark centre and border, a light ring between,
    // inside a light quiet zone.
    let at =
        |mx: usize, my: usize| pixels[(my * SCALE + SCALE / 2) * side + mx * SCALE + SCALE / 2];
    let q = QUIET;
    assert_eq!(at(0, 0), 255);
    assert_eq!(at(q, q), 0);
    assert_eq!(at(q + 1, q + 1), 255);
    assert_eq!(at(q + 3, q + 3), 0);
    assert_eq!(at(q + 6, q + 3), 0);
    assert_eq!(at(q + 7, q + 3), 255, "the separator");
}

#[tokio::test]
async fn an_svg_qr_code_and_the_fields_of_a_read_name_their_image() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(122).await;
    let made = make(&sim, &sandbox, "SVG").await;
    let code = made.ok()["code"].as_str().unwrap().to_owned();
    let url = made.json["qr_image_url"].as_str().unwrap().to_owned();
    let image = download(&sim, &sandbox, &url).await;
    assert_eq!(image.header("content-type"), Some("image/svg+xml"));
    let svg = String::from_utf8(image.bytes.clone()).unwrap();
    assert!(svg.contains("<svg"), "{svg}");
    let width: usize = svg
        .split("width=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|w| w.parse().ok())
        .expect("a width");
    assert_qr_size(width / SCALE - 2 * QUIET);

    // A read or a list asks for the image through `fields`.
    let path = format!("/{V}/{}/message_qrdls", phone(&sandbox));
    let token = sandbox.token(MANAGER);
    let read = sim
        .get_as(
            token,
            &format!("{path}/{code}?fields=code,qr_image_url.format(PNG)"),
        )
        .await;
    let png_url = read.ok()["data"][0]["qr_image_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let png = download(&sim, &sandbox, &png_url).await;
    assert_eq!(png.header("content-type"), Some("image/png"));
    let listed = sim
        .get_as(token, &format!("{path}?fields=qr_image_url.format(SVG)"))
        .await;
    let listed_url = listed.ok()["data"][0]["qr_image_url"].as_str().unwrap();
    assert_eq!(
        download(&sim, &sandbox, listed_url).await.bytes,
        image.bytes
    );
    // Without a format, no image.
    let plain = sim.get_as(token, &format!("{path}/{code}")).await;
    assert!(plain.ok()["data"][0].get("qr_image_url").is_none());
}

#[tokio::test]
async fn the_same_seed_draws_the_same_image() {
    let sim = Sim::start().await;
    let mut images = Vec::new();
    for _ in 0..2 {
        let sandbox = sim.demo(123).await;
        let made = make(&sim, &sandbox, "PNG").await;
        let url = made.ok()["qr_image_url"].as_str().unwrap().to_owned();
        images.push(download(&sim, &sandbox, &url).await.bytes);
    }
    assert!(!images[0].is_empty());
    assert_eq!(images[0], images[1]);
}

#[tokio::test]
async fn bad_formats_foreign_tokens_and_old_urls_are_refused() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(124).await;
    make(&sim, &sandbox, "GIF")
        .await
        .assert_error(400, 100, None, "OAuthException");
    let bad_field = sim
        .get_as(
            sandbox.token(MANAGER),
            &format!(
                "/{V}/{}/message_qrdls?fields=qr_image_url.format(JPG)",
                phone(&sandbox)
            ),
        )
        .await;
    bad_field.assert_error(400, 100, None, "OAuthException");
    let made = make(&sim, &sandbox, "SVG").await;
    let url = made.ok()["qr_image_url"].as_str().unwrap().to_owned();
    let other = sim.demo(125).await;
    let foreign = download(&sim, &other, &url).await;
    assert_eq!(foreign.status, 404);
    sim.advance(&sandbox, 301).await;
    assert_eq!(download(&sim, &sandbox, &url).await.status, 404);
}
