//! The schema document and its registry: draft, base URIs (`$id`, draft-4 `id`), anchors
//! (`$anchor`, `$dynamicAnchor`, `$recursiveAnchor`, draft-6/7 `$id: "#name"`) and `$ref`
//! resolution inside the document. Every subschema is addressed by its JSON pointer from the
//! document root; external documents are never fetched.

use std::collections::HashMap;

use serde_json::Value;

/// The base URI of a document without `$id`.
pub const DEFAULT_BASE: &str = "https://ferrosynth.invalid/schema.json";

/// The JSON Schema draft a document declares with `$schema` (2020-12 when it says nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Draft {
    D4,
    D6,
    D7,
    D2019,
    D2020,
}

impl Draft {
    fn detect(root: &Value) -> Draft {
        let Some(uri) = root.get("$schema").and_then(Value::as_str) else {
            return Draft::D2020;
        };
        if uri.contains("draft-04") {
            Draft::D4
        } else if uri.contains("draft-06") {
            Draft::D6
        } else if uri.contains("draft-07") {
            Draft::D7
        } else if uri.contains("2019-09") {
            Draft::D2019
        } else {
            Draft::D2020
        }
    }

    /// The draft as its `$schema` URI spells it.
    pub fn name(self) -> &'static str {
        match self {
            Draft::D4 => "draft-04",
            Draft::D6 => "draft-06",
            Draft::D7 => "draft-07",
            Draft::D2019 => "2019-09",
            Draft::D2020 => "2020-12",
        }
    }

    /// Drafts up to 7 ignore every keyword beside `$ref`.
    pub fn ref_overrides_siblings(self) -> bool {
        self <= Draft::D7
    }
}

/// Keywords whose values are data, not schemas: never searched for `$id` or anchors.
const DATA_KEYWORDS: &[&str] = &[
    "enum",
    "const",
    "default",
    "examples",
    "example",
    "x-ferrosynth",
];

/// Keywords whose values are subschemas, arrays of subschemas or maps of subschemas.
const SCHEMA_KEYWORDS: &[&str] = &[
    "$defs",
    "definitions",
    "properties",
    "patternProperties",
    "dependentSchemas",
    "dependencies",
    "additionalProperties",
    "propertyNames",
    "unevaluatedProperties",
    "items",
    "prefixItems",
    "additionalItems",
    "contains",
    "unevaluatedItems",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
    "contentSchema",
    // OpenAPI documents keep their schemas under `components/schemas`.
    "components",
    "schemas",
];

/// Keywords whose values map names to schemas.
const NAME_MAPS: &[&str] = &[
    "$defs",
    "definitions",
    "properties",
    "patternProperties",
    "dependentSchemas",
    "dependencies",
    "schemas",
];

/// A dynamic anchor: `(resource base URI, anchor name, pointer)`; `$recursiveAnchor: true`
/// registers the name `""`.
#[derive(Debug, Clone)]
pub struct DynAnchor {
    pub base: String,
    pub name: String,
    pub ptr: String,
}

/// A parsed document with its registry.
#[derive(Debug, Clone)]
pub struct Doc {
    pub root: Value,
    pub draft: Draft,
    resources: HashMap<String, String>,
    anchors: HashMap<(String, String), String>,
    pub dyn_anchors: Vec<DynAnchor>,
    bases: HashMap<String, String>,
    /// Subschemas whose `$schema` names another dialect than the root's: `(pointer, URI)`.
    pub dialect_changes: Vec<(String, String)>,
    /// Resources or anchors declared twice: `(pointer of the second, URI)`.
    pub duplicates: Vec<(String, String)>,
}

impl Doc {
    /// Indexes `root`.
    pub fn new(root: Value) -> Doc {
        let draft = Draft::detect(&root);
        let mut doc = Doc {
            root: Value::Null,
            draft,
            resources: HashMap::new(),
            anchors: HashMap::new(),
            dyn_anchors: Vec::new(),
            bases: HashMap::new(),
            dialect_changes: Vec::new(),
            duplicates: Vec::new(),
        };
        doc.resources.insert(DEFAULT_BASE.to_owned(), String::new());
        doc.walk(&root, String::new(), DEFAULT_BASE.to_owned(), false);
        doc.root = root;
        doc
    }

