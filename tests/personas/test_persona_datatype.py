"""The ``persona`` data type of the Rust core: coherent, locale-consistent, deterministic."""

from __future__ import annotations

import re

import pytest
from faker import Faker

from ferrosynth import DataGenerator, DataType, GeneratorConfig
from ferrosynth.locales import pools_for

SENIOR = re.compile(r"chief|director|head of|president|principal|senior|partner", re.I)
JUNIOR = re.compile(r"junior|trainee|intern|apprentice|assistant|graduate", re.I)


def personas(count: int = 500, seed: int = 1, **constraints: object) -> list[dict[str, object]]:
    config = GeneratorConfig(
        data_type=DataType.persona, count=count, seed=seed, constraints=constraints
    )
    return DataGenerator().generate_personas(config)


def test_fields_and_coherence() -> None:
    rows = personas()
    ids = {p["id"] for p in rows}
    assert len(ids) == len(rows)
    for p in rows:
        title, age = str(p["occupation"]), int(p["age"])  # type: ignore[call-overload]
        if SENIOR.search(title):
            assert 34 <= age <= 64, p
        elif JUNIOR.search(title):
            assert 19 <= age <= 30, p
        else:
            assert 21 <= age <= 63, p
        for key in ("goals", "pain_points", "behaviours"):
            items = p[key]
            assert isinstance(items, list)
            assert 2 <= len(items) <= 3
            assert len(set(items)) == len(items)
        quotes = p["quotes"]
        assert isinstance(quotes, list)
        assert len(quotes) == 2
        assert quotes[0] != quotes[1]
        goals, pains = p["goals"], p["pain_points"]
        assert isinstance(goals, list)
        assert isinstance(pains, list)
        for quote in quotes:  # the voice is about the persona's own facts
            assert goals[0] in quote or pains[0] in quote, (quote, goals[0], pains[0])


def test_domains_have_their_own_vocabulary() -> None:
    coding = personas(200, domain="coding")
    support = personas(200, domain="customer_support")
    assert {p["domain"] for p in coding} == {"coding"}
    coding_goals = {g for p in coding for g in p["goals"]}  # type: ignore[attr-defined]
    support_goals = {g for p in support for g in p["goals"]}  # type: ignore[attr-defined]
    assert coding_goals.isdisjoint(support_goals)
    with pytest.raises(ValueError, match="unknown domain"):
        personas(1, domain="astrology")


def test_names_and_places_come_from_the_locale() -> None:
    pools = pools_for(Faker("de_DE")).pools
    gen = DataGenerator(Faker("de_DE"))
    rows = gen.generate_personas(GeneratorConfig(data_type=DataType.persona, count=200, seed=2))
    firsts, lasts = set(pools["first_names"]), set(pools["last_names"])
    for p in rows:
        name = str(p["name"])  # first names may have a space ("Hans Peter")
        assert any(
            name.startswith(first + " ") and name[len(first) + 1 :] in lasts for first in firsts
        ), name
        assert p["location"] in pools["cities"]
        assert p["occupation"] in pools["job_titles"]


def test_a_persona_is_a_function_of_seed_and_index() -> None:
    gen = DataGenerator()
    config = GeneratorConfig(data_type=DataType.persona, count=100, seed=9)
    whole = gen.generate(config).samples
    alone = gen.generate(config.model_copy(update={"count": 1}), start=57).samples[0]
    assert alone == whole[57]
    assert gen.generate(config, threads=1).samples == gen.generate(config, threads=2).samples
    assert (
        gen.generate(config).samples != gen.generate(config.model_copy(update={"seed": 10})).samples
    )
