//! Finding and reading scenario files: files as given, folders walked for
//! `*.json` (leaving out `fixtures/` and `snapshots/` folders and
//! `schema.json`), in path order; each file parsed, its fixture read (a path
//! is relative to the file) and its clock start applied.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::format::{FixtureSource, Scenario, parse};

/// A scenario ready to run: where it came from and the fixture it starts with.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub source: PathBuf,
    pub scenario: Scenario,
    pub fixture: Value,
}

/// Folders under a scenario folder that hold no scenarios.
const NOT_SCENARIOS: [&str; 2] = ["fixtures", "snapshots"];

/// Every scenario file under `paths`, sorted within each folder.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut files)?;
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            return Err(format!("{}: no such file or folder", path.display()));
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if path.is_dir() {
            if !NOT_SCENARIOS.contains(&name.as_str()) {
                walk(&path, files)?;
            }
        } else if name.ends_with(".json") && name != "schema.json" {
            files.push(path);
        }
    }
    Ok(())
}

/// Read and parse one file; errors start with the file's path.
pub fn load(path: &Path) -> Result<Loaded, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let scenario = parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    prepare(scenario, path.to_path_buf()).map_err(|e| format!("{}: {e}", path.display()))
}

/// Resolve the fixture of a parsed scenario (a fixture path is relative to `source`'s folder).
pub fn prepare(scenario: Scenario, source: PathBuf) -> Result<Loaded, String> {
    let mut fixture = match &scenario.fixture {
        None => serde_json::from_str(crate::DEMO_FIXTURE_JSON)
            .map_err(|e| format!("the demo fixture: {e}"))?,
        Some(FixtureSource::Inline(members)) => Value::Object(members.clone()),
        Some(FixtureSource::Path(relative)) => {
            let path = source
                .parent()
                .unwrap_or_else(|| Path::new(""))
                .join(relative);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("fixture: cannot read {}: {e}", path.display()))?;
            let value: Value = serde_json::from_str(&text)
                .map_err(|e| format!("fixture: {} is not JSON: {e}", path.display()))?;
            if !value.is_object() {
                return Err(format!("fixture: {} is not a JSON object", path.display()));
            }
            value
        }
    };
    if let (Some(start), Value::Object(members)) = (&scenario.sandbox.clock_start, &mut fixture) {
        members.insert("clock_start".into(), start.clone());
    }
    Ok(Loaded {
        source,
        scenario,
        fixture,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("metasim-load-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("fixtures")).unwrap();
        std::fs::create_dir_all(dir.join("b")).unwrap();
        dir
    }

    #[test]
    fn folders_are_walked_in_order_without_fixtures_and_schema() {
        let dir = temp_dir("walk");
        for file in [
            "b/2.json",
            "a.json",
            "schema.json",
            "fixtures/f.json",
            "notes.txt",
        ] {
            std::fs::write(dir.join(file), "{}").unwrap();
        }
        let files = discover(std::slice::from_ref(&dir)).unwrap();
        assert_eq!(files, [dir.join("a.json"), dir.join("b/2.json")]);
        let error = discover(&[dir.join("missing")]).unwrap_err();
        assert!(
            error.ends_with("missing: no such file or folder"),
            "{error}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn fixtures_are_read_relative_to_the_file_and_get_the_clock_start() {
        let dir = temp_dir("fixture");
        std::fs::write(dir.join("fixtures/small.json"), r#"{"users": []}"#).unwrap();
        let file = dir.join("b/s.json");
        std::fs::write(
            &file,
            r#"{"name": "s", "fixture": "../fixtures/small.json", "sandbox": {"clock_start": 5}, "steps": []}"#,
        )
        .unwrap();
        let loaded = load(&file).unwrap();
        assert_eq!(
            loaded.fixture,
            serde_json::json!({"users": [], "clock_start": 5})
        );

        std::fs::write(
            &file,
            r#"{"name": "s", "fixture": "nope.json", "steps": []}"#,
        )
        .unwrap();
        let error = load(&file).unwrap_err();
        assert!(error.contains("s.json: fixture: cannot read"), "{error}");

        std::fs::write(&file, r#"{"name": "s", "steps": [{"graph": {}}]}"#).unwrap();
        let error = load(&file).unwrap_err();
        assert!(
            error.contains("s.json: step 1: graph: missing field `path`"),
            "{error}"
        );

        let default = prepare(parse(r#"{"name": "d", "steps": []}"#).unwrap(), file).unwrap();
        assert!(default.fixture["whatsapp_business_accounts"].is_array());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
