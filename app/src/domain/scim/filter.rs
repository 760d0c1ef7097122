//! The SCIM filter language (RFC 7644 §3.4.2.2): parsing, and evaluation over a resource's JSON.
//!
//! Grammar, with `not` binding tighter than `and`, and `and` tighter than `or`:
//! `attrPath pr`, `attrPath op value`, `attrPath[filter]`, `not (filter)`, `(filter)`,
//! `filter and filter`, `filter or filter`.

use serde_json::Value;

use super::{ScimError, ScimType};

/// Longest filter accepted; a directory never needs more.
pub const MAX_LENGTH: usize = 2_000;
/// Deepest nesting of parentheses, brackets and `not`.
const MAX_DEPTH: usize = 32;

/// `[urn:…:]name[.sub]`. Names compare case-insensitively, as RFC 7643 §2.1 says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttrPath {
    /// The schema URN when the path names one (`urn:…:2.0:User:userName`).
    pub schema: Option<String>,
    pub name: String,
    pub sub: Option<String>,
}

impl AttrPath {
    /// Parses `[urn:…:]name[.sub]`.
    pub fn parse(raw: &str) -> Result<Self, ScimError> {
        let bad = || {
            ScimError::bad(
                ScimType::InvalidFilter,
                format!("\"{raw}\" is not an attribute path."),
            )
        };
        let (schema, rest) = if raw.to_ascii_lowercase().starts_with("urn:") {
            let at = raw.rfind(':').ok_or_else(bad)?;
            (Some(raw[..at].to_owned()), &raw[at + 1..])
        } else {
            (None, raw)
        };
        let mut parts = rest.split('.');
        let name = parts
            .next()
            .filter(|n| is_name(n))
            .ok_or_else(bad)?
            .to_owned();
        let sub = match parts.next() {
            Some(sub) if is_name(sub) => Some(sub.to_owned()),
            Some(_) => return Err(bad()),
            None => None,
        };
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(Self { schema, name, sub })
    }
}

fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '$')
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

impl Op {
    fn parse(word: &str) -> Option<Self> {
        Some(match word.to_ascii_lowercase().as_str() {
            "eq" => Self::Eq,
            "ne" => Self::Ne,
            "co" => Self::Co,
            "sw" => Self::Sw,
            "ew" => Self::Ew,
            "gt" => Self::Gt,
            "ge" => Self::Ge,
            "lt" => Self::Lt,
            "le" => Self::Le,
            _ => return None,
        })
    }
}

/// A parsed filter.
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    Compare {
        path: AttrPath,
        op: Op,
        value: Value,
    },
    Present(AttrPath),
    /// `emails[type eq "work"]`: some value of a multi-valued attribute matches.
    ValuePath {
        path: AttrPath,
        filter: Box<Filter>,
    },
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
}

impl Filter {
    /// Parses a filter; a malformed one is `400 invalidFilter` naming what is wrong.
    pub fn parse(input: &str) -> Result<Self, ScimError> {
        if input.len() > MAX_LENGTH {
            return Err(ScimError::bad(
                ScimType::InvalidFilter,
                format!("The filter is longer than {MAX_LENGTH} characters."),
            ));
        }
        let tokens = tokenize(input)?;
        let mut parser = Parser {
            tokens,
            at: 0,
            depth: 0,
        };
        let filter = parser.or()?;
        match parser.tokens.get(parser.at) {
            None => Ok(filter),
            Some(token) => Err(invalid(format!(
                "Unexpected {} after a complete filter.",
                token.describe()
            ))),
        }
    }

    /// `attr eq "value"` on one attribute without a schema or sub-attribute: the lookups a
    /// directory makes before creating someone, answered from an index.
    pub fn as_equality(&self) -> Option<(&str, &str)> {
        match self {
            Self::Compare {
                path,
                op: Op::Eq,
                value: Value::String(value),
            } if path.sub.is_none() => Some((path.name.as_str(), value.as_str())),
            _ => None,
        }
    }

