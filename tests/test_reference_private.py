"""Code written against aumai-datasynthesizer's private helpers and click CLI runs after the
import swap: the reference's own test suite uses ``_render_template``, ``_resolve_placeholder``,
``_FAKER_PLACEHOLDER_RE``, ``SchemaBasedGenerator._generate_value``/``_generate_object`` and
``click.testing.CliRunner().invoke(main, ...)`` (``scripts/reference_suite.sh`` runs that suite)."""

from __future__ import annotations

import json
import uuid

import pytest
from click.testing import CliRunner
from faker import Faker

from ferrosynth import SchemaBasedGenerator, SchemaWarning
from ferrosynth.cli import main
from ferrosynth.core import _FAKER_PLACEHOLDER_RE, _render_template, _resolve_placeholder


def test_placeholders_are_found_and_rendered_with_the_callers_faker() -> None:
    assert _FAKER_PLACEHOLDER_RE.findall("Hi {first_name}, order {order_id}.") == [
        "first_name",
        "order_id",
    ]
    faker = Faker()
    Faker.seed(7)
    first = _render_template("Order #{order_id} for {email}", faker)
    Faker.seed(7)
    assert _render_template("Order #{order_id} for {email}", faker) == first  # the Faker's seed
    order, email = first.removeprefix("Order #").split(" for ")
    assert order.isdigit()
    assert len(order) == 6
    assert "@" in email
    assert _render_template("No placeholders here.", faker) == "No placeholders here."
    assert _resolve_placeholder("not_a_known_placeholder", faker).isalpha()


def test_generate_value_draws_successive_values_of_one_stream() -> None:
    gen = SchemaBasedGenerator(Faker())
    schema = {"type": "integer", "minimum": 5, "maximum": 10_000}
    values = [gen._generate_value(schema) for _ in range(50)]
    assert all(isinstance(v, int) and 5 <= v <= 10_000 for v in values)
    assert len(set(values)) > 25  # successive draws, not one value repeated
    assert isinstance(gen._generate_value({"type": "number"}), float)
    assert gen._generate_value({"type": "null"}) is None
    assert uuid.UUID(gen._generate_value({"type": "string", "format": "uuid"})).version == 4
    nested = {
        "properties": {
            "address": {
                "type": "object",
                "properties": {"street": {"type": "string"}},
                "required": ["street"],
            }
        },
        "required": ["address"],
    }
    assert isinstance(gen._generate_object(nested)["address"]["street"], str)


def test_generate_value_of_an_unknown_type_is_a_word_with_a_warning() -> None:
    with pytest.warns(SchemaWarning, match="unknown schema type 'unknowntype'"):
        word = SchemaBasedGenerator()._generate_value({"type": "unknowntype"})
    assert isinstance(word, str)
    assert word.isalpha()


def test_click_runner_drives_the_cli_as_the_reference_group() -> None:
    runner = CliRunner()
    version = runner.invoke(main, ["--version"])
    assert version.exit_code == 0
    assert "ferrosynth" in version.output
    result = runner.invoke(main, ["generate", "--type", "text", "--count", "3", "--seed", "42"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [line["index"] for line in lines] == [0, 1, 2]
    assert all(isinstance(line["text"], str) for line in lines)
    assert runner.invoke(main, ["generate"]).exit_code == 2  # --type is required
    assert runner.invoke(main, ["templates"]).exit_code == 2  # --list or --category
    listed = runner.invoke(main, ["templates", "--list"])
    assert "Conversation Templates" in listed.output
    assert "Tool-Call Templates" in listed.output
