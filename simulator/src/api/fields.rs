//! The `fields` parameter: `id,name,instagram_business_account{username}`,
//! `phone_numbers.limit(1){id}`, `name.as(title)`. Parsed into a tree that the
//! node renderer walks.

use super::error::GraphError;

/// Deepest `{...}` nesting accepted; deeper selections are refused before
/// they can exhaust the parser's (recursive) stack.
pub const MAX_DEPTH: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSelection {
    pub name: String,
    /// `.as(alias)`: the key to use in the response.
    pub alias: Option<String>,
    /// `.limit(n)`: page size when the field is an edge.
    pub limit: Option<usize>,
    /// `{...}`: nested selection for node references and edges.
    pub children: Option<Vec<FieldSelection>>,
    /// Every other modifier, `(name, argument)` in the order written:
    /// `.start(1700000000).granularity(DAY)` for the fields that take
    /// arguments (WABA analytics); the rest ignore them.
    pub arguments: Vec<(String, String)>,
}

impl FieldSelection {
    pub fn plain(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            alias: None,
            limit: None,
            children: None,
            arguments: Vec::new(),
        }
    }

    /// The argument of modifier `name`, when written (the last one wins).
    pub fn argument(&self, name: &str) -> Option<&str> {
        self.arguments
            .iter()
            .rev()
            .find(|(modifier, _)| modifier == name)
            .map(|(_, value)| value.as_str())
    }

    /// The argument of modifier `name`, or Meta's #100 when it is not written.
    pub fn required_argument(&self, name: &str) -> Result<&str, GraphError> {
        self.argument(name).ok_or_else(|| {
            GraphError::invalid_parameter(format!("The parameter {name} is required"))
        })
    }

    pub fn key(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.name)
    }
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    /// How many `{` are open at `pos`.
    depth: usize,
}

impl Parser<'_> {
    fn error(&self, expected: &str) -> GraphError {
        GraphError::invalid_parameter(format!(
            "Syntax error \"Expected {expected}\" at character {}: {}",
            self.pos, self.text
        ))
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.skip_spaces();
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn name(&mut self) -> Result<String, GraphError> {
        self.skip_spaces();
        let start = self.pos;
        self.pos += self.text.as_bytes()[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        if start == self.pos {
            return Err(self.error("field name"));
        }
        Ok(self.text[start..self.pos].to_owned())
    }

    fn argument(&mut self) -> Result<String, GraphError> {
        if !self.eat(b'(') {
            return Err(self.error("\"(\""));
        }
        let start = self.pos;
        while self.peek().is_some_and(|b| b != b')') {
            self.pos += 1;
        }
        let value = self.text[start..self.pos].trim().to_owned();
        if !self.eat(b')') {
            return Err(self.error("\")\""));
        }
        Ok(value)
    }

    fn list(&mut self) -> Result<Vec<FieldSelection>, GraphError> {
        // Room for a typical selection without growing.
        let mut fields = Vec::with_capacity(8);
        fields.push(self.field()?);
        while self.eat(b',') {
            fields.push(self.field()?);
        }
        Ok(fields)
    }

    fn field(&mut self) -> Result<FieldSelection, GraphError> {
        let mut field = FieldSelection::plain(&self.name()?);
        while self.eat(b'.') {
            let modifier = self.name()?;
            let value = self.argument()?;
            match modifier.as_str() {
                "limit" => {
                    field.limit = Some(
                        value
                            .parse()
                            .map_err(|_| self.error("a number in limit()"))?,
                    );
                }
                "as" => field.alias = Some(value),
                // Kept for the fields that read them (summary, order, filter…
                // are accepted and ignored by the others).
                _ => field.arguments.push((modifier, value)),
            }
        }
        if self.eat(b'{') {
            if self.depth == MAX_DEPTH {
                return Err(GraphError::invalid_parameter(format!(
                    "Field selections may nest at most {MAX_DEPTH} levels deep"
                )));
            }
            self.depth += 1;
            field.children = Some(self.list()?);
            self.depth -= 1;
            if !self.eat(b'}') {
                return Err(self.error("\"}\""));
            }
        }
        Ok(field)
    }
}

/// A selection written back as a `fields` parameter (what paging links of
/// a nested list carry): names, `.as()`, `.limit()`, the other modifiers and nested braces.
pub fn selection_text(fields: &[FieldSelection]) -> String {
    let mut out = String::new();
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&field.name);
        if let Some(alias) = &field.alias {
            out.push_str(&format!(".as({alias})"));
        }
        if let Some(limit) = field.limit {
            out.push_str(&format!(".limit({limit})"));
        }
        for (modifier, value) in &field.arguments {
            out.push_str(&format!(".{modifier}({value})"));
        }
        if let Some(children) = &field.children {
            out.push('{');
            out.push_str(&selection_text(children));
            out.push('}');
        }
    }
    out
}

