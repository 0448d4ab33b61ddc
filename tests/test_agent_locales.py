"""Every text-bearing field in every Faker locale: values from the locale, valid output, stable."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys

import orjson
import pytest
from faker import Faker
from faker.config import AVAILABLE_LOCALES

from ferrosynth import DataGenerator, DataType, GeneratorConfig
from ferrosynth.export import problems

CONFIGS = {
    "text": GeneratorConfig(data_type=DataType.text, count=5, seed=1),
    "domain_text": GeneratorConfig(
        data_type=DataType.text, count=5, seed=1, constraints={"domain": "customer_support"}
    ),
    "json": GeneratorConfig(data_type=DataType.json, count=5, seed=1),
    "conversation": GeneratorConfig(data_type=DataType.conversation, count=5, seed=1),
    "tool_use": GeneratorConfig(
        data_type=DataType.conversation, count=5, seed=1, constraints={"mode": "tool_use"}
    ),
    "tool_call": GeneratorConfig(
        data_type=DataType.tool_call, count=5, seed=1, constraints={"tool": "email"}
    ),
    "agent_trace": GeneratorConfig(
        data_type=DataType.agent_trace, count=5, seed=1, constraints={"failure_rate": 0.3}
    ),
}
EMAIL = re.compile(r"^[a-z0-9._]+@[a-z0-9.-]+\.[a-z]+$")
NON_LATIN = [
    "ja_JP",
    "zh_CN",
    "ko_KR",
    "ru_RU",
    "uk_UA",
    "el_GR",
    "ar_AA",
    "he_IL",
    "hi_IN",
    "th_TH",
]


@pytest.mark.filterwarnings("ignore:.*locale is deprecated:UserWarning")  # fr_QC
def test_every_faker_locale_fills_every_data_type() -> None:
    """Each locale Faker ships: every data type generates, names come from the locale's pools,
    e-mail addresses stay ASCII, and the exports keep their rules."""
    for locale in sorted(AVAILABLE_LOCALES):
        gen = DataGenerator(faker=Faker(locale))
        pools = gen.pools.pools
        out = {name: gen.generate(config).samples for name, config in CONFIGS.items()}
        assert all(len(samples) == 5 for samples in out.values()), locale
        orjson.dumps(out)  # everything is plain JSON
        conversation = " ".join(t["content"] for s in out["conversation"] for t in s["turns"])
        assert any(name in conversation for name in pools["first_names"]), locale
        last_names = set(pools["last_names"])
        for record in out["json"]:
            assert EMAIL.match(str(record["email"])), (locale, record["email"])
            name = str(record["name"])  # "first last", either part possibly several words
            assert any(
                name.startswith(f"{first} ") and name[len(first) + 1 :] in last_names
                for first in pools["first_names"]
            ), (locale, name)
        for call in out["tool_call"]:
            args = json.loads(call["function"]["arguments"])  # type: ignore[index]
            assert all(EMAIL.match(a) for a in args["to"]), (locale, args["to"])
        for trace in out["agent_trace"]:
            assert trace["agent"].removesuffix("_agent") in pools["words"], locale
        record = next(
            r for b in gen.iter_samples(CONFIGS["tool_use"], export="anthropic") for r in b
        )
        assert problems(record, "anthropic") == [], locale


@pytest.mark.parametrize("locale", NON_LATIN)
def test_non_latin_locales_keep_their_script(locale: str) -> None:
    gen = DataGenerator(faker=Faker(locale))
    pools = gen.pools.pools
    ascii_only = re.compile(r"^[\x00-\x7f]*$")
    names = [n for n in pools["first_names"] if not ascii_only.match(n)]
    assert len(names) > len(pools["first_names"]) / 2  # the locale's own script
    turns = gen.generate(CONFIGS["conversation"]).samples[0]["turns"]
    person = re.search(r"Hi, this is (\S+) ", turns[1]["content"])
    assert person is not None
    assert person.group(1) in pools["first_names"]
    assert not ascii_only.match(person.group(1))
    traces = gen.generate(CONFIGS["agent_trace"]).samples
    for trace in traces:
        record = json.dumps(trace, ensure_ascii=False)
        assert json.loads(record) == trace


@pytest.mark.parametrize("locale", ["ja_JP", "ar_AA", "de_AT"])
def test_same_seed_and_locale_give_the_same_bytes_in_a_fresh_process(locale: str) -> None:
    code = (
        "import hashlib, sys\n"
        "from faker import Faker\n"
        "from ferrosynth import DataGenerator, GeneratorConfig, DataType\n"
        f"gen = DataGenerator(faker=Faker({locale!r}))\n"
        "config = GeneratorConfig(data_type=DataType.conversation, count=40, seed=3,\n"
        "                         constraints={'mode': 'tool_use', 'domain': 'customer_support'})\n"
        "data = b''.join(gen.iter_jsonl(config))\n"
        "sys.stdout.write(hashlib.sha256(data).hexdigest())\n"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
        ).stdout
        for seed in ("1", "2")
    }
    gen = DataGenerator(faker=Faker(locale))
    config = GeneratorConfig(
        data_type=DataType.conversation,
        count=40,
        seed=3,
        constraints={"mode": "tool_use", "domain": "customer_support"},
    )
    here = hashlib.sha256(b"".join(gen.iter_jsonl(config))).hexdigest()
    assert digests == {here}
