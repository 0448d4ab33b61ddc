"""Templates from YAML/JSON files: load-time checks, use, the new placeholders, domains."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from ferrosynth import DataGenerator, DataType, GeneratorConfig, TemplateError
from ferrosynth.template_loader import check_template, load_templates
from ferrosynth.templates import PLACEHOLDERS

REFUND = [
    {"role": "system", "content": "You are a support agent for {company}."},
    {
        "role": "user",
        "content": "Hi, I'm {first_name}. Please refund order {order_id} ({amount} {currency}); "
        "ticket {ticket_id}. {{This is in braces}}",
    },
    {
        "role": "assistant",
        "content": "Sorry, {first_name}. I've refunded {amount} {currency} for {order_id} and "
        "closed {ticket_id}. {paragraph}",
    },
]
CODE = [
    {
        "role": "user",
        "content": "My {language} code fails:\n{code_snippet}\nError: {error_message}",
    },
    {"role": "assistant", "content": "In {language}, {sentence}"},
]


def write(tmp_path: Path, name: str, document: object) -> Path:
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(json.dumps(document))
    else:
        path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def test_yaml_and_json_files_load_in_order(tmp_path: Path) -> None:
    as_yaml = write(tmp_path, "t.yaml", {"templates": {"refund": REFUND, "code": CODE}})
    as_json = write(tmp_path, "t.json", {"refund": REFUND, "code": CODE})
    assert load_templates(as_yaml) == load_templates(as_json) == {"refund": REFUND, "code": CODE}


@pytest.mark.parametrize(
    ("document", "location", "message"),
    [
        ({"t": [{"role": "user", "content": "hi {customer_name}"}]}, "t.yaml:t turn 0", None),
        ({"t": [{"role": "user", "content": "a {"}]}, "t.yaml:t turn 0", "unclosed"),
        ({"t": [{"role": "user", "content": "a } b"}]}, "t.yaml:t turn 0", "unmatched"),
        ({"t": [{"role": "robot", "content": "x"}]}, "t.yaml:t turn 0", "roles are system"),
        (
            {"t": [{"role": "user", "content": "x"}, {"role": "system", "content": "y"}]},
            "t.yaml:t turn 1",
            "first turn only",
        ),
        ({"t": [{"role": "user"}]}, "t.yaml:t turn 0", "'role' and 'content'"),
        ({"t": [{"role": "user", "content": 3}]}, "t.yaml:t turn 0", "must be strings"),
        ({"t": []}, "t.yaml:t", "non-empty list of turns"),
        ({"t": "hello"}, "t.yaml:t", "non-empty list of turns"),
        ([1, 2], "t.yaml", "must map template names"),
    ],
)
def test_bad_templates_fail_at_load_time(
    tmp_path: Path, document: object, location: str, message: str | None
) -> None:
    path = write(tmp_path, "t.yaml", document)
    with pytest.raises(TemplateError) as info:
        load_templates(path)
    assert info.value.location == location
    if message is None:  # an unknown placeholder: the error lists the known ones
        text = str(info.value)
        assert "unknown placeholder {customer_name}" in text
        listed = set(text.split("known placeholders: ")[1].split(", "))
        assert listed == PLACEHOLDERS
    else:
        assert message in str(info.value)


def test_unreadable_template_files(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="cannot read template file"):
        load_templates(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with pytest.raises(TemplateError, match="not valid JSON"):
        load_templates(bad)


def test_a_template_file_drives_generation(gen: DataGenerator, tmp_path: Path) -> None:
    path = write(tmp_path, "t.yaml", {"refund": REFUND, "code": CODE})
    config = GeneratorConfig(
        data_type=DataType.conversation,
        count=200,
        seed=4,
        constraints={
            "template_file": str(path),
            "template": "refund",
            "domain": "customer_support",
        },
    )
    for sample in gen.generate(config).samples:
        _system, user, assistant = (t["content"] for t in sample["turns"])
        name = re.match(r"Hi, I'm (.+?)\. Please", user)
        assert name
        assert assistant.startswith(f"Sorry, {name.group(1)}.")
        # One order and one ticket per conversation, in the template's text and in the prose
        # of {paragraph} alike.
        assert len(set(re.findall(r"ORD-\d{6}", user + assistant))) == 1
        assert len(set(re.findall(r"TCK-\d{5}", user + assistant))) == 1
        assert "{This is in braces}" in user
        assert "{" not in assistant
        assert "lorem" not in assistant.lower()
    # Without a name, the file's first template is used.
    first = config.model_copy(update={"constraints": {"template_file": str(path)}})
    assert gen.generate(first).samples[0]["turns"][0]["role"] == "system"


def test_an_unknown_name_in_a_template_file_lists_its_templates(
    gen: DataGenerator, tmp_path: Path
) -> None:
    path = write(tmp_path, "t.json", {"refund": REFUND})
    config = GeneratorConfig(
        data_type=DataType.conversation,
        count=1,
        constraints={"template_file": str(path), "template": "nope"},
    )
    with pytest.raises(TemplateError, match=r"'nope' is not in t\.json; it has: refund"):
        gen.generate(config)


def test_inline_templates_and_code_snippets_in_the_conversation_language(
    gen: DataGenerator,
) -> None:
    config = GeneratorConfig(
        data_type=DataType.conversation,
        count=100,
        seed=2,
        constraints={"template": CODE, "domain": "coding"},
    )
    keywords = {
        "Python": "def ",
        "TypeScript": "function ",
        "Rust": "fn ",
        "Go": "func ",
        "Java": "static ",
        "C#": "static ",
        "Kotlin": "fun ",
        "Swift": "func ",
        "Ruby": "def ",
        "C++": "std::",
    }
    for sample in gen.generate(config).samples:
        user = sample["turns"][0]["content"]
        language = re.match(r"My (.+?) code fails:", user)
        assert language, user
        snippet = user.split("\n", 1)[1].rsplit("\nError:", 1)[0]
        assert keywords[language.group(1)] in snippet, (language.group(1), snippet)
    with pytest.raises(TemplateError, match="unknown placeholder"):
        check_template([{"role": "user", "content": "{nope}"}], "inline")


def test_every_placeholder_renders(gen: DataGenerator) -> None:
    turns = [{"role": "user", "content": " | ".join(f"{{{p}}}" for p in sorted(PLACEHOLDERS))}]
    config = GeneratorConfig(
        data_type=DataType.conversation, count=30, seed=1, constraints={"template": turns}
    )
    for sample in gen.generate(config).samples:
        values = sample["turns"][0]["content"].split(" | ")
        assert len(values) >= len(PLACEHOLDERS)  # a code snippet may hold " | " itself
        assert all(v.strip() for v in values)


def test_an_unknown_domain_for_a_template_is_a_config_error(gen: DataGenerator) -> None:
    from ferrosynth import ConfigError

    config = GeneratorConfig(
        data_type=DataType.conversation, count=1, constraints={"template": CODE, "domain": "law"}
    )
    with pytest.raises(ConfigError, match="expected one of general, customer_support") as info:
        gen.generate(config)
    assert info.value.field == "constraints.domain"
