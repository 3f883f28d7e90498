//! Where a field is in a scenario file. Steps are read whole before their
//! parts are checked, so serde's position for a mistake inside a step is the
//! step's end; this finds the line and column of the field itself from its
//! path (`steps[2].graph.methd`), with a small scanner over the JSON text.

/// One step of a path into a JSON document.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// Split `steps[2].graph.methd` into segments; `None` if it is not a path.
pub fn segments(path: &str) -> Option<Vec<Segment>> {
    let mut found = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        if key.is_empty() && found.is_empty() {
            return None;
        }
        if !key.is_empty() {
            found.push(Segment::Key(key.to_owned()));
        }
        while !rest.is_empty() {
            let (index, after) = rest.split_once(']')?;
            found.push(Segment::Index(index.parse().ok()?));
            rest = after.strip_prefix('[').unwrap_or(after);
            if !after.is_empty() && !after.starts_with('[') {
                return None;
            }
        }
    }
    Some(found)
}

struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Scanner<'_> {
    fn skip_space(&mut self) {
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.skip_space();
        (self.bytes.get(self.at) == Some(&byte)).then(|| self.at += 1)
    }

    /// A string's raw contents (escapes left as written).
    fn string(&mut self) -> Option<&[u8]> {
        self.eat(b'"')?;
        let start = self.at;
        loop {
            match self.bytes.get(self.at)? {
                b'\\' => self.at += 2,
                b'"' => {
                    self.at += 1;
                    return self.bytes.get(start..self.at - 1);
                }
                _ => self.at += 1,
            }
        }
    }

    fn skip_value(&mut self) -> Option<()> {
        self.skip_space();
        match self.bytes.get(self.at)? {
            b'"' => self.string().map(|_| ()),
            b'{' => self
                .members(|scanner, _| scanner.skip_value().map(|()| false))
                .map(|_| ()),
            b'[' => self
                .elements(|scanner, _| scanner.skip_value().map(|()| false))
                .map(|_| ()),
            _ => {
                while self
                    .bytes
                    .get(self.at)
                    .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
                {
                    self.at += 1;
                }
                Some(())
            }
        }
    }

    /// Walk an object's members; `visit` reads the value and returns true to stop.
    fn members(&mut self, mut visit: impl FnMut(&mut Self, &[u8]) -> Option<bool>) -> Option<bool> {
        self.eat(b'{')?;
        if self.eat(b'}').is_some() {
            return Some(false);
        }
        loop {
            let key = self.string()?.to_vec();
            self.eat(b':')?;
            if visit(self, &key)? {
                return Some(true);
            }
            if self.eat(b',').is_none() {
                self.eat(b'}')?;
                return Some(false);
            }
        }
    }

    fn elements(
        &mut self,
        mut visit: impl FnMut(&mut Self, usize) -> Option<bool>,
    ) -> Option<bool> {
        self.eat(b'[')?;
        if self.eat(b']').is_some() {
            return Some(false);
        }
        let mut index = 0;
        loop {
            if visit(self, index)? {
                return Some(true);
            }
            index += 1;
            if self.eat(b',').is_none() {
                self.eat(b']')?;
                return Some(false);
            }
        }
    }

    /// The byte offset of the path's last key (or element) within the value here.
    fn find(&mut self, path: &[Segment]) -> Option<usize> {
        let (first, rest) = path.split_first()?;
        let mut found = None;
        match first {
            Segment::Key(wanted) => {
                self.members(|scanner, key| {
                    if key != wanted.as_bytes() {
                        return scanner.skip_value().map(|()| false);
                    }
                    found = if rest.is_empty() {
                        // Back to the key's opening quote.
                        let colon = scanner.bytes[..scanner.at]
                            .iter()
                            .rposition(|b| *b == b':')?;
                        let quote = scanner.bytes[..colon].iter().rposition(|b| *b == b'"')?;
                        scanner.bytes[..quote].iter().rposition(|b| *b == b'"')
                    } else {
                        scanner.find(rest)
                    };
                    Some(true)
                })?;
            }
            Segment::Index(wanted) => {
                self.elements(|scanner, index| {
                    if index != *wanted {
                        return scanner.skip_value().map(|()| false);
                    }
                    scanner.skip_space();
                    found = if rest.is_empty() {
                        Some(scanner.at)
                    } else {
                        scanner.find(rest)
                    };
                    Some(true)
                })?;
            }
        }
        found
    }
}

/// Line and column (1-based, columns in bytes as serde_json counts them) of
/// the deepest part of `path` found in `text`.
pub fn locate(text: &str, path: &[Segment]) -> Option<(usize, usize)> {
    (1..=path.len()).rev().find_map(|length| {
        let mut scanner = Scanner {
            bytes: text.as_bytes(),
            at: 0,
        };
        let offset = scanner.find(&path[..length])?;
        let before = &text.as_bytes()[..offset];
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        let column = offset
            - before
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |nl| nl + 1)
            + 1;
        Some((line, column))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "{\n  \"name\": \"t\",\n  \"steps\": [\n    {\"sim\": {\"path\": \"/\"}},\n    {\"graph\": {\n      \"path\": \"/v23.0/me\",\n      \"methd\": \"GET\"\n    }}\n  ]\n}\n";

    #[test]
    fn paths_split_into_keys_and_indexes() {
        assert_eq!(
            segments("steps[1].graph.methd").unwrap(),
            [
                Segment::Key("steps".into()),
                Segment::Index(1),
                Segment::Key("graph".into()),
                Segment::Key("methd".into())
            ]
        );
        assert_eq!(segments("a[0][2]").unwrap().len(), 3);
        assert!(segments("steps[x]").is_none());
        assert!(segments("[0]").is_none());
    }

    #[test]
    fn fields_are_found_where_they_are_written() {
        let at = |path: &str| locate(TEXT, &segments(path).unwrap());
        assert_eq!(at("steps[1].graph.methd"), Some((7, 7)));
        assert_eq!(at("steps[1].graph"), Some((5, 6)));
        assert_eq!(at("steps[0]"), Some((4, 5)));
        // A path that goes deeper than the text: its deepest part found.
        assert_eq!(at("steps[1].graph.methd.x"), Some((7, 7)));
        assert_eq!(at("steps[7]"), Some((3, 3)));
        assert_eq!(
            locate("{\"a\": [1, 2", &segments("a[5]").unwrap()),
            Some((1, 2))
        );
        assert_eq!(locate("{\"b\": 1}", &segments("a").unwrap()), None);
    }
}
