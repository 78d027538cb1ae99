//! Reading hand-written JSON files into typed values while collecting *every* problem.
//!
//! serde stops at the first error and knows nothing of "did you mean". Scenario and sweep
//! files are written by hand, so this module reads a parsed [`serde_json::Value`] into the raw
//! file types through the [`FromJson`] trait, recording each problem with its JSON path
//! (`$.strategies[1].timeline[0].day`), what was expected and, for misspelt names, the closest
//! known one. The same declarations produce the JSON Schema printed by `scimsim schema`
//! ([`FromJson::schema`]), so the reader and the schema cannot drift apart.
//!
//! Reading never fails early: a field with a problem takes its default so that reading goes
//! on and the rest of the file is checked too. Callers must treat a non-empty [`Problems`] as
//! fatal.

use serde_json::{Map, Value, json};
use std::fmt;

/// One problem found in an input file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Problem {
    /// Which document [`Problem::path`] is in: the file read, or a scenario a sweep made.
    pub context: Context,
    /// JSON path of the offending value in that document, e.g. `$.population.people[2].id`.
    pub path: JsonPath,
    /// The dotted path of the sweep axis the problem is about, printed after the path (which
    /// is then that axis' `$.axes[k]`): `$.axes[1] (strategies.0.timeline.1.day)`.
    pub axis: Option<String>,
    /// What is wrong, in lower case.
    pub message: String,
    /// What to change, when we can say.
    pub hint: Option<String>,
}

/// Which document a problem's path is in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Context {
    /// The file being read; the path is printed alone.
    File,
    /// A sweep's base scenario: `scenario $.horizon_days`.
    BaseScenario,
    /// The scenario of one grid point of a sweep, patched with its axes' values:
    /// `grid point 3 (seed = 2, horizon_days = 60): scenario $.horizon_days`.
    GridPoint {
        /// The point's index in the grid (the first axis varies slowest).
        index: usize,
        /// Each axis that patched the point: its dotted path and its value as JSON text.
        axes: Vec<(String, String)>,
    },
}

impl Problem {
    /// A problem at `path` of the file being read, with a hint on how to fix it when we can say.
    pub fn new(path: JsonPath, message: impl Into<String>, hint: Option<String>) -> Problem {
        Problem { context: Context::File, path, axis: None, message: message.into(), hint }
    }
}