    /// Whether `resource` matches. `case_exact` says which attributes (by name, as `name` or
    /// `name.sub`) compare strings exactly; all others ignore case.
    pub fn matches(&self, resource: &Value, case_exact: &dyn Fn(&str) -> bool) -> bool {
        match self {
            Self::And(a, b) => a.matches(resource, case_exact) && b.matches(resource, case_exact),
            Self::Or(a, b) => a.matches(resource, case_exact) || b.matches(resource, case_exact),
            Self::Not(inner) => !inner.matches(resource, case_exact),
            Self::Present(path) => values_at(resource, path).iter().any(present),
            Self::Compare { path, op, value } => {
                let exact = case_exact(&key_of(path));
                let found = values_at(resource, path);
                if *op == Op::Ne {
                    return !found.iter().any(|v| compare(v, Op::Eq, value, exact));
                }
                found.iter().any(|v| compare(v, *op, value, exact))
            }
            Self::ValuePath { path, filter } => {
                let Some(attr) = attribute(resource, path) else {
                    return false;
                };
                let items = match attr {
                    Value::Array(items) => items.clone(),
                    other => vec![other.clone()],
                };
                let prefix = path.name.clone();
                let inner_exact = move |name: &str| case_exact(&format!("{prefix}.{name}"));
                items.iter().any(|item| filter.matches(item, &inner_exact))
            }
        }
    }
}

fn key_of(path: &AttrPath) -> String {
    match &path.sub {
        Some(sub) => format!("{}.{}", path.name, sub),
        None => path.name.clone(),
    }
}

fn present(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    }
}

/// The member of `object` named `name`, ignoring case.
pub fn member<'a>(object: &'a Value, name: &str) -> Option<&'a Value> {
    object
        .as_object()?
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

/// The attribute a path names (before its sub-attribute), looking inside the extension object
/// when the path names an extension schema.
fn attribute<'a>(resource: &'a Value, path: &AttrPath) -> Option<&'a Value> {
    let holder = match &path.schema {
        Some(schema) => member(resource, schema).unwrap_or(resource),
        None => resource,
    };
    member(holder, &path.name).or_else(|| {
        // An extension's attribute named without its URN (`department`), as some clients do.
        path.schema.is_none().then(|| {
            resource
                .as_object()?
                .iter()
                .filter(|(key, _)| key.starts_with("urn:"))
                .find_map(|(_, ext)| member(ext, &path.name))
        })?
    })
}

