"""Built-in templates: shapes, placeholder grammar and vocabulary, valid tool schemas."""

from __future__ import annotations

import ast
import re
from collections import Counter
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

import ferrosynth.templates as templates
from ferrosynth.templates import CONVERSATION_TEMPLATES, TOOL_CALL_TEMPLATES

# Written out again here (not imported) so that a change to the module's list is caught.
VOCABULARY = {
    "name",
    "first_name",
    "last_name",
    "email",
    "phone",
    "username",
    "company",
    "city",
    "country",
    "street_address",
    "job_title",
    "product",
    "order_id",
    "amount",
    "date",
    "year",
    "number",
    "language",
    "task",
    "function_name",
    "topic",
    "paper_title",
    "finding",
    "conclusion",
    "methodology",
    "duration",
    "analysis_method",
    "word",
    "sentence",
    "paragraph",
    "ticket_id",
    "tracking_number",
    "invoice_id",
    "sku",
    "quantity",
    "currency",
    "url",
    "file_path",
    "sql",
    "search_query",
    "time",
    "datetime",
    "percent",
    "version",
    "package",
    "error_message",
    "code_snippet",
    "journal",
    "doi",
    "sample_size",
}
TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
PLACEHOLDER = re.compile(r"^([a-z_]+?)(?:_(\d+))?$")
SCHEMA_KEYWORDS = {
    "type",
    "properties",
    "required",
    "enum",
    "format",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "items",
    "description",
    "default",
}
SCHEMA_TYPES = {"object", "string", "integer", "number", "boolean", "array", "null"}
SCHEMA_FORMATS = {"email", "date", "date-time", "uri", "uuid"}


def placeholders(content: str) -> list[str]:
    """Placeholder names in ``content``, strictly: a lone brace fails the test."""
    names = []
    for match in TOKEN.finditer(content):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        assert match.group(1) is not None, f"stray {token!r} in {content!r}"
        names.append(match.group(1))
    return names


def base_name(placeholder: str) -> str:
    if placeholder in VOCABULARY:
        return placeholder
    match = PLACEHOLDER.match(placeholder)
    assert match, placeholder
    assert match.group(1) in VOCABULARY, f"unknown placeholder {{{placeholder}}}"
    return match.group(1)


