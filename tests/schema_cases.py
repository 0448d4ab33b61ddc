"""Per-keyword schemas: each is generated from and every instance validated (see
``test_schema_keywords.py``). The same table produces ``docs/json-schema-support.md``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

D4 = "http://json-schema.org/draft-04/schema#"
D6 = "http://json-schema.org/draft-06/schema#"
D7 = "http://json-schema.org/draft-07/schema#"
D2019 = "https://json-schema.org/draft/2019-09/schema"
D2020 = "https://json-schema.org/draft/2020-12/schema"


@dataclass(frozen=True)
class Keyword:
    """One row of the support matrix: a keyword, how it is generated, and its test schemas."""

    name: str
    family: str
    how: str
    cases: list[Any] = field(default_factory=list)


KEYWORDS: list[Keyword] = [
    Keyword(
        "type",
        "core",
        "one node per type; a list is a weighted choice (null rarer)",
        [
            {"type": "string"},
            {"type": "integer"},
            {"type": "number"},
            {"type": "boolean"},
            {"type": "null"},
            {"type": "object"},
            {"type": "array"},
            {"type": ["string", "integer", "null"]},
            {"type": ["number", "boolean"]},
        ],
    ),
    Keyword(
        "enum",
        "core",
        "values filtered by the other constraints at compile time",
        [
            {"enum": ["red", "green", "blue"]},
            {"enum": [1, "one", None, {"a": 1}, [1, 2]]},
            {"type": "string", "enum": ["a", "bb", "ccc"], "minLength": 2},
        ],
    ),
    Keyword(
        "const",
        "core",
        "written as is (checked against the rest)",
        [
            {"const": "fixed"},
            {"const": {"nested": [1, 2, {"x": None}]}},
            {"type": "integer", "const": 42, "minimum": 0},
        ],
    ),
    Keyword(
        "boolean schemas",
        "core",
        "`true` any value, `false` a compile error",
        [
            True,
            {"type": "object", "properties": {"gone": False, "a": True}, "required": ["a"]},
        ],
    ),
    Keyword(
        "nullable (OpenAPI 3.0)",
        "core",
        "adds `null` to `type`",
        [
            {"type": "string", "nullable": True, "format": "email"},
            {
                "type": "object",
                "properties": {"n": {"type": "integer", "nullable": True}},
                "required": ["n"],
            },
        ],
    ),
    Keyword(
        "properties / required",
        "object",
        "required always written, optional 80 %",
        [
            {
                "type": "object",
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
                "required": ["id"],
            },
            {"type": "object", "required": ["undeclared"]},
            {"properties": {"a": {"type": "boolean"}}, "required": ["a"]},
        ],
    ),
    Keyword(
        "additionalProperties",
        "object",
        "false closes, a schema types the extras",
        [
            {
                "type": "object",
                "properties": {"a": {"type": "string"}},
                "required": ["a"],
                "additionalProperties": False,
            },
            {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
            {
                "type": "object",
                "properties": {"a": {"type": "integer"}},
                "additionalProperties": {"type": "boolean"},
                "minProperties": 3,
            },
        ],
    ),
    Keyword(
        "patternProperties",
        "object",
        "extra keys generated from the pattern",
        [
            {
                "type": "object",
                "patternProperties": {"^x-[a-z]+$": {"type": "string"}},
                "additionalProperties": False,
            },
            {
                "type": "object",
                "patternProperties": {"^[0-9]{3}$": {"type": "integer"}, "^s_": {"type": "string"}},
                "minProperties": 2,
                "maxProperties": 4,
            },
        ],
    ),
    Keyword(
        "propertyNames",
        "object",
        "declared names checked; extra keys built from it",
        [
            {
                "type": "object",
                "propertyNames": {"pattern": "^[a-z]{2,6}$"},
                "additionalProperties": {"type": "number"},
            },
            {
                "type": "object",
                "propertyNames": {"maxLength": 3},
                "properties": {"ok": {"type": "string"}, "toolong": {"type": "string"}},
            },
        ],
    ),
    Keyword(
        "minProperties / maxProperties",
        "object",
        "a property count is drawn in range",
        [
            {
                "type": "object",
                "properties": {"a": {}, "b": {}, "c": {}, "d": {}},
                "minProperties": 2,
                "maxProperties": 3,
            },
            {"type": "object", "minProperties": 2},
        ],
    ),
    Keyword(
        "dependentRequired",
        "object",
        "variants: trigger absent, or present with its needs",
        [
            {
                "type": "object",
                "properties": {"card": {"type": "string"}, "cvv": {"type": "string"}},
                "dependentRequired": {"card": ["cvv"]},
            },
            {
                "$schema": D7,
                "type": "object",
                "properties": {"a": {"type": "integer"}},
                "dependencies": {"a": ["b"]},
            },
        ],
    ),
    Keyword(
        "dependentSchemas",
        "object",
        "variants: trigger absent, or present with its schema",
        [
            {
                "type": "object",
                "properties": {"card": {"type": "string"}},
                "dependentSchemas": {
                    "card": {
                        "properties": {"exp": {"type": "string", "format": "date"}},
                        "required": ["exp"],
                    }
                },
            },
            {
                "$schema": D7,
                "type": "object",
                "properties": {"a": {"type": "integer"}},
                "required": ["a"],
                "dependencies": {"a": {"properties": {"b": {"const": 1}}, "required": ["b"]}},
            },
        ],
    ),
    Keyword(
        "unevaluatedProperties",
        "object",
        "only evaluated properties unless it allows more",
        [
            {
                "allOf": [
                    {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
                ],
                "properties": {"b": {"type": "string"}},
                "unevaluatedProperties": False,
            },
            {
                "type": "object",
                "properties": {"a": {"type": "integer"}},
                "unevaluatedProperties": {"type": "string"},
                "minProperties": 2,
            },
        ],
    ),
    Keyword(
        "items",
        "array",
        "items from the schema; 1..5 by default",
        [
            {"type": "array", "items": {"type": "integer"}},
            {"type": "array", "items": {"type": "string", "format": "uuid"}, "minItems": 2},
            {"type": "array", "items": False},
        ],
    ),
    Keyword(
        "prefixItems",
        "array",
        "tuple positions, then `items` (or nothing if false)",
        [
            {
                "type": "array",
                "prefixItems": [{"type": "string"}, {"type": "number"}],
                "items": False,
            },
            {
                "type": "array",
                "prefixItems": [{"const": "head"}],
                "items": {"type": "integer"},
                "minItems": 3,
            },
        ],
    ),
    Keyword(
        "items (array form) / additionalItems",
        "array",
        "draft 4-2019 tuples",
        [
            {
                "$schema": D7,
                "type": "array",
                "items": [{"type": "integer"}, {"type": "string"}],
                "additionalItems": False,
            },
            {
                "$schema": D2019,
                "type": "array",
                "items": [{"type": "boolean"}],
                "additionalItems": {"type": "null"},
                "minItems": 3,
            },
        ],
    ),
    Keyword(
        "contains / minContains / maxContains",
        "array",
        "k matching items at random spots",
        [
            {"type": "array", "contains": {"type": "string", "const": "needle"}},
            {
                "type": "array",
                "items": {"type": "integer", "minimum": 0, "maximum": 100},
                "contains": {"minimum": 90},
                "minContains": 2,
                "maxContains": 3,
            },
            {
                "type": "array",
                "items": {"enum": ["a", "b", "c"]},
                "contains": {"const": "a"},
                "maxContains": 1,
                "minItems": 3,
            },
        ],
    ),
    Keyword(
        "minItems / maxItems",
        "array",
        "length drawn in range",
        [
            {"type": "array", "minItems": 3, "maxItems": 3},
            {"type": "array", "items": {"type": "boolean"}, "maxItems": 0},
        ],
    ),
    Keyword(
        "uniqueItems",
        "array",
        "small spaces sampled without repeats; else redraw",
        [
            {
                "type": "array",
                "items": {"enum": [1, 2, 3, 4, 5]},
                "uniqueItems": True,
                "minItems": 5,
            },
            {
                "type": "array",
                "items": {"type": "integer", "minimum": 1, "maximum": 6},
                "uniqueItems": True,
                "minItems": 3,
                "maxItems": 6,
            },
            {"type": "array", "items": {"type": "string"}, "uniqueItems": True, "minItems": 4},
            {"type": "array", "items": {"type": "boolean"}, "uniqueItems": True},
        ],
    ),
    Keyword(
        "unevaluatedItems",
        "array",
        "extra items take it (or none if false)",
        [
            {"type": "array", "prefixItems": [{"type": "integer"}], "unevaluatedItems": False},
            {
                "type": "array",
                "prefixItems": [{"type": "integer"}],
                "unevaluatedItems": {"type": "string"},
                "minItems": 3,
            },
        ],
    ),
    Keyword(
        "minLength / maxLength",
        "string",
        "code points; realistic text padded or cut",
        [
            {"type": "string", "minLength": 10, "maxLength": 12},
            {"type": "string", "maxLength": 1},
            {
                "type": "object",
                "properties": {"city": {"type": "string", "maxLength": 4}},
                "required": ["city"],
            },
        ],
    ),
    Keyword(
        "pattern",
        "string",
        "built from the ECMA-262 expression at a chosen length",
        [
            {"type": "string", "pattern": "^[A-Z]{3}-\\d{4}$"},
            {"type": "string", "pattern": "^(\\([0-9]{3}\\))?[0-9]{3}-[0-9]{4}$"},
            {"type": "string", "pattern": "^\\p{Lu}\\p{Ll}{2,8}$"},
            {"type": "string", "pattern": "[a-z]+@example\\.(com|org)"},
            {"type": "string", "pattern": "^(?=.*[A-Z])(?=.*\\d)[A-Za-z\\d!@#]{8,16}$"},
            {"type": "string", "pattern": "^[a-z]+(-[a-z]+)*$", "minLength": 5, "maxLength": 9},
            {"type": "string", "pattern": "^(?!admin$)[a-z]{3,8}$"},
        ],
    ),
    Keyword(
        "format",
        "string",
        "every standard format built valid (see `formats`)",
        [
            {"type": "string", "format": f}
            for f in [
                "date-time",
                "date",
                "time",
                "duration",
                "email",
                "idn-email",
                "hostname",
                "idn-hostname",
                "ipv4",
                "ipv6",
                "uri",
                "uri-reference",
                "iri",
                "iri-reference",
                "uri-template",
                "uuid",
                "json-pointer",
                "relative-json-pointer",
                "regex",
            ]
        ]
        + [
            {"type": "string", "format": "email", "maxLength": 12},
            {"type": "string", "format": "date-time", "minLength": 24},
            {"type": "string", "format": "ipv4", "maxLength": 8},
        ],
    ),
    Keyword(
        "minimum / maximum",
        "number",
        "uniform in range (everyday window for huge ranges)",
        [
            {"type": "integer", "minimum": -5, "maximum": 5},
            {"type": "number", "minimum": 0.5, "maximum": 0.75},
            {"type": "integer", "minimum": 0, "maximum": 9223372036854775807},
            {"type": "integer", "minimum": 1000000},
        ],
    ),
    Keyword(
        "exclusiveMinimum / exclusiveMaximum",
        "number",
        "numeric (6+) or boolean (4)",
        [
            {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 3},
            {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 0.001},
            {
                "$schema": D4,
                "type": "integer",
                "minimum": 1,
                "exclusiveMinimum": True,
                "maximum": 3,
                "exclusiveMaximum": True,
            },
        ],
    ),
    Keyword(
        "multipleOf",
        "number",
        "grid k × step, exact in decimal and in float division",
        [
            {"type": "integer", "multipleOf": 5, "minimum": 1, "maximum": 99},
            {"type": "number", "multipleOf": 0.01, "minimum": 0, "maximum": 100},
            {"type": "number", "multipleOf": 0.1, "maximum": 3},
            {"allOf": [{"multipleOf": 4}, {"multipleOf": 6}], "type": "integer"},
            {"type": "integer", "multipleOf": 0.5, "minimum": -3, "maximum": 3},
        ],
    ),
    Keyword(
        "allOf",
        "applicator",
        "merged into one set of facets",
        [
            {
                "allOf": [
                    {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
                    {"properties": {"a": {"minimum": 10, "maximum": 20}}},
                ]
            },
            {"allOf": [{"type": "string"}, {"minLength": 3}, {"maxLength": 5}]},
        ],
    ),
    Keyword(
        "anyOf",
        "applicator",
        "one variant per branch",
        [
            {"anyOf": [{"type": "string", "format": "email"}, {"type": "integer", "minimum": 5}]},
            {
                "type": "object",
                "properties": {"v": {"anyOf": [{"type": "null"}, {"type": "number"}]}},
            },
        ],
    ),
    Keyword(
        "oneOf",
        "applicator",
        "a branch with the others negated (exactly one matches)",
        [
            {
                "oneOf": [
                    {"type": "integer", "multipleOf": 3},
                    {"type": "integer", "multipleOf": 5},
                ],
                "minimum": 1,
                "maximum": 30,
            },
            {
                "oneOf": [
                    {
                        "type": "object",
                        "properties": {"kind": {"const": "cat"}, "meows": {"type": "boolean"}},
                        "required": ["kind", "meows"],
                    },
                    {
                        "type": "object",
                        "properties": {"kind": {"const": "dog"}, "barks": {"type": "integer"}},
                        "required": ["kind", "barks"],
                    },
                ]
            },
            {"oneOf": [{"type": "string", "maxLength": 4}, {"type": "string", "minLength": 3}]},
        ],
    ),
    Keyword(
        "not",
        "applicator",
        "absorbed (types, values, bounds, properties) or checked",
        [
            {"not": {"type": "string"}},
            {"type": "integer", "minimum": 0, "maximum": 10, "not": {"multipleOf": 2}},
            {"type": "string", "not": {"enum": ["admin", "root"]}, "pattern": "^[a-z]{3,5}$"},
            {
                "type": "object",
                "properties": {"a": {"type": "integer"}},
                "not": {"required": ["a"]},
            },
        ],
    ),
    Keyword(
        "if / then / else",
        "applicator",
        "two variants: if ∧ then, ¬if ∧ else",
        [
            {
                "type": "object",
                "properties": {"country": {"enum": ["US", "CA"]}},
                "required": ["country"],
                "if": {"properties": {"country": {"const": "US"}}},
                "then": {
                    "properties": {"zip": {"type": "string", "pattern": "^\\d{5}$"}},
                    "required": ["zip"],
                },
                "else": {
                    "properties": {
                        "postal": {"type": "string", "pattern": "^[A-Z]\\d[A-Z] \\d[A-Z]\\d$"}
                    },
                    "required": ["postal"],
                },
            },
            {
                "type": "integer",
                "minimum": 0,
                "maximum": 100,
                "if": {"minimum": 50},
                "then": {"multipleOf": 10},
            },
        ],
    ),
    Keyword(
        "$ref / $defs / definitions",
        "reference",
        "followed in the document; shared",
        [
            {
                "$defs": {"pos": {"type": "integer", "minimum": 1}},
                "type": "object",
                "properties": {"a": {"$ref": "#/$defs/pos"}},
                "required": ["a"],
            },
            {
                "$schema": D7,
                "definitions": {"name": {"type": "string", "minLength": 2}},
                "type": "array",
                "items": {"$ref": "#/definitions/name"},
            },
            {
                "$schema": D4,
                "definitions": {"s": {"type": "string"}},
                "properties": {"x": {"$ref": "#/definitions/s"}},
                "required": ["x"],
            },
        ],
    ),
    Keyword(
        "$id / $anchor",
        "reference",
        "relative URIs and anchors resolved in the document",
        [
            {
                "$id": "https://example.com/root.json",
                "$defs": {
                    "addr": {
                        "$id": "address.json",
                        "type": "object",
                        "properties": {"city": {"type": "string"}},
                        "required": ["city"],
                    },
                    "tag": {"$anchor": "tag", "type": "string", "maxLength": 8},
                },
                "type": "object",
                "properties": {"home": {"$ref": "address.json"}, "t": {"$ref": "#tag"}},
                "required": ["home", "t"],
            },
            {
                "$schema": D4,
                "id": "http://example.com/s.json",
                "definitions": {"n": {"id": "#num", "type": "number"}},
                "properties": {"v": {"$ref": "#num"}},
                "required": ["v"],
            },
        ],
    ),
    Keyword(
        "recursive schemas",
        "reference",
        "depth and size budgets; shallowest branch after",
        [
            {
                "$defs": {
                    "node": {
                        "type": "object",
                        "properties": {
                            "value": {"type": "integer"},
                            "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                        },
                        "required": ["value"],
                    }
                },
                "$ref": "#/$defs/node",
            },
            {
                "$defs": {
                    "expr": {
                        "anyOf": [
                            {"type": "number"},
                            {
                                "type": "array",
                                "prefixItems": [
                                    {"enum": ["+", "*"]},
                                    {"$ref": "#/$defs/expr"},
                                    {"$ref": "#/$defs/expr"},
                                ],
                                "items": False,
                                "minItems": 3,
                            },
                        ]
                    }
                },
                "$ref": "#/$defs/expr",
            },
        ],
    ),
    Keyword(
        "$dynamicRef / $dynamicAnchor",
        "reference",
        "resolved to the outermost anchor",
        [
            {
                "$schema": D2020,
                "$id": "https://example.com/tree",
                "$dynamicAnchor": "node",
                "type": "object",
                "properties": {
                    "data": {"type": "integer"},
                    "children": {"type": "array", "items": {"$dynamicRef": "#node"}, "maxItems": 2},
                },
                "required": ["data"],
            },
        ],
    ),
    Keyword(
        "$recursiveRef (2019-09)",
        "reference",
        "like $dynamicRef with `#`",
        [
            {
                "$schema": D2019,
                "$recursiveAnchor": True,
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "sub": {"type": "array", "items": {"$recursiveRef": "#"}},
                },
                "required": ["name"],
            },
        ],
    ),
    Keyword(
        "unknown keywords",
        "core",
        "ignored",
        [
            {
                "type": "string",
                "x-vendor": {"anything": True},
                "deprecated": True,
                "readOnly": True,
                "title": "T",
                "examples": ["a"],
                "$comment": "c",
            },
        ],
    ),
]

#: Unsatisfiable or malformed schemas: (schema, expected pointer, text the message contains).
ERRORS: list[tuple[Any, str, str]] = [
    ({"type": "integer", "minimum": 5, "maximum": 1}, "", "greater than maximum"),
    ({"minimum": 5, "maximum": 1}, "", "greater than maximum"),
    (False, "", "admits no value"),
    ({"allOf": [{"type": "string"}, {"type": "integer"}]}, "/allOf/1/type", "no type"),
    (
        {
            "type": "object",
            "properties": {"a": {"type": "string"}},
            "required": ["a", "b"],
            "additionalProperties": False,
        },
        "",
        'required property "b"',
    ),
    ({"type": "string", "minLength": 10, "maxLength": 3}, "", "minLength (10)"),
    (
        {"type": "array", "minItems": 4, "items": {"enum": [1, 2]}, "uniqueItems": True},
        "",
        "uniqueItems",
    ),
    (
        {
            "type": "object",
            "properties": {"p": {"type": "string", "pattern": "^\\d{3}$", "minLength": 4}},
            "required": ["p"],
        },
        "/properties/p/pattern",
        "no string of 4",
    ),
    ({"type": "string", "pattern": "(unclosed"}, "/pattern", "unterminated group"),
    ({"enum": [1, 2], "type": "string"}, "", "enum"),
    ({"const": 5, "maximum": 3}, "", "const"),
    ({"type": "integer", "multipleOf": 10, "minimum": 1, "maximum": 9}, "", "multiple of"),
    ({"type": "integer", "exclusiveMinimum": 1, "exclusiveMaximum": 2}, "", "no integer"),
    ({"$ref": "#/$defs/missing"}, "/$ref", "cannot resolve"),
    ({"$ref": "https://example.com/other.json"}, "/$ref", "only references inside"),
    (
        {
            "$defs": {
                "a": {
                    "type": "object",
                    "properties": {"a": {"$ref": "#/$defs/a"}},
                    "required": ["a"],
                }
            },
            "$ref": "#/$defs/a",
        },
        "/$defs/a/properties/a",
        "no finite instance",
    ),
    (
        {
            "type": "object",
            "minProperties": 3,
            "properties": {"a": {}},
            "additionalProperties": False,
        },
        "",
        "minProperties (3)",
    ),
    ({"type": "object", "maxProperties": 1, "required": ["a", "b"]}, "", "maxProperties"),
    (
        {"type": "array", "prefixItems": [{"type": "integer"}], "items": False, "minItems": 2},
        "",
        "minItems (2)",
    ),
    (
        {"type": "array", "contains": {"type": "string"}, "items": {"type": "integer"}},
        "/items/type",
        "no type",
    ),
    ({"type": "string", "format": "uuid", "maxLength": 10}, "", "uuid"),
    ({"not": {}}, "/not", "excludes every value"),
    (
        {"type": "array", "contains": {"const": 1}, "minContains": 3, "maxContains": 2},
        "",
        "minContains (3)",
    ),
    ({"type": "strin"}, "/type", "unknown type"),
    ({"enum": []}, "/enum", "empty"),
    ({"type": "string", "x-ferrosynth": {"provider": "nope"}}, "/x-ferrosynth", "unknown provider"),
    (
        {"type": "string", "enum": ["a"], "x-ferrosynth": {"value": "b"}},
        "/x-ferrosynth",
        "does not satisfy",
    ),
]

#: Minimums too large to build are refused rather than generated for minutes.
ERRORS += [
    ({"type": "string", "minLength": 10**9}, "", "minLength (1000000000)"),
    ({"type": "array", "minItems": 10**7}, "", "minItems (10000000)"),
    ({"type": "object", "minProperties": 10**6}, "", "minProperties (1000000)"),
    ({"type": "integer", "minimum": 1e300}, "", "64-bit"),
]
