"""Personas as the users of conversations and agent traces (the ``persona`` constraint).

One persona per sample, drawn from (seed, index) on a stream of its own: its name, e-mail, city
and occupation are the user's in every turn, and its communication style is one voice for every
user turn. The default output (no ``persona``) is guarded by ``test_determinism.py``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from faker import Faker
from pydantic import ValidationError

from ferrosynth import DataGenerator, DataType, GeneratorConfig
from ferrosynth.constraint_models import (
    AgentTraceConstraints,
    ConversationConstraints,
    PersonaUser,
)
from ferrosynth.errors import ConfigError
from ferrosynth.export import problems

Sample = dict[str, Any]

#: Each communication style's closing (every user turn ends with it, after a blank line),
#: greeting (the first user turn of tool use and traces starts with it), follow-ups (later
#: user turns of tool use open with one) and whether it uses emoji.
VOICES: dict[str, dict[str, Any]] = {
    "direct and brief": {
        "closing": "- {first}",
        "greeting": "Hi. {first} here,",
        "follow_ups": ("Next: ", "Also: ", "Now ", "One more: "),
        "emoji": False,
    },
    "warm and talkative": {
        "closing": "Thanks so much, {first} 😊",
        "greeting": "Hi there, I hope your day is going well! I'm {first},",
        "follow_ups": (
            "Oh, that's wonderful, thank you! One more thing: ",
            "Lovely, thanks a lot! Also, ",
            "Brilliant, thank you! Next, ",
            "That's so helpful! Now ",
        ),
        "emoji": True,
    },
    "analytical and precise": {
        "closing": "Regards,\n{full}",
        "greeting": "Hello. My name is {full};",
        "follow_ups": (
            "Understood. Next, ",
            "Noted. Additionally, ",
            "Clear. Next, ",
            "Thank you. Now ",
        ),
        "emoji": False,
    },
    "sceptical, asks for evidence": {
        "closing": "Please tell me how you checked this.\n{full}",
        "greeting": "Hello. I'm {full},",
        "follow_ups": (
            "If that's accurate, then: ",
            "Assuming that holds, ",
            "Fine, but next, ",
            "I'll verify that. Meanwhile, ",
        ),
        "emoji": False,
    },
    "patient and thorough": {
        "closing": "Thank you in advance,\n{full}",
        "greeting": "Good day, my name is {full}",
        "follow_ups": (
            "Thank you for the detailed answer. One more thing: ",
            "Thank you, that is clear. In addition, ",
            "Much appreciated. Next, ",
            "Thank you. Now ",
        ),
        "emoji": False,
    },
    "informal, uses humour": {
        "closing": "cheers, {first} 🙃",
        "greeting": "Hey! 👋 {first} from",
        "follow_ups": (
            "Ha, nice one! Also, ",
            "You're a star. Next up: ",
            "Sweet! Now ",
            "Love it. One more: ",
        ),
        "emoji": True,
    },
}
EMOJI = ("😊", "🙃", "👋")

CONVERSATION = {"persona": True}
TOOL_USE = {"persona": True, "mode": "tool_use", "min_turns": 3, "max_turns": 4}
TRACE = {"persona": True}


def samples(
    data_type: DataType, constraints: dict[str, object], count: int = 60, seed: int = 7
) -> list[Sample]:
    config = GeneratorConfig(data_type=data_type, count=count, seed=seed, constraints=constraints)
    return [dict(s) for s in DataGenerator().generate(config).samples]


def user_turns(sample: Sample) -> list[str]:
    """The user's words: the user turns of a conversation, the task of a trace."""
    if "turns" in sample:
        return [t["content"] for t in sample["turns"] if t["role"] == "user"]
    return [sample["task"]]


def voice(persona: dict[str, Any], part: str) -> str:
    first = persona["name"].split(" ")[0]
    return str(VOICES[persona["communication_style"]][part]).format(
        first=first, full=persona["name"]
    )


ALL = [
    pytest.param(DataType.conversation, CONVERSATION, id="template"),
    pytest.param(
        DataType.conversation,
        {"persona": True, "template": "research_assistant"},
        id="research_template",
    ),
    pytest.param(DataType.conversation, TOOL_USE, id="tool_use"),
    pytest.param(DataType.agent_trace, TRACE, id="agent_trace"),
]