    /// `names`: `v` maps names to schemas (`$defs`, `properties`, ...), so its keys are names,
    /// not keywords (a definition may be called `default` or `enum`).
    fn walk(&mut self, v: &Value, ptr: String, base: String, names: bool) {
        match v {
            Value::Object(map) if names => {
                for (k, child) in map {
                    let child_ptr = format!("{ptr}/{}", super::pointer_token(k));
                    self.walk(child, child_ptr, base.clone(), false);
                }
            }
            Value::Object(map) => {
                let mut base = base;
                if let Some(uri) = map.get("$schema").filter(|_| !ptr.is_empty()) {
                    if Draft::detect(v) != self.draft {
                        self.dialect_changes.push((ptr.clone(), uri.to_string()));
                    }
                }
                let id_key = if self.draft == Draft::D4 { "id" } else { "$id" };
                // Up to draft 7 every keyword beside `$ref` is ignored, `$id` included.
                let id = match map.get(id_key) {
                    _ if self.draft.ref_overrides_siblings() && map.contains_key("$ref") => None,
                    id => id,
                };
                if let Some(id) = id.and_then(Value::as_str) {
                    if let Some(anchor) = id.strip_prefix('#') {
                        self.anchors
                            .insert((base.clone(), anchor.to_owned()), ptr.clone());
                    } else {
                        let resolved = resolve_uri(&base, id);
                        let (uri, frag) = split_fragment(&resolved);
                        base = uri.to_owned();
                        if let Some(first) = self.resources.insert(base.clone(), ptr.clone()) {
                            if first != ptr {
                                self.duplicates.push((ptr.clone(), base.clone()));
                            }
                        }
                        if !frag.is_empty() && !frag.starts_with('/') {
                            self.anchors
                                .insert((base.clone(), frag.to_owned()), ptr.clone());
                        }
                    }
                }
                for key in ["$anchor", "$dynamicAnchor"] {
                    if let Some(a) = map.get(key).and_then(Value::as_str) {
                        self.anchors
                            .insert((base.clone(), a.to_owned()), ptr.clone());
                    }
                }
                if let Some(a) = map.get("$dynamicAnchor").and_then(Value::as_str) {
                    self.dyn_anchors.push(DynAnchor {
                        base: base.clone(),
                        name: a.to_owned(),
                        ptr: ptr.clone(),
                    });
                }
                if map.get("$recursiveAnchor") == Some(&Value::Bool(true)) {
                    self.dyn_anchors.push(DynAnchor {
                        base: base.clone(),
                        name: String::new(),
                        ptr: ptr.clone(),
                    });
                }
                self.bases.insert(ptr.clone(), base.clone());
                for (k, child) in map {
                    // Only subschemas are searched for `$id` and anchors: an `$id` inside an
                    // unknown keyword (or a data keyword) identifies nothing.
                    if DATA_KEYWORDS.contains(&k.as_str()) || !SCHEMA_KEYWORDS.contains(&k.as_str())
                    {
                        continue;
                    }
                    let child_ptr = format!("{ptr}/{}", super::pointer_token(k));
                    self.walk(
                        child,
                        child_ptr,
                        base.clone(),
                        NAME_MAPS.contains(&k.as_str()),
                    );
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    self.walk(child, format!("{ptr}/{i}"), base.clone(), false);
                }
            }
            _ => {}
        }
    }

    /// The value at `ptr`.
    pub fn get(&self, ptr: &str) -> Option<&Value> {
        self.root.pointer(ptr)
    }

    /// The base URI in force at `ptr`.
    pub fn base_of(&self, ptr: &str) -> &str {
        let mut p = ptr;
        loop {
            if let Some(b) = self.bases.get(p) {
                return b;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return DEFAULT_BASE,
            }
        }
    }

    /// The resource base URI whose root is exactly `ptr`, if `ptr` starts a resource.
    pub fn resource_at(&self, ptr: &str) -> Option<&str> {
        self.resources
            .iter()
            .find(|(_, p)| p.as_str() == ptr)
            .map(|(b, _)| b.as_str())
    }

    /// Pointers of the resources embedded below the root (each `$id` that starts one).
    pub fn embedded_resources(&self) -> impl Iterator<Item = &str> {
        self.resources
            .values()
            .map(String::as_str)
            .filter(|p| !p.is_empty())
    }

    /// Resolves `reference` found in the schema at `from` to a pointer in this document.
    pub fn resolve(&self, from: &str, reference: &str) -> Result<String, String> {
        let absolute = resolve_uri(self.base_of(from), reference);
        self.lookup(&absolute)
            .ok_or_else(|| format!("cannot resolve $ref {reference:?} (only references inside the document are followed)"))
    }

    /// The pointer an absolute URI (with fragment) designates.
    pub fn lookup(&self, absolute: &str) -> Option<String> {
        let (uri, frag) = split_fragment(absolute);
        let frag = percent_decode(frag);
        let root = self.resources.get(uri)?;
        if frag.is_empty() {
            return Some(root.clone());
        }
        if frag.starts_with('/') {
            let ptr = format!("{root}{frag}");
            return self.get(&ptr).is_some().then_some(ptr);
        }
        self.anchors.get(&(uri.to_owned(), frag)).cloned()
    }
}