/// Every value a path names: several for a multi-valued attribute. For a multi-valued complex
/// attribute named without a sub-attribute, its `value` sub-attributes.
fn values_at(resource: &Value, path: &AttrPath) -> Vec<Value> {
    let Some(attr) = attribute(resource, path) else {
        return Vec::new();
    };
    let items = match attr {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    let sub = path
        .sub
        .as_deref()
        .or_else(|| items.first().filter(|v| v.is_object()).map(|_| "value"));
    match sub {
        Some(sub) => items
            .iter()
            .filter_map(|item| member(item, sub).cloned())
            .collect(),
        None => items,
    }
}

fn compare(found: &Value, op: Op, wanted: &Value, exact: bool) -> bool {
    match (found, wanted) {
        (Value::String(found), Value::String(wanted)) => {
            let (found, wanted) = if exact {
                (found.clone(), wanted.clone())
            } else {
                (found.to_lowercase(), wanted.to_lowercase())
            };
            match op {
                Op::Eq => found == wanted,
                Op::Ne => found != wanted,
                Op::Co => found.contains(&wanted),
                Op::Sw => found.starts_with(&wanted),
                Op::Ew => found.ends_with(&wanted),
                Op::Gt => found > wanted,
                Op::Ge => found >= wanted,
                Op::Lt => found < wanted,
                Op::Le => found <= wanted,
            }
        }
        (Value::Bool(found), Value::Bool(wanted)) => match op {
            Op::Eq => found == wanted,
            Op::Ne => found != wanted,
            _ => false,
        },
        (Value::Number(found), Value::Number(wanted)) => {
            let (Some(found), Some(wanted)) = (found.as_f64(), wanted.as_f64()) else {
                return false;
            };
            match op {
                Op::Eq => found == wanted,
                Op::Ne => found != wanted,
                Op::Gt => found > wanted,
                Op::Ge => found >= wanted,
                Op::Lt => found < wanted,
                Op::Le => found <= wanted,
                _ => false,
            }
        }
        (_, Value::Null) => op == Op::Ne,
        _ => false,
    }
}

fn invalid(detail: String) -> ScimError {
    ScimError::bad(ScimType::InvalidFilter, detail)
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Word(String),
    Value(Value),
    Open,
    Close,
    OpenBracket,
    CloseBracket,
}

impl Token {
    fn describe(&self) -> String {
        match self {
            Self::Word(word) => format!("\"{word}\""),
            Self::Value(value) => value.to_string(),
            Self::Open => "\"(\"".into(),
            Self::Close => "\")\"".into(),
            Self::OpenBracket => "\"[\"".into(),
            Self::CloseBracket => "\"]\"".into(),
        }
    }
}

fn tokenize(input: &str) -> Result<Vec<Token>, ScimError> {
    let mut tokens = Vec::new();
    let mut chars = input.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' | '[' | ']' => {
                chars.next();
                tokens.push(match c {
                    '(' => Token::Open,
                    ')' => Token::Close,
                    '[' => Token::OpenBracket,
                    _ => Token::CloseBracket,
                });
            }
            '"' => {
                chars.next();
                let mut escaped = false;
                let mut end = None;
                for (at, c) in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        end = Some(at);
                        break;
                    }
                }
                let end =
                    end.ok_or_else(|| invalid("A quoted value has no closing quote.".into()))?;
                let text: String = serde_json::from_str(&input[start..=end]).map_err(|_| {
                    invalid(format!(
                        "{} is not a valid JSON string.",
                        &input[start..=end]
                    ))
                })?;
                tokens.push(Token::Value(Value::String(text)));
            }
            _ => {
                let mut end = input.len();
                while let Some(&(at, c)) = chars.peek() {
                    if c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | '"') {
                        end = at;
                        break;
                    }
                    chars.next();
                }
                tokens.push(Token::Word(input[start..end].to_owned()));
            }
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn peek_word(&self, word: &str) -> bool {
        matches!(self.tokens.get(self.at), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn deeper(&mut self) -> Result<(), ScimError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(invalid("The filter is nested too deeply.".into()));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Filter, ScimError> {
        let mut left = self.and()?;
        while self.peek_word("or") {
            self.at += 1;
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, ScimError> {
        let mut left = self.unary()?;
        while self.peek_word("and") {
            self.at += 1;
            left = Filter::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, ScimError> {
        self.deeper()?;
        let result = self.unary_inner();
        self.depth -= 1;
        result
    }

    fn unary_inner(&mut self) -> Result<Filter, ScimError> {
        if self.peek_word("not") {
            self.at += 1;
            if self.next() != Some(Token::Open) {
                return Err(invalid("\"not\" must be followed by \"(\".".into()));
            }
            let inner = self.or()?;
            self.close(Token::Close, ")")?;
            return Ok(Filter::Not(Box::new(inner)));
        }
        match self.next() {
            Some(Token::Open) => {
                let inner = self.or()?;
                self.close(Token::Close, ")")?;
                Ok(inner)
            }
            Some(Token::Word(word)) => self.attribute_expression(&word),
            Some(other) => Err(invalid(format!(
                "Expected an attribute, found {}.",
                other.describe()
            ))),
            None => Err(invalid(
                "The filter ends where an attribute was expected.".into(),
            )),
        }
    }

    fn close(&mut self, wanted: Token, text: &str) -> Result<(), ScimError> {
        match self.next() {
            Some(token) if token == wanted => Ok(()),
            Some(token) => Err(invalid(format!(
                "Expected \"{text}\", found {}.",
                token.describe()
            ))),
            None => Err(invalid(format!(
                "The filter ends without a closing \"{text}\"."
            ))),
        }
    }

    fn attribute_expression(&mut self, word: &str) -> Result<Filter, ScimError> {
        let path = AttrPath::parse(word)?;
        if self.tokens.get(self.at) == Some(&Token::OpenBracket) {
            self.at += 1;
            let inner = self.or()?;
            self.close(Token::CloseBracket, "]")?;
            return Ok(Filter::ValuePath {
                path,
                filter: Box::new(inner),
            });
        }
        let op_word = match self.next() {
            Some(Token::Word(op)) => op,
            Some(other) => {
                return Err(invalid(format!(
                    "Expected an operator after \"{word}\", found {}.",
                    other.describe()
                )));
            }
            None => return Err(invalid(format!("\"{word}\" has no operator."))),
        };
        if op_word.eq_ignore_ascii_case("pr") {
            return Ok(Filter::Present(path));
        }
        let op = Op::parse(&op_word).ok_or_else(|| {
            invalid(format!(
                "\"{op_word}\" is not an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)."
            ))
        })?;
        let value = match self.next() {
            Some(Token::Value(value)) => value,
            Some(Token::Word(literal)) => match literal.to_ascii_lowercase().as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                "null" => Value::Null,
                _ => serde_json::from_str::<serde_json::Number>(&literal)
                    .map(Value::Number)
                    .map_err(|_| {
                        invalid(format!("{literal} is not a value: quote strings (\"…\")."))
                    })?,
            },
            Some(other) => {
                return Err(invalid(format!(
                    "Expected a value, found {}.",
                    other.describe()
                )));
            }
            None => return Err(invalid(format!("\"{word} {op_word}\" has no value."))),
        };
        if matches!(op, Op::Co | Op::Sw | Op::Ew) && !value.is_string() {
            return Err(invalid(format!("\"{op_word}\" compares strings only.")));
        }
        Ok(Filter::Compare { path, op, value })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn user() -> Value {
        json!({
            "id": "2819c223",
            "userName": "Bjensen@Example.com",
            "externalId": "ext-1",
            "active": true,
            "name": {"givenName": "Barbara", "familyName": "Jensen"},
            "emails": [{"value": "bjensen@example.com", "type": "work"}],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Finance"}
        })
    }

    fn exact(name: &str) -> bool {
        matches!(name, "id" | "externalId")
    }

    fn matches(filter: &str) -> bool {
        Filter::parse(filter)
            .expect(filter)
            .matches(&user(), &exact)
    }

    #[test]
    fn equality_ignores_case_except_on_case_exact_attributes() {
        assert!(matches("userName eq \"bjensen@example.com\""));
        assert!(matches("USERNAME Eq \"BJENSEN@EXAMPLE.COM\""));
        assert!(matches("externalId eq \"ext-1\""));
        assert!(!matches("externalId eq \"EXT-1\""));
        assert!(matches(
            "urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"bj\""
        ));
    }

    #[test]
    fn logic_sub_attributes_value_paths_and_extensions() {
        assert!(matches("name.familyName co \"ens\" and active eq true"));
        assert!(matches("userName eq \"x\" or not (active eq false)"));
        assert!(!matches("userName eq \"x\" or active eq false and id pr"));
        assert!(matches(
            "emails[type eq \"work\" and value ew \"example.com\"]"
        ));
        assert!(!matches("emails[type eq \"home\"]"));
        assert!(matches("emails co \"bjensen\""));
        assert!(matches(
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"finance\""
        ));
        assert!(!matches("title pr"));
        assert!(matches("(userName pr) and (externalId ne \"other\")"));
    }

    #[test]
    fn simple_equalities_are_recognised_for_index_lookups() {
        let filter = Filter::parse("userName eq \"a@b.c\"").expect("parses");
        assert_eq!(filter.as_equality(), Some(("userName", "a@b.c")));
        assert_eq!(
            Filter::parse("userName co \"a\"")
                .expect("parses")
                .as_equality(),
            None
        );
    }

    #[test]
    fn malformed_filters_say_what_is_wrong() {
        for (filter, says) in [
            ("userName eq \"open", "closing quote"),
            ("userName eq", "has no value"),
            ("userName", "has no operator"),
            ("userName equals \"x\"", "not an operator"),
            ("userName eq bare", "quote strings"),
            ("(userName pr", "closing \")\""),
            ("userName pr and", "ends where an attribute"),
            ("active co true", "compares strings"),
            ("userName pr extra", "Unexpected"),
            ("bad..path pr", "not an attribute path"),
        ] {
            let err = Filter::parse(filter).expect_err(filter);
            assert_eq!(err.scim_type, Some(ScimType::InvalidFilter), "{filter}");
            assert!(err.detail.contains(says), "{filter}: {}", err.detail);
        }
        let deep = format!("{}userName pr{}", "(".repeat(100), ")".repeat(100));
        assert!(
            Filter::parse(&deep)
                .expect_err("deep")
                .detail
                .contains("nested")
        );
    }
}
