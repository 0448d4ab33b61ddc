"""Locale value pools: shape, ASCII folding, determinism and hands off the caller's Faker."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from importlib import resources

import faker
import faker.generator
import pytest
from faker import Faker

from ferrosynth.locales import (
    POOL_KEYS,
    LocalePools,
    _from_faker,
    _lorem_locale,
    ascii_fold,
    build_pools,
    pools_for,
)

EXPECTED_KEYS = (
    "first_names",
    "first_names_ascii",
    "last_names",
    "last_names_ascii",
    "words",
    "companies",
    "cities",
    "street_names",
    "countries",
    "email_domains",
    "tlds",
    "job_titles",
)
ASCII_KEYS = {"first_names_ascii", "last_names_ascii"}
ASCII_NAME = re.compile(r"^[a-z0-9]+$")


def assert_well_formed(pools: LocalePools) -> None:
    assert tuple(pools.pools) == EXPECTED_KEYS
    for key, values in pools.pools.items():
        assert isinstance(values, tuple), key
        assert values, f"{key} is empty"
        for value in values:
            assert isinstance(value, str), key
            assert value, key
            assert value == value.strip(), (key, value)
        if key not in ASCII_KEYS:
            assert len(set(values)) == len(values), f"{key} has duplicates"
    for names, folded in (("first_names", "first_names_ascii"), ("last_names", "last_names_ascii")):
        assert len(pools.pools[names]) == len(pools.pools[folded])
        for index, (name, ascii_name) in enumerate(
            zip(pools.pools[names], pools.pools[folded], strict=True)
        ):
            assert ASCII_NAME.match(ascii_name), (name, ascii_name)
            assert ascii_name == (ascii_fold(name) or f"user{index}")


def test_pool_keys_constant() -> None:
    assert POOL_KEYS == EXPECTED_KEYS


def test_shipped_en_us() -> None:
    pools = pools_for(None)
    assert pools.key == "en_US@data-1"
    assert pools.locales == ("en_US",)
    assert_well_formed(pools)
    sizes = {key: len(values) for key, values in pools.pools.items()}
    assert sizes["first_names"] >= 200
    assert sizes["last_names"] >= 200
    assert sizes["words"] >= 500
    for key in ("companies", "cities", "street_names", "countries", "job_titles"):
        assert sizes[key] >= 50, key
    assert "gmail.com" in pools.pools["email_domains"]
    assert "com" in pools.pools["tlds"]
    assert not any(re.search(r"\d", street) for street in pools.pools["street_names"])
    assert pools_for(None) is pools


def test_shipped_file_format_and_size() -> None:
    resource = resources.files("ferrosynth") / "data" / "en_US.json"
    raw = resource.read_bytes()
    assert len(raw) < 300_000
    document = json.loads(raw)
    assert document["format"] == 1
    assert document["locale"] == "en_US"
    assert re.match(r"^\d+\.\d+\.\d+$", document["faker_version"])
    assert set(document["pools"]) == set(EXPECTED_KEYS)
    licence = (resources.files("ferrosynth") / "data" / "LICENSE-faker.txt").read_text("utf-8")
    assert "Permission is hereby granted, free of charge" in licence
    assert f"Faker {document['faker_version']}" in licence


def test_shipped_file_matches_builder_for_its_faker_version() -> None:
    document = json.loads((resources.files("ferrosynth") / "data" / "en_US.json").read_bytes())
    if document["faker_version"] != faker.VERSION:
        pytest.skip(f"shipped data is from Faker {document['faker_version']}, not {faker.VERSION}")
    assert build_pools(("en_US",)) == {k: tuple(v) for k, v in document["pools"].items()}


def test_as_dict_is_a_fresh_plain_copy() -> None:
    pools = pools_for(None)
    first = pools.as_dict()
    assert list(first) == list(EXPECTED_KEYS)
    assert all(type(values) is list for values in first.values())
    first["words"].clear()
    assert pools.as_dict()["words"] == list(pools.pools["words"])
    with pytest.raises(TypeError):
        pools.pools["words"] = ()  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Hélène", "helene"),
        ("François", "francois"),
        ("Łukasz", "lukasz"),
        ("Øyvind", "oyvind"),
        ("Groß", "gross"),
        ("O'Brien-Smith", "obriensmith"),
        ("Смирнов", "smirnov"),
        ("Ｆｕｌｌ", "full"),
        ("", ""),
        ("🙂", ""),
    ],
)
def test_ascii_fold(text: str, folded: str) -> None:
    assert ascii_fold(text) == folded


def test_fr_fr_pools() -> None:
    en = pools_for(None)
    fr = pools_for(Faker("fr_FR"))
    assert fr.key == f"fr_FR@faker-{faker.VERSION}"
    assert fr.locales == ("fr_FR",)
    assert_well_formed(fr)
    assert len(fr.pools["first_names"]) >= 200
    assert len(fr.pools["words"]) >= 500
    assert {"Aimé", "Adrien"} <= set(fr.pools["first_names"])
    assert "Aimé" not in en.pools["first_names"]
    index = fr.pools["first_names"].index("Aimé")
    assert fr.pools["first_names_ascii"][index] == "aime"
    assert "abandonner" in fr.pools["words"]
    assert "abandonner" not in en.pools["words"]
    for key in ("first_names", "words", "companies", "cities", "street_names", "countries"):
        assert fr.pools[key] != en.pools[key], key


def test_non_latin_locale_gets_ascii_names() -> None:
    ja = pools_for(Faker("ja_JP"))
    assert_well_formed(ja)
    assert not any(name.isascii() for name in ja.pools["last_names"])
    assert all(ASCII_NAME.match(name) for name in ja.pools["last_names_ascii"])


def test_same_result_twice_and_cached() -> None:
    first = pools_for(Faker("de_DE"))
    assert pools_for(Faker("de_DE")) is first
    assert build_pools(("de_DE",)) == dict(first.pools)


def test_deterministic_across_processes() -> None:
    script = (
        "import hashlib, json, sys\n"
        "from ferrosynth.locales import build_pools\n"
        "blob = json.dumps(build_pools(('it_IT', 'en_US')), ensure_ascii=False)\n"
        "print(hashlib.sha256(blob.encode()).hexdigest())\n"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            check=True,
            capture_output=True,
            text=True,
            env={**_env(), "PYTHONHASHSEED": str(hash_seed)},
        ).stdout
        for hash_seed in (1, 2)
    }
    assert len(digests) == 1


def test_user_faker_is_not_touched() -> None:
    _from_faker.cache_clear()
    user, twin = Faker("fr_FR"), Faker("fr_FR")
    user.seed_instance(1234)
    twin.seed_instance(1234)
    user.name()
    twin.name()
    global_state = random.getstate()
    shared_state = faker.generator.random.getstate()  # unseeded Fakers share this one

    pools_for(user)

    assert user.name() == twin.name()
    assert user.address() == twin.address()
    assert user.locales == ["fr_FR"]
    assert random.getstate() == global_state
    assert faker.generator.random.getstate() == shared_state


def test_multiple_locales_merge_in_order() -> None:
    pools = pools_for(Faker(["fr_FR", "en_US"]))
    assert pools.key == f"fr_FR+en_US@faker-{faker.VERSION}"
    assert pools.locales == ("fr_FR", "en_US")
    assert_well_formed(pools)
    names = pools.pools["first_names"]
    assert names.index("Aimé") < names.index("Aaron")
    assert "abandonner" in pools.pools["words"]
    assert "ability" in pools.pools["words"]


@pytest.mark.parametrize(
    ("locale", "available", "chosen"),
    [
        ("de_AT", {"de_AT", "de_DE", "en_US", "la"}, "de_AT"),
        ("de_CH", {"de_AT", "de_DE", "en_US", "la"}, "de_DE"),
        ("fr_CA", {"fr_FR", "en_US", "la"}, "fr_FR"),
        ("en_GB", {"en_PH", "en_US", "la"}, "en_US"),
        ("es_CL", {"es_AR", "es_ES", "es_MX", "en_US"}, "es_ES"),
        ("nl_XX", {"nl_BE", "en_US"}, "nl_BE"),
        ("pt_BR", {"en_US", "la"}, "en_US"),
    ],
)
def test_lorem_fallback_chain(locale: str, available: set[str], chosen: str) -> None:
    assert _lorem_locale(locale, available) == chosen


def test_lorem_falls_back_to_same_language_not_latin() -> None:
    de_ch = pools_for(Faker("de_CH"))
    assert "Abend" in de_ch.pools["words"]
    assert "lorem" not in de_ch.pools["words"]


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)