@pytest.mark.parametrize(("data_type", "constraints"), ALL)
def test_every_user_turn_names_its_persona_and_no_other(
    data_type: DataType, constraints: dict[str, object]
) -> None:
    rows = samples(data_type, constraints)
    names = {r["persona"]["name"] for r in rows}
    assert len(names) > len(rows) * 0.8, "different indexes give different personas"
    for r in rows:
        persona = r["persona"]
        first = persona["name"].split(" ")[0]
        for text in user_turns(r):
            assert first in text, (persona["name"], text)
            others = [n for n in names if n != persona["name"] and n in text]
            assert others == [], (persona["name"], others, text)


@pytest.mark.parametrize(("data_type", "constraints"), ALL)
def test_the_voice_is_one_across_every_user_turn(
    data_type: DataType, constraints: dict[str, object]
) -> None:
    rows = samples(data_type, constraints)
    styles = {r["persona"]["communication_style"] for r in rows}
    assert styles == set(VOICES), "60 samples meet every style"
    for r in rows:
        persona = r["persona"]
        closing = voice(persona, "closing")
        turns = user_turns(r)
        for text in turns:
            assert text.endswith("\n\n" + closing), (persona["communication_style"], text)
            has_emoji = any(e in text for e in EMOJI)
            assert has_emoji == VOICES[persona["communication_style"]]["emoji"], text
        if "mode" in constraints or data_type is DataType.agent_trace:
            assert turns[0].startswith(voice(persona, "greeting")), turns[0]
            for text in turns[1:]:
                follow_ups = VOICES[persona["communication_style"]]["follow_ups"]
                assert text.startswith(follow_ups) or not any(
                    text.startswith(v) for s in VOICES.values() for v in s["follow_ups"]
                ), text


def test_the_persona_facts_and_goal_drive_the_task() -> None:
    for r in samples(DataType.agent_trace, TRACE):
        persona, task = r["persona"], r["task"]
        assert persona["location"] in task, task
        assert persona["occupation"] in task, task
        if persona["communication_style"] != "direct and brief":
            assert persona["goals"][0] in task, task
        if persona["communication_style"] == "patient and thorough":
            assert persona["pain_points"][0] in task, task


@pytest.mark.parametrize("locale", ["de_DE", "ja_JP"])
def test_personas_of_other_locales_keep_their_names_and_titles(locale: str) -> None:
    gen = DataGenerator(faker=Faker(locale))
    config = GeneratorConfig(data_type=DataType.agent_trace, count=30, seed=7, constraints=TRACE)
    for r in (dict(s) for s in gen.generate(config).samples):
        persona, task = r["persona"], r["task"]
        assert persona["name"].split(" ")[0] in task, task
        assert persona["occupation"] in task, task
        assert persona["location"] in task, task
        if not persona["occupation"][0].isascii():
            assert f"a {persona['occupation']}" not in task, "no English article before it"


def test_template_placeholders_take_the_persona() -> None:
    rows = samples(DataType.conversation, CONVERSATION)
    for r in rows:
        persona, turns = r["persona"], r["turns"]
        # customer_support: "Hi, this is {first_name} {last_name}" ... "Sure, it's {email}.
        # It should be going to {street_address} in {city}."
        assert turns[1]["content"].startswith(f"Hi, this is {persona['name']}."), turns[1]
        assert f"it's {persona['email']}." in turns[3]["content"], turns[3]
        assert f" in {persona['location']}.\n\n" in turns[3]["content"], turns[3]
        # The assistant addresses the same person.
        assert persona["name"].split(" ")[0] in turns[2]["content"]
        # The template introduces its writer, so the persona does not introduce itself again.
        assert voice(persona, "greeting") not in turns[1]["content"]


def test_a_template_that_does_not_introduce_the_user_gets_the_opening() -> None:
    template = [
        {"role": "user", "content": "I work as {job_title} in {city}. {sentence}"},
        {"role": "assistant", "content": "{sentence}"},
    ]
    for r in samples(DataType.conversation, {"persona": True, "template": template}):
        persona, text = r["persona"], r["turns"][0]["content"]
        assert text.startswith(voice(persona, "greeting")), text
        assert f"I work as {persona['occupation']} in {persona['location']}." in text, text


