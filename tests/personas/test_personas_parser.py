"""The tolerant parser: fences, prose, wrappers, aliases, and what it refuses."""

from __future__ import annotations

import pytest

from ferrosynth.personas import PersonaParser


@pytest.mark.parametrize(
    "text",
    [
        '[{"name": "Ana"}, {"name": "Ben"}]',
        'Here:\n```json\n{"personas": [{"name": "Ana"}, {"name": "Ben"}]}\n```\nHope it helps.',
        '{"data": {"users": [{"full_name": "Ana"}, {"persona_name": "Ben"}]}}',
        'Persona 1: {"name": "Ana"}\nPersona 2: {"name": "Ben"}',
        '[{"personas": [{"name": "Ana"}, {"name": "Ben"}]}]',
    ],
)
def test_shapes_models_answer_in(text: str) -> None:
    result = PersonaParser().parse(text)
    assert [p.name for p in result.personas] == ["Ana", "Ben"], result.errors
    assert result.success


def test_key_aliases_and_value_shapes() -> None:
    text = """{"personas": [{
        "Full Name": "Ana Costa", "Age": "34 years", "job_title": "nurse",
        "demographics": {"city": "Porto", "income": "middle"},
        "Pain-Points": "slow charting", "motivations": ["shorter shifts"],
        "behaviors": {"morning": "checks email"}, "quote": {"text": "Give me five minutes."},
        "favourite_colour": "green"}]}"""
    persona = PersonaParser().parse(text).personas[0]
    assert (persona.name, persona.age, persona.occupation, persona.location) == (
        "Ana Costa",
        34,
        "nurse",
        "Porto",
    )
    assert persona.demographics == {"income": "middle"}
    assert persona.pain_points == ["slow charting"]
    assert persona.goals == ["shorter shifts"]
    assert persona.behaviours == ["morning: checks email"]
    assert persona.quotes == ["Give me five minutes."]
    assert persona.extra == {"favourite_colour": "green"}


def test_problems_are_reported_not_raised() -> None:
    result = PersonaParser().parse('[{"name": "Ana"}, {"age": 3}, "text"]')
    assert [p.name for p in result.personas] == ["Ana"]
    assert len(result.errors) == 2
    assert not result.success
    assert "without a name" in result.errors[0]
    empty = PersonaParser().parse("No JSON here.")
    assert empty.personas == []
    assert empty.errors == ["no persona objects found in the answer"]