/// `text` with every control character (C0, DEL, C1) and every bidirectional formatting
/// character written as a JSON escape (`\u001b`, `\n`), so that text from a file never reaches
/// a terminal raw: no colours, no cursor moves, no line that looks like another message.
pub fn escape_text(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A control character, or a character that reorders the text around it (U+200E, U+200F,
/// U+202A–U+202E, U+2066–U+2069): either can make printed text show something else.
pub fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

impl fmt::Display for Problem {
    /// The problem in one line; text the file gave (keys, names, values) is escaped
    /// ([`escape_text`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::new();
        self.write_unescaped(&mut text)?;
        f.write_str(&escape_text(&text))
    }
}

impl Problem {
    fn write_unescaped(&self, f: &mut String) -> fmt::Result {
        use fmt::Write;
        match &self.context {
            Context::File => {}
            Context::BaseScenario => f.write_str("scenario ")?,
            Context::GridPoint { index, axes } => {
                write!(f, "grid point {index} (")?;
                for (i, (axis, value)) in axes.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    write!(f, "{sep}{axis} = {value}")?;
                }
                f.write_str("): scenario ")?;
            }
        }
        write!(f, "{}", self.path)?;
        if let Some(axis) = &self.axis {
            write!(f, " ({axis})")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// The problems found so far in one file, in the order they were found.
#[derive(Debug, Default, Clone)]
pub struct Problems {
    list: Vec<Problem>,
}

impl Problems {
    /// Records a problem at `at`.
    pub fn push(&mut self, at: &JsonPath, message: impl Into<String>) {
        self.list.push(Problem::new(at.clone(), message, None));
    }

    /// Records a problem with a hint on how to fix it.
    pub fn push_hint(&mut self, at: &JsonPath, message: impl Into<String>, hint: impl Into<String>) {
        self.list.push(Problem::new(at.clone(), message, Some(hint.into())));
    }

    /// Records "unknown NAME" with a did-you-mean hint drawn from `known`, else the list of
    /// known names when it is short.
    pub fn push_unknown(&mut self, at: &JsonPath, what: &str, name: &str, known: &[&str]) {
        self.push_unknown_or(at, what, name, known, expected_one_of(known));
    }

    /// Records "unknown NAME" with a did-you-mean hint drawn from `known`, else `fallback`.
    pub fn push_unknown_or(
        &mut self,
        at: &JsonPath,
        what: &str,
        name: &str,
        known: &[&str],
        fallback: Option<String>,
    ) {
        let message = format!("unknown {what} `{name}`");
        match did_you_mean(name, known).map(|best| format!("did you mean `{best}`?")).or(fallback) {
            Some(hint) => self.push_hint(at, message, hint),
            None => self.push(at, message),
        }
    }

    /// True when a problem was recorded at `at` or inside it.
    pub fn any_within(&self, at: &JsonPath) -> bool {
        self.list.iter().any(|p| p.path.starts_with(at))
    }

    /// True when a problem was recorded at `at` itself (such as a missing required field of the
    /// object there).
    pub fn any_at(&self, at: &JsonPath) -> bool {
        self.list.iter().any(|p| p.path == *at)
    }

    /// True when a problem makes a name of the list at `list` unknown: the list itself could not
    /// be read, or one of its entries, or the `key` (such as `name`) of one. References to the
    /// names of such a list are not checked: an "unknown" one may be the one that was lost.
    pub fn loses_names(&self, list: &JsonPath, key: &str) -> bool {
        let n = list.segments.len();
        self.list.iter().any(|p| {
            let s = &p.path.segments;
            s.starts_with(&list.segments)
                && match &s[n..] {
                    [] | [Segment::Index(_)] => true,
                    [Segment::Index(_), Segment::Key(k)] => k == key,
                    _ => false,
                }
        })
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The problems, in the order found.
    pub fn into_vec(self) -> Vec<Problem> {
        self.list
    }

    /// The problems, borrowed.
    pub fn as_slice(&self) -> &[Problem] {
        &self.list
    }
}

/// The key a file's top level may use to name its JSON Schema.
pub const SCHEMA_KEY: &str = "$schema";

/// A JSON path from the document root, e.g. `$.strategies[1].name`: a list of object keys and
/// array indices, compared segment by segment (never as text).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct JsonPath {
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Segment {
    Key(String),
    Index(usize),
}

impl JsonPath {
    /// The document root, `$`.
    pub fn root() -> JsonPath {
        JsonPath::default()
    }

    /// This path followed by an object key.
    pub fn key(&self, key: &str) -> JsonPath {
        let mut segments = self.segments.clone();
        segments.push(Segment::Key(key.to_string()));
        JsonPath { segments }
    }

    /// This path followed by an array index.
    pub fn index(&self, index: usize) -> JsonPath {
        let mut segments = self.segments.clone();
        segments.push(Segment::Index(index));
        JsonPath { segments }
    }

    /// The path of a sweep axis' dotted path from the root, `strategies.1.timeline.3.day` →
    /// `$.strategies[1].timeline[3].day`: segments that read as a whole number are indices,
    /// the others keys.
    pub fn from_dotted(dotted: &str) -> JsonPath {
        let segments = dotted
            .split('.')
            .map(|seg| match seg.parse::<usize>() {
                Ok(i) => Segment::Index(i),
                Err(_) => Segment::Key(seg.to_string()),
            })
            .collect();
        JsonPath { segments }
    }

    /// True when this path is `prefix` or inside it: `$.a[1].b` starts with `$`, `$.a`, `$.a[1]`
    /// and `$.a[1].b`, but not with `$.a[10]` or `$.ab`.
    pub fn starts_with(&self, prefix: &JsonPath) -> bool {
        self.segments.starts_with(&prefix.segments)
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("$")?;
        for segment in &self.segments {
            match segment {
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

/// A type that can be read from a JSON value, reporting problems instead of failing.
pub trait FromJson: Sized {
    /// Reads `value`; on a problem records it and returns `None`.
    fn from_json(value: &Value, at: &JsonPath, problems: &mut Problems) -> Option<Self>;
    /// JSON Schema of the accepted values.
    fn schema() -> Value;
}

/// A short description of a JSON value's type for "expected X, found Y" messages.
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Records "expected X, found Y".
pub fn expected(at: &JsonPath, problems: &mut Problems, what: &str, found: &Value) {
    problems.push(at, format!("expected {what}, found {}", kind_of(found)));
}

impl FromJson for String {
    fn from_json(value: &Value, at: &JsonPath, problems: &mut Problems) -> Option<Self> {
        match value {
            Value::String(s) => Some(s.clone()),
            other => {
                expected(at, problems, "a string", other);
                None
            }
        }
    }
    fn schema() -> Value {
        json!({"type": "string"})
    }
}

impl FromJson for bool {
    fn from_json(value: &Value, at: &JsonPath, problems: &mut Problems) -> Option<Self> {
        match value {
            Value::Bool(b) => Some(*b),
            other => {
                expected(at, problems, "true or false", other);
                None
            }
        }
    }
    fn schema() -> Value {
        json!({"type": "boolean"})
    }
}

impl FromJson for f64 {
    fn from_json(value: &Value, at: &JsonPath, problems: &mut Problems) -> Option<Self> {
        match value.as_f64() {
            Some(x) if x.is_finite() => Some(x),
            _ => {
                expected(at, problems, "a number", value);
                None
            }
        }
    }
    fn schema() -> Value {
        json!({"type": "number"})
    }
}

impl FromJson for u64 {
    /// A whole number ≥ 0. JSON does not tell `20` from `20.0`, so an integral float is the
    /// whole number it writes.
    fn from_json(value: &Value, at: &JsonPath, problems: &mut Problems) -> Option<Self> {
        if let Some(n) = value.as_u64() {
            return Some(n);
        }
        match value {
            // 2^64 is exact as a float; every integral float below it is a u64.
            Value::Number(n)
                if n.as_f64()
                    .is_some_and(|x| x >= 0.0 && x.fract() == 0.0 && x < 18_446_744_073_709_551_616.0) =>
            {
                n.as_f64().map(|x| x as u64)
            }
            Value::Number(n) if n.as_f64().is_some_and(|x| x >= 0.0 && x.fract() == 0.0) => {
                problems
                    .push(at, format!("{n} is too large: the largest whole number allowed is {}", u64::MAX));
                None
            }
            Value::Number(n) if n.as_f64().is_some_and(|x| x.fract() != 0.0) => {
                problems.push_hint(
                    at,
                    format!("expected a whole number, found {n}"),
                    "write a whole number such as 7",
                );
                None
            }
            Value::Number(n) => {
                problems.push_hint(
                    at,
                    format!("expected a whole number ≥ 0, found {n}"),
                    "write a non-negative integer such as 7",
                );
                None
            }
            other => {
                expected(at, problems, "a whole number ≥ 0", other);
                None
            }
        }
    }
    fn schema() -> Value {
        json!({"type": "integer", "minimum": 0})
    }
}

impl FromJson for Value {
    fn from_json(value: &Value, _at: &JsonPath, _problems: &mut Problems) -> Option<Self> {
        Some(value.clone())
    }
    fn schema() -> Value {
        json!({})
    }
}

/// A list of plain values. One that holds a bad item is dropped whole (its problems are
/// reported), so that later checks never see a list whose positions have shifted.
impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &Value, at: &JsonPath, problems: &mut Problems) -> Option<Self> {
        Items::<T>::from_json(value, at, problems)?.0.into_iter().collect()
    }
    fn schema() -> Value {
        json!({"type": "array", "items": T::schema()})
    }
}

/// A list of objects whose items keep their positions in the file even when some could not be
/// read, so that every later problem names the right `[i]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Items<T>(pub Vec<Option<T>>);

impl<T> Default for Items<T> {
    fn default() -> Self {
        Items(Vec::new())
    }
}

impl<T> Items<T> {
    /// The items that could be read, with their positions in the file.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &T)> {
        self.0.iter().enumerate().filter_map(|(i, x)| x.as_ref().map(|x| (i, x)))
    }

    /// Number of items in the file (read or not).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when the file lists none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Item `i`, if it could be read.
    pub fn get(&self, i: usize) -> Option<&T> {
        self.0.get(i).and_then(Option::as_ref)
    }
}

impl<T: FromJson> FromJson for Items<T> {
    fn from_json(value: &Value, at: &JsonPath, problems: &mut Problems) -> Option<Self> {
        match value {
            Value::Array(items) => Some(Items(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| T::from_json(item, &at.index(i), problems))
                    .collect(),
            )),
            other => {
                expected(at, problems, "an array", other);
                None
            }
        }
    }
    fn schema() -> Value {
        json!({"type": "array", "items": T::schema()})
    }
}

/// An object whose keys are names the file chooses (such as person ids) and whose values are
/// all of one type, in file order. A value that cannot be read is left out (its problem is
/// reported at its own path).
#[derive(Debug, Clone, PartialEq)]
pub struct Entries<T>(pub Vec<(String, T)>);

impl<T> Default for Entries<T> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}

impl<T: FromJson> FromJson for Entries<T> {
    fn from_json(value: &Value, at: &JsonPath, problems: &mut Problems) -> Option<Self> {
        match value {
            Value::Object(map) => Some(Entries(
                map.iter()
                    .filter_map(|(k, v)| T::from_json(v, &at.key(k), problems).map(|t| (k.clone(), t)))
                    .collect(),
            )),
            other => {
                expected(at, problems, "an object", other);
                None
            }
        }
    }
    fn schema() -> Value {
        json!({"type": "object", "additionalProperties": T::schema()})
    }
}

/// An object being read field by field. Unknown fields are reported when it is opened.
pub struct ObjectReader<'v> {
    map: &'v Map<String, Value>,
    at: JsonPath,
}

impl<'v> ObjectReader<'v> {
    /// Opens `value` as an object whose fields must all be in `known`; reports every unknown
    /// field (with a did-you-mean) and returns `None` when `value` is not an object.
    pub fn open(
        value: &'v Value,
        at: &JsonPath,
        what: &str,
        known: &[&str],
        problems: &mut Problems,
    ) -> Option<ObjectReader<'v>> {
        let Value::Object(map) = value else {
            expected(at, problems, &format!("{what} (an object)"), value);
            return None;
        };
        for (key, v) in map {
            // A file may name its JSON Schema (editors use it for completion): `$schema` at the
            // top, a string, read by nobody.
            if key == SCHEMA_KEY && at.segments.is_empty() {
                if !v.is_string() {
                    expected(&at.key(key), problems, "a JSON Schema URI or path (a string)", v);
                }
                continue;
            }
            if !known.contains(&key.as_str()) {
                problems.push_unknown(&at.key(key), "field", key, known);
            }
        }
        Some(ObjectReader { map, at: at.clone() })
    }

    /// Reads a required field; records "missing" when absent. When the object has a misspelt
    /// key that would be this field (`scenaro` for `scenario`), the two are one problem: the
    /// missing field, naming the key written, in place of a separate "unknown field".
    pub fn required<T: FromJson>(&self, name: &str, problems: &mut Problems) -> Option<T> {
        match self.map.get(name) {
            Some(v) => T::from_json(v, &self.at.key(name), problems),
            None => {
                let message = format!("missing required field `{name}`");
                let suggestion = format!("did you mean `{name}`?");
                let misspelt = self.map.keys().find_map(|key| {
                    let at = self.at.key(key);
                    problems
                        .list
                        .iter()
                        .position(|p| {
                            p.path == at
                                && p.message.starts_with("unknown field")
                                && p.hint.as_deref() == Some(suggestion.as_str())
                        })
                        .map(|i| (i, key))
                });
                match misspelt {
                    Some((i, key)) => {
                        problems.list.remove(i);
                        problems.push_hint(
                            &self.at,
                            message,
                            format!("the object has `{key}`: {suggestion}"),
                        );
                    }
                    None => problems.push(&self.at, message),
                }
                None
            }
        }
    }

    /// Reads an optional field (`null` counts as absent).
    pub fn optional<T: FromJson>(&self, name: &str, problems: &mut Problems) -> Option<T> {
        match self.map.get(name) {
            None | Some(Value::Null) => None,
            Some(v) => T::from_json(v, &self.at.key(name), problems),
        }
    }
}

/// Declares a raw file type: a struct whose fields mirror a JSON object, with unknown fields
/// rejected, its [`FromJson`] reader and its JSON Schema. `req` fields must be present (their
/// Rust type must implement `Default`, used only while a file with problems is read on);
/// `opt` fields become `Option<T>`. Field docs become schema descriptions.
#[macro_export]
macro_rules! json_object {
    (
        $(#[doc = $doc:literal])*
        $what:literal pub struct $name:ident {
            $( $(#[doc = $fdoc:literal])* $kind:ident $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct $name {
            $( $(#[doc = $fdoc])* pub $field: $crate::json_object!(@type $kind $ty), )*
        }

        impl $name {
            /// JSON field names of this object, in declaration order.
            pub const FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];
            /// Name used in messages.
            pub const WHAT: &'static str = $what;

            /// Reads the fields of an already opened object.
            pub fn read_fields(
                reader: &$crate::input::reader::ObjectReader<'_>,
                problems: &mut $crate::input::reader::Problems,
            ) -> Self {
                $name {
                    $( $field: $crate::json_object!(@read $kind reader problems $field $ty), )*
                }
            }

            /// JSON Schema properties and required list of this object.
            pub fn schema_parts() -> (serde_json::Map<String, serde_json::Value>, Vec<&'static str>) {
                let mut properties = serde_json::Map::new();
                #[allow(unused_mut)]
                let mut required: Vec<&'static str> = Vec::new();
                $(
                    let mut s = <$ty as $crate::input::reader::FromJson>::schema();
                    let doc: &[&str] = &[$($fdoc.trim()),*];
                    if !doc.is_empty() {
                        if let serde_json::Value::Object(m) = &mut s {
                            m.insert("description".into(), doc.join(" ").into());
                        }
                    }
                    properties.insert(stringify!($field).into(), s);
                    $crate::json_object!(@required $kind required $field);
                )*
                (properties, required)
            }
        }

        impl $crate::input::reader::FromJson for $name {
            fn from_json(
                value: &serde_json::Value,
                at: &$crate::input::reader::JsonPath,
                problems: &mut $crate::input::reader::Problems,
            ) -> Option<Self> {
                let reader = $crate::input::reader::ObjectReader::open(value, at, Self::WHAT, Self::FIELDS, problems)?;
                Some(Self::read_fields(&reader, problems))
            }

            fn schema() -> serde_json::Value {
                let (properties, required) = Self::schema_parts();
                let doc: &[&str] = &[$($doc.trim()),*];
                serde_json::json!({
                    "type": "object",
                    "description": doc.join(" "),
                    "properties": properties,
                    "required": required,
                    "additionalProperties": false,
                })
            }
        }
    };
    (@type req $ty:ty) => { $ty };
    (@type opt $ty:ty) => { Option<$ty> };
    (@read req $reader:ident $problems:ident $field:ident $ty:ty) => {
        $reader.required::<$ty>(stringify!($field), $problems).unwrap_or_default()
    };
    (@read opt $reader:ident $problems:ident $field:ident $ty:ty) => {
        $reader.optional::<$ty>(stringify!($field), $problems)
    };
    (@required req $required:ident $field:ident) => { $required.push(stringify!($field)); };
    (@required opt $required:ident $field:ident) => {};
}

/// Declares a string enumeration read from JSON with a did-you-mean for misspellings.
#[macro_export]
macro_rules! json_enum {
    (
        $(#[doc = $doc:literal])*
        $what:literal pub enum $name:ident { $( $(#[doc = $vdoc:literal])* $variant:ident = $text:literal ),+ $(,)? }
        default $default:ident
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $( $(#[doc = $vdoc])* $variant ),+ }

        impl Default for $name {
            fn default() -> Self { $name::$default }
        }

        impl $name {
            /// Every accepted spelling, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The JSON spelling.
            pub fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $text ),+ }
            }

            /// What the value means: its documentation, in one line.
            pub fn meaning(self) -> &'static str {
                match self { $( $name::$variant => concat!($($vdoc),*).trim_start() ),+ }
            }

            /// Parses a JSON spelling.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $( $text => Some($name::$variant), )+ _ => None }
            }
        }

        impl $crate::input::reader::FromJson for $name {
            fn from_json(
                value: &serde_json::Value,
                at: &$crate::input::reader::JsonPath,
                problems: &mut $crate::input::reader::Problems,
            ) -> Option<Self> {
                let serde_json::Value::String(text) = value else {
                    $crate::input::reader::expected(at, problems, &format!("{} (a string)", $what), value);
                    return None;
                };
                let parsed = Self::parse(text);
                if parsed.is_none() {
                    problems.push_unknown(at, $what, text, Self::NAMES);
                }
                parsed
            }
            fn schema() -> serde_json::Value {
                serde_json::json!({"type": "string", "enum": Self::NAMES})
            }
        }
    };
}

/// Reads a tagged object such as `{"do": "verify_domain", ...}`: returns the tag, or records
/// a problem (unknown tag with did-you-mean, or a missing / non-string tag).
pub fn read_tag<'v>(
    value: &'v Value,
    at: &JsonPath,
    tag: &str,
    what: &str,
    known: &[&str],
    problems: &mut Problems,
) -> Option<&'v str> {
    let Value::Object(map) = value else {
        expected(at, problems, &format!("{what} (an object)"), value);
        return None;
    };
    match map.get(tag) {
        Some(Value::String(s)) if known.contains(&s.as_str()) => Some(s.as_str()),
        Some(Value::String(s)) => {
            problems.push_unknown(&at.key(tag), what, s, known);
            None
        }
        Some(other) => {
            expected(&at.key(tag), problems, &format!("the name of {what} (a string)"), other);
            None
        }
        None => {
            problems.push_hint(
                at,
                format!("missing required field `{tag}`"),
                format!("say which {what} this is: one of {}", quote_list(known)),
            );
            None
        }
    }
}

/// Schema of a tagged union: one alternative per tag value.
pub fn tagged_schema(tag: &str, description: &str, variants: Vec<(&str, Value)>) -> Value {
    let one_of: Vec<Value> = variants
        .into_iter()
        .map(|(name, mut schema)| {
            if let Value::Object(m) = &mut schema {
                if let Some(Value::Object(props)) = m.get_mut("properties") {
                    props.insert(tag.into(), json!({"const": name}));
                }
                if let Some(Value::Array(req)) = m.get_mut("required") {
                    req.insert(0, tag.into());
                }
            }
            schema
        })
        .collect();
    json!({"description": description, "oneOf": one_of})
}

/// "expected one of …" when there are a few known names (at most 12), else nothing.
pub fn expected_one_of(known: &[&str]) -> Option<String> {
    (1..=12).contains(&known.len()).then(|| format!("expected one of {}", quote_list(known)))
}

/// `a`, `b` and `c` quoted for messages.
pub fn quote_list(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// The closest of `known` to `name` if it is close enough to be a plausible misspelling.
pub fn did_you_mean<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    let lowered = name.to_lowercase();
    let mut best: Option<(usize, &'k str)> = None;
    for &candidate in known {
        let d = edit_distance(&lowered, &candidate.to_lowercase());
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, candidate));
        }
    }
    let (distance, candidate) = best?;
    let limit = (candidate.chars().count().max(name.chars().count()) / 3).max(1);
    if distance <= limit {
        return Some(candidate);
    }
    // A shared stem also counts: `duplicates` → `duplicate_people`.
    let stem = |k: &str| lowered.chars().zip(k.to_lowercase().chars()).take_while(|(a, b)| a == b).count();
    known
        .iter()
        .map(|&k| (stem(k), k))
        .filter(|&(n, _)| n >= 5 && n * 3 >= lowered.chars().count() * 2)
        .max_by_key(|&(n, _)| n)
        .map(|(_, k)| k)
}

/// Levenshtein distance counting an adjacent transposition as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

/// Parses JSON text like `serde_json::from_str::<Value>`, but refuses an object that names the
/// same key twice (serde_json would silently keep the last), with the line and column.
pub fn parse_strict(text: &str) -> Result<Value, serde_json::Error> {
    use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

    struct Strict(Value);

    impl<'de> Deserialize<'de> for Strict {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(StrictVisitor).map(Strict)
        }
    }

    struct StrictVisitor;

    impl<'de> Visitor<'de> for StrictVisitor {
        type Value = Value;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON value")
        }
        fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
            Ok(Value::Bool(v))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
            Ok(Value::from(v))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
            Ok(Value::from(v))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
            Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
        }
        fn visit_str<E>(self, v: &str) -> Result<Value, E> {
            Ok(Value::String(v.to_string()))
        }
        fn visit_string<E>(self, v: String) -> Result<Value, E> {
            Ok(Value::String(v))
        }
        fn visit_unit<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_none<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
            Strict::deserialize(d).map(|s| s.0)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
            let mut items = Vec::new();
            while let Some(Strict(v)) = seq.next_element()? {
                items.push(v);
            }
            Ok(Value::Array(items))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
            let mut out = Map::new();
            while let Some(key) = map.next_key::<String>()? {
                if out.contains_key(&key) {
                    return Err(de::Error::custom(format!(
                        "the key `{}` appears twice in one object",
                        escape_text(&key)
                    )));
                }
                let Strict(v) = map.next_value()?;
                out.insert(key, v);
            }
            Ok(Value::Object(out))
        }
    }

    serde_json::from_str::<Strict>(text).map(|s| s.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_parsing_refuses_duplicate_keys_and_keeps_everything_else() {
        let text = r#"{"a": [1, -2, 2.5, true, null, "x", {"b": {}}], "c": 18446744073709551615}"#;
        assert_eq!(parse_strict(text).expect("valid"), serde_json::from_str::<Value>(text).expect("valid"));
        let err = parse_strict("{\"seed\": 0,\n \"seed\": 5}").unwrap_err();
        assert_eq!(err.to_string(), "the key `seed` appears twice in one object at line 2 column 7");
        assert!(
            parse_strict("[{\"x\": 1, \"y\": {\"x\": 2}}]").is_ok(),
            "the same key in different objects is fine"
        );
    }

    #[test]
    fn control_characters_are_escaped_wherever_a_problem_echoes_the_file() {
        assert_eq!(escape_text("plain `ok` é"), "plain `ok` é");
        assert_eq!(
            escape_text("a\u{1b}[31mb\nc\td\u{7f}\u{9b}\u{202e}"),
            "a\\u001b[31mb\\nc\\td\\u007f\\u009b\\u202e"
        );
        let at = JsonPath::root().key("x\u{1b}");
        let p = Problem::new(at, "unknown field `x\u{1b}`", Some("did you mean `\u{7}`?".into()));
        assert_eq!(p.to_string(), "$.x\\u001b: unknown field `x\\u001b` (hint: did you mean `\\u0007`?)");
        let err = parse_strict("{\"a\\u001b\": 0, \"a\\u001b\": 1}").unwrap_err();
        assert!(err.to_string().starts_with("the key `a\\u001b` appears twice"), "{err}");
    }

    #[test]
    fn whole_numbers_may_be_written_as_integral_floats() {
        let read = |v: Value| {
            let mut problems = Problems::default();
            let n = u64::from_json(&v, &JsonPath::root(), &mut problems);
            (n, problems.into_vec().into_iter().map(|p| p.to_string()).collect::<Vec<_>>())
        };
        assert_eq!(read(json!(20.0)), (Some(20), vec![]));
        assert_eq!(read(json!(1.844674407370955e19)), (Some(18_446_744_073_709_549_568), vec![]));
        assert_eq!(
            read(json!(20.5)),
            (
                None,
                vec!["$: expected a whole number, found 20.5 (hint: write a whole number such as 7)".into()]
            )
        );
        assert_eq!(
            read(json!(1.8446744073709552e19)).1,
            [
                "$: 1.8446744073709552e+19 is too large: the largest whole number allowed is 18446744073709551615"
            ]
        );
    }

    #[test]
    fn paths_render_like_jsonpath() {
        let p = JsonPath::root().key("strategies").index(1).key("timeline").index(0).key("day");
        assert_eq!(p.to_string(), "$.strategies[1].timeline[0].day");
        assert_eq!(JsonPath::root().to_string(), "$");
    }

    #[test]
    fn containment_is_by_segment_not_by_text() {
        let axis = JsonPath::root().key("axes").index(1);
        assert!(axis.starts_with(&axis));
        assert!(axis.key("path").starts_with(&axis));
        assert!(axis.starts_with(&JsonPath::root()));
        assert!(!JsonPath::root().key("axes").index(10).starts_with(&axis), "`[10]` is not inside `[1]`");
        assert!(!JsonPath::root().key("axesx").starts_with(&JsonPath::root().key("axes")));
        assert!(!JsonPath::root().key("axes").starts_with(&axis), "a parent is not inside its child");
    }

    #[test]
    fn dotted_paths_become_json_paths() {
        let p = JsonPath::from_dotted("strategies.1.timeline.3.day");
        assert_eq!(p, JsonPath::root().key("strategies").index(1).key("timeline").index(3).key("day"));
        assert_eq!(p.to_string(), "$.strategies[1].timeline[3].day");
        assert_eq!(JsonPath::from_dotted("seed").to_string(), "$.seed");
    }

    #[test]
    fn problems_print_their_context_path_and_axis() {
        let at = JsonPath::root().key("axes").index(0);
        let p = Problem { axis: Some("seed".into()), ..Problem::new(at, "path does not exist", None) };
        assert_eq!(p.to_string(), "$.axes[0] (seed): path does not exist");
        let p = Problem::new(JsonPath::root().key("seed"), "bad", Some("fix it".into()));
        assert_eq!(p.to_string(), "$.seed: bad (hint: fix it)");
        let base = Problem { context: Context::BaseScenario, ..p.clone() };
        assert_eq!(base.to_string(), "scenario $.seed: bad (hint: fix it)");
        let axes = vec![("seed".to_string(), "2".to_string()), ("name".to_string(), "\"x\"".to_string())];
        let point = Problem { context: Context::GridPoint { index: 3, axes }, ..p };
        assert_eq!(
            point.to_string(),
            "grid point 3 (seed = 2, name = \"x\"): scenario $.seed: bad (hint: fix it)"
        );
    }

    #[test]
    fn did_you_mean_finds_typos_but_not_strangers() {
        let known = ["idp_email", "server_email", "cloud_email", "directory"];
        assert_eq!(did_you_mean("idp_emial", &known), Some("idp_email"));
        assert_eq!(did_you_mean("Server_Email", &known), Some("server_email"));
        assert_eq!(did_you_mean("directry", &known), Some("directory"));
        assert_eq!(did_you_mean("banana", &known), None);
        assert_eq!(
            did_you_mean("duplicates", &["duplicate_people", "surplus_accounts"]),
            Some("duplicate_people")
        );
        assert_eq!(did_you_mean("server", &known), Some("server_email"));
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("abc", "acb"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    crate::json_object! {
        /// A test object.
        "a test object" pub struct Sample {
            /// The name.
            req name: String,
            opt count: u64,
            opt flags: Vec<bool>,
        }
    }

    #[test]
    fn every_problem_of_an_object_is_reported() {
        let v: Value = serde_json::from_str(r#"{"nme": 1, "count": -2, "flags": [true, 3]}"#).unwrap();
        let mut problems = Problems::default();
        let s = Sample::from_json(&v, &JsonPath::root(), &mut problems).unwrap();
        let msgs: Vec<String> = problems.as_slice().iter().map(|p| p.to_string()).collect();
        assert_eq!(
            msgs,
            vec![
                "$: missing required field `name` (hint: the object has `nme`: did you mean `name`?)",
                "$.count: expected a whole number ≥ 0, found -2 (hint: write a non-negative integer such as 7)",
                "$.flags[1]: expected true or false, found a number",
            ]
        );
        assert_eq!(s.flags, None, "a list with a bad item is dropped whole, never shifted");
    }

    #[test]
    fn schema_lists_properties_and_required() {
        let s = Sample::schema();
        assert_eq!(s["required"], json!(["name"]));
        assert_eq!(s["properties"]["name"]["description"], json!("The name."));
        assert_eq!(s["additionalProperties"], json!(false));
    }
}