def test_the_persona_domain_defaults_to_the_runs() -> None:
    def domain(data_type: DataType, constraints: dict[str, object]) -> set[str]:
        return {r["persona"]["domain"] for r in samples(data_type, constraints, count=5)}

    # The users of customer support are customers: the general vocabulary.
    assert domain(DataType.conversation, {"persona": True}) == {"general"}
    assert domain(DataType.conversation, {"persona": True, "template": "code_assistant"}) == {
        "coding"
    }
    assert domain(DataType.agent_trace, {"persona": True, "domain": "research"}) == {"research"}
    assert domain(DataType.agent_trace, {"persona": {"domain": "coding"}}) == {"coding"}
    assert domain(DataType.agent_trace, {"persona": {}}) == {"general"}


def test_same_seed_same_persona_and_text_and_sample_i_stands_alone() -> None:
    a = samples(DataType.conversation, TOOL_USE, count=20)
    assert a == samples(DataType.conversation, TOOL_USE, count=20)
    assert a != samples(DataType.conversation, TOOL_USE, count=20, seed=8)
    config = GeneratorConfig(data_type=DataType.conversation, count=1, seed=7, constraints=TOOL_USE)
    alone = dict(DataGenerator().generate(config, start=13).samples[0])
    assert alone == a[13]
    ids = [r["persona"]["id"] for r in a]
    assert len(set(ids)) == len(ids)


def test_the_output_does_not_depend_on_threads() -> None:
    config = GeneratorConfig(data_type=DataType.agent_trace, count=3000, seed=3, constraints=TRACE)
    one = DataGenerator().generate(config, threads=1).to_jsonl_bytes()
    assert one == DataGenerator().generate(config, threads=2).to_jsonl_bytes()


@pytest.mark.parametrize(
    ("data_type", "constraints"),
    [
        pytest.param(
            DataType.conversation,
            {"mode": "tool_use", "min_turns": 3, "max_turns": 4},
            id="tool_use",
        ),
        pytest.param(DataType.agent_trace, {"failure_rate": 0.3}, id="agent_trace"),
    ],
)
def test_the_persona_changes_only_the_user(
    data_type: DataType, constraints: dict[str, object]
) -> None:
    """The persona has its own stream: the plain run's tool calls, arguments, step kinds and
    timing shape are kept, and only the user (and whatever names the user) changes."""
    plain = samples(data_type, constraints, count=40)
    voiced = samples(data_type, {**constraints, "persona": True}, count=40)

    def skeleton(r: Sample) -> list[object]:
        if "turns" in r:
            return [
                (t["role"], t["tool_calls"] and [c["function"] for c in t["tool_calls"]])
                for t in r["turns"]
            ]
        return [(s["type"], s.get("tool"), s.get("arguments"), s.get("status")) for s in r["steps"]]

    for p, v in zip(plain, voiced, strict=True):
        assert "persona" not in p
        assert skeleton(p) == skeleton(v)
        assert user_turns(p) != user_turns(v)


def export_records(
    tmp_path: Path, export: str, data_type: DataType, constraints: dict[str, object]
) -> list[Sample]:
    config = GeneratorConfig(data_type=data_type, count=20, seed=7, constraints=constraints)
    path = tmp_path / f"{export}.jsonl"
    DataGenerator().write(config, path, export=export)  # type: ignore[arg-type]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("export", ["openai", "sharegpt", "anthropic"])
@pytest.mark.parametrize(
    ("data_type", "constraints"),
    [
        pytest.param(DataType.conversation, CONVERSATION, id="template"),
        pytest.param(DataType.conversation, TOOL_USE, id="tool_use"),
        pytest.param(DataType.agent_trace, TRACE, id="agent_trace"),
    ],
)
def test_chat_exports_carry_the_persona(
    tmp_path: Path, export: str, data_type: DataType, constraints: dict[str, object]
) -> None:
    native = samples(data_type, constraints, count=20)
    records = export_records(tmp_path, export, data_type, constraints)
    for n, r in zip(native, records, strict=True):
        assert r["persona"] == n["persona"]
        assert list(r)[-1] == "persona", "metadata after the format's own keys"
        assert problems(r, export) == []
        # The user's words are the native sample's.
        text = json.dumps(r, ensure_ascii=False)
        for words in user_turns(n):
            assert json.dumps(words, ensure_ascii=False)[1:-1] in text
    plain = export_records(
        tmp_path, export, data_type, {k: v for k, v in constraints.items() if k != "persona"}
    )
    assert all("persona" not in r for r in plain)


