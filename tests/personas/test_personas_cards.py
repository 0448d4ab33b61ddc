"""Character cards, and the privacy audit that blocks leaky ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from ferrosynth.personas import (
    CharacterCard,
    DataLoader,
    PersonaGenerator,
    PrivacyAuditor,
    ScriptGenerator,
    ValidationError,
)

PERSONA = {
    "id": "persona-1",
    "name": "Ana Costa",
    "age": 34,
    "occupation": "nurse",
    "location": "Porto",
    "summary": "Works night shifts on a surgical ward.",
    "goals": ["shorter handovers"],
    "pain_points": ["charting is slow", "notes get lost"],
    "behaviours": ["writes things on paper first"],
    "quotes": ["Honestly, just give me five minutes back!"],
    "communication_style": "direct",
}


def test_card_from_a_persona() -> None:
    card = ScriptGenerator().generate(PERSONA)
    assert isinstance(card, CharacterCard)
    assert card.persona_id == "persona-1"
    assert card.identity.name == "Ana Costa"
    assert card.identity.location == "Porto"
    assert card.psychology.frustrations == ["charting is slow", "notes get lost"]
    assert card.communication.formality == "casual"
    assert card.communication.verbosity == "brief"
    assert card.knowledge.does_not_know
    prompt = card.system_prompt
    assert prompt.startswith("You are Ana Costa, 34 years old, a nurse, living in Porto.")
    assert "shorter handovers" in prompt
    assert "Stay in character" in prompt
    assert "five minutes back" not in prompt  # quotes shape the voice, never copied


def test_batch_and_generated_personas(research: Path) -> None:
    result = PersonaGenerator(provider="mock").generate(research, count=3)
    cards = ScriptGenerator().batch_generate(result.personas)
    assert [c.persona_id for c in cards] == [p.id for p in result.personas]


def test_a_card_without_a_name_is_invalid() -> None:
    with pytest.raises(ValidationError, match="needs a name"):
        ScriptGenerator().generate({"goals": ["x"]})


def test_audit_finds_identifiers_quotes_and_overlap() -> None:
    source = (
        "Ana said: I lose my notes every single time the charting tool crashes at night. "
        "Call me on +351 912 345 678 or write to ana.costa@example.org."
    )
    text = (
        "Ana loses her notes every single time the charting tool crashes at night; "
        "reach her at ana.costa@example.org or +351 912 345 678."
    )
    result = PrivacyAuditor(threshold=0.1).audit(text, source)
    kinds = [f.kind for f in result.findings]
    assert kinds[:2] == ["email", "phone"]
    assert "verbatim_quote" in kinds
    assert "ngram_overlap" in kinds
    assert result.blocked
    assert result.score == 1.0
    assert "e-mail address 'ana.costa@example.org' (also in the source)" in result.reasons
    assert any(
        '"notes every single time the charting tool crashes at night"' in r for r in result.reasons
    )


def test_audit_passes_an_abstracted_card() -> None:
    source = "I lose my notes every single time the charting tool crashes at night."
    card = ScriptGenerator().generate({"name": "Ana", "pain_points": ["losing notes"]})
    result = PrivacyAuditor().audit(card, source)
    assert result.passed
    assert result.findings == []
    assert result.score == 0.0


def test_threshold_decides(research: Path) -> None:
    source = "the export is slow and it crashes when I open the weekly report on Monday"
    text = "the export is slow and it crashes; she prefers other tools entirely for planning"
    overlap = PrivacyAuditor(threshold=0.9).audit(text, source)
    assert overlap.passed
    assert overlap.score > 0.1
    assert PrivacyAuditor(threshold=0.1).audit(text, source).blocked


def test_script_generator_blocks_leaky_cards_with_reasons(research: Path) -> None:
    # The mock copies data sentences into goals and pain points: a leak the audit must catch.
    result = PersonaGenerator(provider="mock").generate(research, count=1)
    source = DataLoader().load(research).text
    with pytest.raises(ValidationError, match="leaks source data") as caught:
        ScriptGenerator().generate(result.personas[0], source_text=source)
    assert "verbatim quote" in str(caught.value)
    flagged = ScriptGenerator(on_leak="flag").generate(result.personas[0], source_text=source)
    assert flagged.privacy is not None
    assert flagged.privacy["blocked"] is True
    assert flagged.privacy["reasons"]