fn split_fragment(uri: &str) -> (&str, &str) {
    match uri.split_once('#') {
        Some((u, f)) => (u, f),
        None => (uri, ""),
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

/// RFC 3986 §5.2 reference resolution.
pub fn resolve_uri(base: &str, reference: &str) -> String {
    if has_scheme(reference) {
        return reference.to_owned();
    }
    let (base_nofrag, _) = split_fragment(base);
    if reference.starts_with('#') || reference.is_empty() {
        return format!("{base_nofrag}{reference}");
    }
    let Some(colon) = base_nofrag.find(':') else {
        return reference.to_owned();
    };
    let scheme = &base_nofrag[..colon];
    let rest = &base_nofrag[colon + 1..];
    if let Some(r) = reference.strip_prefix("//") {
        return format!("{scheme}://{r}");
    }
    let (authority, path_query) = match rest.strip_prefix("//") {
        Some(r) => match r.find('/') {
            Some(i) => (format!("//{}", &r[..i]), &r[i..]),
            None => (format!("//{r}"), ""),
        },
        None => (String::new(), rest),
    };
    let base_path = path_query.split(['?']).next().unwrap_or("");
    let (ref_main, ref_frag) = match reference.find('#') {
        Some(i) => (&reference[..i], &reference[i..]),
        None => (reference, ""),
    };
    let (ref_path, ref_query) = match ref_main.find('?') {
        Some(i) => (&ref_main[..i], &ref_main[i..]),
        None => (ref_main, ""),
    };
    let merged = if ref_path.starts_with('/') {
        ref_path.to_owned()
    } else if ref_path.is_empty() {
        base_path.to_owned()
    } else {
        match base_path.rfind('/') {
            Some(i) => format!("{}{}", &base_path[..=i], ref_path),
            None if !authority.is_empty() => format!("/{ref_path}"),
            None => ref_path.to_owned(),
        }
    };
    let query = if ref_path.is_empty() && ref_query.is_empty() {
        path_query.find('?').map_or("", |i| &path_query[i..])
    } else {
        ref_query
    };
    format!(
        "{scheme}:{authority}{}{query}{ref_frag}",
        remove_dot_segments(&merged)
    )
}

fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(i) if i > 0 => {
            let scheme = &s[..i];
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !s[..i].contains('/')
        }
        _ => false,
    }
}

fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let absolute = path.starts_with('/');
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len().saturating_sub(1);
    for (i, seg) in segments.iter().enumerate() {
        match *seg {
            "." => {
                if i == last {
                    out.push("");
                }
            }
            ".." => {
                if out.len() > usize::from(absolute) {
                    out.pop();
                }
                if i == last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    let joined = out.join("/");
    if absolute && !joined.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resolves_relative_uris() {
        let b = "https://example.com/a/b/c.json";
        assert_eq!(resolve_uri(b, "d.json"), "https://example.com/a/b/d.json");
        assert_eq!(
            resolve_uri(b, "../d.json#x"),
            "https://example.com/a/d.json#x"
        );
        assert_eq!(
            resolve_uri(b, "/root.json"),
            "https://example.com/root.json"
        );
        assert_eq!(
            resolve_uri(b, "#/defs"),
            "https://example.com/a/b/c.json#/defs"
        );
        assert_eq!(resolve_uri(b, "urn:x:y"), "urn:x:y");
    }

    #[test]
    fn finds_ids_anchors_and_pointers() {
        let doc = Doc::new(json!({
            "$id": "https://example.com/root.json",
            "$defs": {
                "a": {"$anchor": "aa", "type": "string"},
                "b": {"$id": "other.json", "$defs": {"c": {"type": "integer"}}},
                "pct": {"$defs": {"x y": {"type": "null"}}}
            }
        }));
        assert_eq!(doc.resolve("", "#aa").unwrap(), "/$defs/a");
        assert_eq!(doc.resolve("", "#/$defs/a").unwrap(), "/$defs/a");
        assert_eq!(doc.resolve("", "other.json").unwrap(), "/$defs/b");
        assert_eq!(
            doc.resolve("/$defs/b", "#/$defs/c").unwrap(),
            "/$defs/b/$defs/c"
        );
        assert_eq!(
            doc.resolve("", "#/$defs/pct/$defs/x%20y").unwrap(),
            "/$defs/pct/$defs/x y"
        );
        assert!(doc.resolve("", "https://elsewhere.org/s.json").is_err());
    }
}