def render(content: str, values: dict[str, str]) -> str:
    """A reference renderer: the grammar the Rust core implements."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        return values.setdefault(match.group(1), f"<{match.group(1)}#{len(values)}>")

    return TOKEN.sub(replace, content)


def test_exports() -> None:
    assert templates.__all__ == ["CONVERSATION_TEMPLATES", "TOOL_CALL_TEMPLATES"]
    assert templates.PLACEHOLDERS == VOCABULARY


@pytest.mark.parametrize(
    ("name", "roles"),
    [
        (
            "customer_support",
            ["system", "user", "assistant", "user", "assistant", "user", "assistant"],
        ),
        ("code_assistant", ["system", "user", "assistant", "user", "assistant"]),
        ("research_assistant", ["system", "user", "assistant", "user", "assistant"]),
    ],
)
def test_conversation_shape(name: str, roles: list[str]) -> None:
    turns = CONVERSATION_TEMPLATES[name]
    assert [turn["role"] for turn in turns] == roles
    for turn in turns:
        assert set(turn) == {"role", "content"}
        assert isinstance(turn["content"], str)
        assert turn["content"].strip()


def test_conversation_names() -> None:
    assert set(CONVERSATION_TEMPLATES) == {
        "customer_support",
        "code_assistant",
        "research_assistant",
    }


@pytest.mark.parametrize("name", sorted(CONVERSATION_TEMPLATES))
def test_placeholders_come_from_vocabulary(name: str) -> None:
    used = [p for turn in CONVERSATION_TEMPLATES[name] for p in placeholders(str(turn["content"]))]
    assert used, f"{name} uses no placeholders"
    for placeholder in used:
        base_name(placeholder)


def test_placeholder_checker_rejects_bad_templates() -> None:
    with pytest.raises(AssertionError):
        base_name("customer_name")
    with pytest.raises(AssertionError):
        placeholders("a lone { brace")
    assert base_name("finding_2") == "finding"
    assert placeholders("{{literal}} {first_name}") == ["first_name"]


def test_customer_support_keeps_one_customer() -> None:
    turns = CONVERSATION_TEMPLATES["customer_support"]
    per_turn = [set(placeholders(str(turn["content"]))) for turn in turns]
    used = set().union(*per_turn)
    assert {"email", "order_id", "product", "date"} <= used
    assert used & {"first_name", "name"}
    turns_using = Counter(p for names in per_turn for p in names)
    for repeated in ("first_name", "email", "order_id"):
        assert turns_using[repeated] >= 2, repeated


def test_code_assistant_snippet_renders_to_valid_python() -> None:
    turns = CONVERSATION_TEMPLATES["code_assistant"]
    raw = str(turns[1]["content"])
    assert "{{" in raw
    rendered = render(raw, {})
    snippet = re.search(r"```python\n(.*?)```", rendered, re.S)
    assert snippet is not None
    tree = ast.parse(snippet.group(1))
    assert isinstance(tree.body[0], ast.Assign)
    assert isinstance(tree.body[0].value, ast.DictComp)
    assert "{{" not in rendered


def test_repeated_placeholders_render_the_same_value() -> None:
    values: dict[str, str] = {}
    turns = [render(str(t["content"]), values) for t in CONVERSATION_TEMPLATES["customer_support"]]
    assert values["order_id"] in turns[1]
    assert values["order_id"] in turns[6]
    research = CONVERSATION_TEMPLATES["research_assistant"]
    rendered = [render(str(t["content"]), {}) for t in research]
    assert "{" not in "".join(rendered)


EXPECTED_TOOLS = {
    "search": "web_search",
    "email": "send_email",
    "database": "execute_query",
    "file_operations": "file_operation",
}


def test_tool_names() -> None:
    assert {key: spec["name"] for key, spec in TOOL_CALL_TEMPLATES.items()} == EXPECTED_TOOLS
    for spec in TOOL_CALL_TEMPLATES.values():
        assert set(spec) == {"name", "description", "parameters"}
        assert isinstance(spec["description"], str)
        assert spec["description"]


def walk_schema(schema: Any, where: str = "#") -> None:
    assert isinstance(schema, dict), where
    assert set(schema) <= SCHEMA_KEYWORDS, (where, set(schema) - SCHEMA_KEYWORDS)
    if "type" in schema:
        assert schema["type"] in SCHEMA_TYPES, where
    if "format" in schema:
        assert schema["format"] in SCHEMA_FORMATS, where
    for name, child in schema.get("properties", {}).items():
        walk_schema(child, f"{where}/properties/{name}")
    if "items" in schema:
        walk_schema(schema["items"], f"{where}/items")
    if "required" in schema:
        assert set(schema["required"]) <= set(schema["properties"]), where


@pytest.mark.parametrize("key", sorted(TOOL_CALL_TEMPLATES))
def test_tool_parameters_are_valid_schemas(key: str) -> None:
    parameters = TOOL_CALL_TEMPLATES[key]["parameters"]
    Draft202012Validator.check_schema(parameters)
    assert isinstance(parameters, dict)
    assert parameters["type"] == "object"
    walk_schema(parameters)


VALID: dict[str, dict[str, object]] = {
    "search": {"query": "rust pyo3 gil", "num_results": 3, "safe_search": False},
    "email": {"to": ["a@example.com"], "subject": "Hi", "body": "Hello", "cc": ["b@example.org"]},
    "database": {"query": "SELECT 1 WHERE x = ?", "params": [1, "a", None], "database": "main"},
    "file_operations": {"operation": "write", "path": "a.txt", "content": "x", "encoding": "ascii"},
}
INVALID: dict[str, list[dict[str, object]]] = {
    "search": [{}, {"query": "x", "num_results": 0}, {"query": "x", "num_results": 21}],
    "email": [
        {"to": [], "subject": "s", "body": "b"},
        {"to": ["a@example.com"] * 6, "subject": "s", "body": "b"},
        {"to": ["not-an-email"], "subject": "s", "body": "b"},
        {"to": ["a@example.com"], "subject": "s", "body": "b", "cc": ["c@example.com"] * 4},
        {"to": ["a@example.com"], "body": "b"},
    ],
    "database": [{"params": []}, {"query": 1}],
    "file_operations": [
        {"operation": "move", "path": "a"},
        {"operation": "read"},
        {"operation": "read", "path": "a", "encoding": "utf-16"},
    ],
}


@pytest.mark.parametrize("key", sorted(TOOL_CALL_TEMPLATES))
def test_tool_schemas_accept_and_reject(key: str) -> None:
    validator = Draft202012Validator(
        TOOL_CALL_TEMPLATES[key]["parameters"], format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(VALID[key])
    for instance in INVALID[key]:
        with pytest.raises(ValidationError):
            validator.validate(instance)


def test_database_query_mentions_sql() -> None:
    parameters: Any = TOOL_CALL_TEMPLATES["database"]["parameters"]
    assert "SQL" in parameters["properties"]["query"]["description"]
    assert parameters["properties"]["params"]["items"] == {}