/// Parse a `fields` parameter; an empty one means "default fields" (None).
pub fn parse_fields(text: &str) -> Result<Option<Vec<FieldSelection>>, GraphError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let mut parser = Parser {
        text,
        pos: 0,
        depth: 0,
    };
    let fields = parser.list()?;
    parser.skip_spaces();
    if parser.pos != text.len() {
        return Err(parser.error("end of string"));
    }
    Ok(Some(fields))
}

/// Parse a `fields` parameter for a node whose fields are a fixed list:
/// a name outside it is Meta's `nonexisting field` error.
pub fn parse_known_fields(
    text: &str,
    known: &[&str],
    node_type: &str,
) -> Result<Option<Vec<FieldSelection>>, GraphError> {
    let selection = parse_fields(text)?;
    if let Some(unknown) = selection
        .iter()
        .flatten()
        .find(|f| !known.contains(&f.name.as_str()))
    {
        return Err(GraphError::nonexisting_field(&unknown.name, node_type));
    }
    Ok(selection)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_selection_with_modifiers() {
        let fields = parse_fields("id, name,instagram_business_account{username,name},phone_numbers.limit(2){id},about.as(bio)")
            .unwrap()
            .unwrap();
        assert_eq!(fields.len(), 5);
        assert_eq!(fields[1].name, "name");
        let ig = fields[2].children.as_ref().unwrap();
        assert_eq!(
            ig.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
            ["username", "name"]
        );
        assert_eq!(fields[3].limit, Some(2));
        assert_eq!(fields[4].key(), "bio");
    }

    #[test]
    fn syntax_errors_are_meta_errors() {
        for bad in ["a,", "a{b", "a}", "a.limit(x)", ",", "a b"] {
            let error = parse_fields(bad).unwrap_err();
            assert_eq!(error.code, 100, "{bad}");
            assert!(
                error.message.contains("Syntax error"),
                "{bad}: {}",
                error.message
            );
        }
        assert_eq!(parse_fields("  ").unwrap(), None);
    }

    #[test]
    fn selections_write_back_as_they_parse() {
        let text = "id,name.as(title),phone_numbers.limit(2){id,verified_name}";
        let fields = parse_fields(text).unwrap().unwrap();
        assert_eq!(selection_text(&fields), text);
        assert_eq!(
            parse_fields(&selection_text(&fields)).unwrap().unwrap(),
            fields
        );
    }

    #[test]
    fn other_modifiers_are_kept_as_arguments() {
        let text = "analytics.start(1).end(2).granularity(DAY).phone_numbers([\"1555\"]),name";
        let fields = parse_fields(text).unwrap().unwrap();
        assert_eq!(fields[0].argument("start"), Some("1"));
        assert_eq!(fields[0].argument("granularity"), Some("DAY"));
        assert_eq!(fields[0].argument("phone_numbers"), Some("[\"1555\"]"));
        assert_eq!(fields[0].argument("end"), Some("2"));
        assert_eq!(fields[1].argument("start"), None);
        assert_eq!(selection_text(&fields), text);
    }

    #[test]
    fn nesting_is_bounded() {
        let nested = |depth: usize| format!("{}id{}", "a{".repeat(depth), "}".repeat(depth));
        assert!(parse_fields(&nested(MAX_DEPTH)).is_ok());
        let error = parse_fields(&nested(MAX_DEPTH + 1)).unwrap_err();
        assert_eq!(error.code, 100);
        assert!(
            error.message.contains("at most 32 levels"),
            "{}",
            error.message
        );
        assert!(parse_fields(&"a{".repeat(100_000)).is_err());
    }
}
