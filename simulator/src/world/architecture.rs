//! The layering rules, checked on the source: no product's model reaches
//! into another product (by import or through the sandbox's state) — they
//! meet in `links` — and the world knows nothing of HTTP. The accounts
//! (users, businesses, apps) are the platform every product may read.

use std::fs;
use std::path::{Path, PathBuf};

/// Products whose models must not touch each other.
const PRODUCTS: [&str; 4] = ["pages", "instagram", "whatsapp", "messenger"];

fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).expect("world/ is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// The code of a file without comments, with chains joined
/// (`sandbox\n    .pages` reads `sandbox.pages`).
fn code(path: &Path) -> String {
    let text = fs::read_to_string(path).expect("source is readable");
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.starts_with("//"))
        .collect();
    lines.join(" ").replace(" .", ".")
}

/// What a file of `owner` (a product, `accounts`, or anything else) may not say.
fn forbidden(owner: &str) -> Vec<String> {
    let others: Vec<&str> = match owner {
        "links" => vec![],
        "accounts" => PRODUCTS.to_vec(),
        product if PRODUCTS.contains(&product) => {
            PRODUCTS.iter().copied().filter(|p| *p != product).collect()
        }
        _ => vec![],
    };
    let mut patterns = Vec::new();
    for other in others {
        patterns.push(format!("world::{other}::"));
        patterns.push(format!("world::{other}}}"));
        patterns.push(format!("self.{other}."));
        patterns.push(format!("sandbox.{other}."));
    }
    patterns.extend([
        "axum".to_owned(),
        "crate::api".to_owned(),
        "tokio".to_owned(),
    ]);
    patterns
}

#[test]
fn products_meet_only_in_links_and_the_world_knows_no_http() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/world");
    let mut violations = Vec::new();
    for path in sources(&root) {
        let relative = path.strip_prefix(&root).expect("under world/");
        let owner = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or_default()
            .trim_end_matches(".rs")
            .to_owned();
        if path.ends_with("architecture.rs") {
            continue;
        }
        let code = code(&path);
        for pattern in forbidden(&owner) {
            if code.contains(&pattern) {
                violations.push(format!("{}: {pattern}", relative.display()));
            }
        }
    }
    assert!(violations.is_empty(), "layering broken: {violations:#?}");
}

#[test]
fn the_check_catches_a_product_reaching_into_another() {
    let code = "let x = sandbox.whatsapp.wabas.len(); use crate::world::pages::Page;";
    let caught: Vec<String> = forbidden("instagram")
        .into_iter()
        .filter(|p| code.contains(p.as_str()))
        .collect();
    assert_eq!(caught, ["world::pages::", "sandbox.whatsapp."]);
}