def test_otel_export_puts_the_persona_on_the_root_span(tmp_path: Path) -> None:
    native = samples(DataType.agent_trace, TRACE, count=20)
    for n, r in zip(
        native, export_records(tmp_path, "otel", DataType.agent_trace, TRACE), strict=True
    ):
        spans = r["resourceSpans"][0]["scopeSpans"][0]["spans"]
        root = {
            a["key"]: a["value"]["stringValue"]
            for a in spans[0]["attributes"]
            if "stringValue" in a["value"]
        }
        assert root["user.id"] == n["persona"]["id"]
        assert root["user.full_name"] == n["persona"]["name"]
        assert root["user.email"] == n["persona"]["email"]
        assert json.loads(root["ferrosynth.persona"]) == n["persona"]
        assert problems(r, "otel") == []
        assert all("user.id" not in json.dumps(s["attributes"]) for s in spans[1:])


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("yes", "constraints.persona"),
        (3, "constraints.persona"),
        ({"domain": "cooking"}, "constraints.persona.domain"),
        ({"style": "formal"}, "constraints.persona.style"),
    ],
)
@pytest.mark.parametrize("data_type", [DataType.conversation, DataType.agent_trace])
def test_bad_values_raise_a_config_error_naming_the_key(
    data_type: DataType, value: object, field: str
) -> None:
    config = GeneratorConfig(data_type=data_type, count=1, seed=1, constraints={"persona": value})
    with pytest.raises(ConfigError) as caught:
        DataGenerator().generate(config)
    assert caught.value.field == field
    assert str(caught.value).startswith(field + ":")


def test_false_and_none_mean_no_persona() -> None:
    plain = samples(DataType.agent_trace, {}, count=5)
    assert samples(DataType.agent_trace, {"persona": False}, count=5) == plain
    assert samples(DataType.agent_trace, {"persona": None}, count=5) == plain


def test_typed_constraint_models() -> None:
    assert ConversationConstraints(persona=True).as_dict() == {"persona": True}
    c = AgentTraceConstraints(persona=PersonaUser(domain="coding"))
    assert c.as_dict() == {"persona": {"domain": "coding"}}
    assert samples(DataType.agent_trace, c.as_dict(), count=2)[0]["persona"]["domain"] == "coding"
    with pytest.raises(ValidationError):
        PersonaUser(domain="cooking")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        ConversationConstraints(persona="yes")  # type: ignore[arg-type]


def test_the_persona_is_a_column_of_parquet_output(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    config = GeneratorConfig(data_type=DataType.agent_trace, count=10, seed=7, constraints=TRACE)
    DataGenerator().write(config, tmp_path / "t.parquet")
    table = pq.read_table(tmp_path / "t.parquet")
    rows = table.to_pylist()
    assert rows[0]["persona"] == samples(DataType.agent_trace, TRACE, count=1)[0]["persona"]


# sha256 of the JSONL of 50 samples (seed 42) of each persona mode: what a seed produces is
# part of the contract (docs/determinism.md), as for the plain modes in test_determinism.py.
GOLDEN: dict[str, tuple[DataType, dict[str, object], str]] = {
    "conversation": (
        DataType.conversation,
        {"persona": True},
        "da763662a166d1257e09798b804107e9a3d9475981529c2dedfe0ec7b444c1fe",
    ),
    "tool_use": (
        DataType.conversation,
        {"persona": True, "mode": "tool_use"},
        "5a29efb36bd3ffd65b3e1c86322541ae5ac413d142691750e7dd6ba1e918a4fe",
    ),
    "agent_trace": (
        DataType.agent_trace,
        {"persona": True},
        "6ef40173eb4845f124b20ba279bca25f393c97bb8f37d79de4f1e9efd464d074",
    ),
    "agent_trace_coding": (
        DataType.agent_trace,
        {"persona": {"domain": "coding"}},
        "357be732e1ee9db92c1c52682af76c60fbcae800a78a6628b6e781427b770566",
    ),
}


@pytest.mark.parametrize("case", list(GOLDEN))
def test_golden_hashes(case: str) -> None:
    data_type, constraints, expected = GOLDEN[case]
    config = GeneratorConfig(data_type=data_type, count=50, seed=42, constraints=constraints)
    got = hashlib.sha256(DataGenerator().generate(config).to_jsonl_bytes()).hexdigest()
    assert got == expected
