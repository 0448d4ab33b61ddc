"""JSON extraction from model text, schema validation, and the one re-ask."""

from __future__ import annotations

import asyncio
import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from ferrosynth.llm import (
    JSONExtractor,
    OpenAIProvider,
    RetryPolicy,
    Schema,
    StructuredOutputError,
    acomplete_structured,
    complete_structured,
    extract_json,
    extract_json_objects,
)
from tests.llm.scripted import Reply, openai_answer, scripted

PERSON = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}},
    "required": ["name", "age"],
}


class Person(BaseModel):
    name: str
    age: int


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ('```json\n{"a": 1}\n```', {"a": 1}),
        ("Here you go:\n```\n[1, 2]\n```\nAnything else?", [1, 2]),
        ('Sure! The answer is {"a": {"b": [1, "}"]}} as requested.', {"a": {"b": [1, "}"]}}),
        ('not {json} but then {"ok": true}', {"ok": True}),
        ('"just a string"', "just a string"),
    ],
)
def test_extract_json(text: str, expected: object) -> None:
    assert extract_json(text) == expected
    assert JSONExtractor().extract(text) == expected


def test_extract_all_and_nothing() -> None:
    text = 'Persona 1: {"a": 1}\nPersona 2: {"b": 2} and a list [3]'
    assert extract_json_objects(text) == [{"a": 1}, {"b": 2}, [3]]
    assert JSONExtractor().extract_all('```json\n{"x": 1}\n```\n```json\n{"y": 2}\n```') == [
        {"x": 1},
        {"y": 2},
    ]
    assert extract_json_objects("no json here") == []
    with pytest.raises(StructuredOutputError) as info:
        extract_json("no json here {")
    assert isinstance(info.value, ValueError)


def test_schema_errors_for_json_schema_and_pydantic() -> None:
    schema = Schema(PERSON)
    assert schema.errors({"name": "Ada", "age": 36}) == []
    assert schema.errors({"name": "Ada", "age": -1}) == ["$.age: -1 is less than the minimum of 0"]
    assert schema.errors({"name": "Ada"}) == ["$: 'age' is a required property"]
    model = Schema(Person)
    assert model.name == "Person"
    assert model.errors({"name": "Ada", "age": 36}) == []
    assert model.errors({"name": "Ada", "age": "old"})[0].startswith("$.age: ")
    assert model.parse({"name": "Ada", "age": 36}) == Person(name="Ada", age=36)
    assert model.response_format()["json_schema"]["schema"]["required"] == ["name", "age"]


PATH = "/v1/chat/completions"
BODY = {"model": "gpt-test", "messages": [{"role": "user", "content": "A person, please."}]}


def provider(base_url: str) -> OpenAIProvider:
    return OpenAIProvider(base_url=base_url + "/v1", retry=RetryPolicy(max_retries=0))


def test_a_valid_answer_takes_one_request_and_sends_the_schema() -> None:
    good = Reply(200, openai_answer('```json\n{"name": "Ada", "age": 36}\n```'))
    with scripted({PATH: [good]}) as srv, provider(srv.base_url) as p:
        result = complete_structured(p, BODY, Person)
        assert result.value == Person(name="Ada", age=36)
        assert result.attempts == 1
        assert srv.count() == 1
        sent = srv.seen[0].body
        assert sent["response_format"]["type"] == "json_schema"
        assert sent["response_format"]["json_schema"]["name"] == "Person"


def test_one_reask_carries_the_validation_errors() -> None:
    bad = Reply(200, openai_answer('{"name": "Ada", "age": "thirty"}'))
    good = Reply(200, openai_answer('{"name": "Ada", "age": 30}'))
    with scripted({PATH: [bad, good]}) as srv, provider(srv.base_url) as p:
        result = complete_structured(p, BODY, PERSON)
        assert result.value == {"name": "Ada", "age": 30}
        assert result.attempts == 2
        assert srv.count() == 2
        reask = srv.seen[1].body["messages"]
        assert len(reask) == 3
        assert reask[1] == {"role": "assistant", "content": '{"name": "Ada", "age": "thirty"}'}
        assert "$.age: 'thirty' is not of type 'integer'" in reask[2]["content"]


def test_still_invalid_after_the_reask_raises() -> None:
    bad = Reply(200, openai_answer("I cannot do that."))
    with scripted({PATH: [bad]}) as srv, provider(srv.base_url) as p:

        async def main() -> None:
            async with p:
                await acomplete_structured(p, BODY, PERSON)

        with pytest.raises(StructuredOutputError) as info:
            asyncio.run(main())
        assert srv.count() == 2  # the first ask and exactly one re-ask
    assert info.value.errors == ["$: the answer contains no JSON"]
    assert info.value.text == "I cannot do that."


def test_reasks_zero_fails_on_the_first_invalid_answer() -> None:
    bad = Reply(200, openai_answer(json.dumps({"name": "Ada"})))
    with scripted({PATH: [bad]}) as srv, provider(srv.base_url) as p:
        with pytest.raises(StructuredOutputError, match="required"):
            complete_structured(p, BODY, PERSON, reasks=0)
        assert srv.count() == 1


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=12,
)
PROSE = st.text(
    alphabet=st.characters(blacklist_characters='{}[]`"', blacklist_categories=("Cs",)), max_size=40
)


@example({"": [], "```": None}, "", "", True)  # a fence inside a JSON string, in a fence
@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.text(max_size=5), JSON_VALUES, min_size=1, max_size=4),
    PROSE,
    PROSE,
    st.booleans(),
)
def test_an_object_in_any_prose_is_found(
    value: dict[str, object], before: str, after: str, fenced: bool
) -> None:
    text = json.dumps(value, ensure_ascii=False)
    if fenced:
        text = f"```json\n{text}\n```"
    assert extract_json(f"{before}{text}{after}") == value
