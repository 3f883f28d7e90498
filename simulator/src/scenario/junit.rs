//! JUnit XML for CI systems: one `<testsuite>` for the run, one `<testcase>`
//! per scenario (classname = its file), a `<failure>` with the failing step
//! and expected vs actual, `<skipped>` for app scenarios run without an app.

use super::runner::{Outcome, Verdict};

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 allows tab, newline and carriage return among controls.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The whole report; `seconds` is the run's wall time.
pub fn render(outcomes: &[Outcome], seconds: f64) -> String {
    let failures = outcomes
        .iter()
        .filter(|o| matches!(o.verdict, Verdict::Failed(_)))
        .count();
    let skipped = outcomes
        .iter()
        .filter(|o| matches!(o.verdict, Verdict::Skipped(_)))
        .count();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!(
        "<testsuites name=\"metasim run\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"{seconds:.3}\">\n",
        outcomes.len()
    ));
    xml.push_str(&format!(
        "  <testsuite name=\"scenarios\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"{seconds:.3}\">\n",
        outcomes.len()
    ));
    for outcome in outcomes {
        xml.push_str(&format!(
            "    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3}\"",
            escape(&outcome.name),
            escape(&outcome.source.display().to_string()),
            outcome.seconds
        ));
        match &outcome.verdict {
            Verdict::Passed => xml.push_str("/>\n"),
            Verdict::Skipped(reason) => xml.push_str(&format!(
                ">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                escape(reason)
            )),
            Verdict::Failed(failure) => {
                let headline = failure.headline();
                xml.push_str(&format!(
                    ">\n      <failure message=\"{}\" type=\"scenario\">{}</failure>\n    </testcase>\n",
                    escape(&headline),
                    escape(&failure.to_string())
                ));
            }
        }
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::runner::Failure;
    use std::path::PathBuf;

    fn outcome(name: &str, verdict: Verdict) -> Outcome {
        Outcome {
            name: name.into(),
            source: PathBuf::from(format!("scenarios/{name}.json")),
            verdict,
            steps_run: 1,
            seconds: 0.25,
            transcript: Default::default(),
        }
    }

    #[test]
    fn the_report_counts_and_explains() {
        let failure = Failure {
            step: Some((2, "send <it>".into())),
            message: "expect.status: expected 200, got 400".into(),
            detail: Some("body: {\"a\":\"&\"}".into()),
        };
        let xml = render(
            &[
                outcome("a", Verdict::Passed),
                outcome("b", Verdict::Failed(failure)),
                outcome("c", Verdict::Skipped("needs --app-webhook".into())),
            ],
            1.5,
        );
        assert!(
            xml.contains("tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\" time=\"1.500\""),
            "{xml}"
        );
        assert!(
            xml.contains("<testcase name=\"a\" classname=\"scenarios/a.json\" time=\"0.250\"/>"),
            "{xml}"
        );
        assert!(xml.contains("<failure message=\"step 2 (send &lt;it&gt;): expect.status: expected 200, got 400\" type=\"scenario\">"), "{xml}");
        assert!(
            xml.contains("body: {&quot;a&quot;:&quot;&amp;&quot;}</failure>"),
            "{xml}"
        );
        assert!(
            xml.contains("<skipped message=\"needs --app-webhook\"/>"),
            "{xml}"
        );
        assert_eq!(escape("a\u{1}b"), "ab");
    }
}
