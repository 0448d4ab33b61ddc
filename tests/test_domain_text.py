"""Prose that reads like its domain: the `text` type's `domain` option and template fills."""

from __future__ import annotations

import re

import pytest

from ferrosynth import ConfigError, DataGenerator, DataType, GeneratorConfig

SENTENCE_BREAK = re.compile(r'(?<=[.?!]) (?=[A-Z"`\d])')
MARKERS = {
    "customer_support": ["order", "refund", "ticket", "warranty", "return", "Invoice", "trouble"],
    "coding": ["`", "test", "build", "idiomatic", "fix"],
    "research": ["study", "paper", "evidence", "authors", "replication", "participants"],
    "general": ["details", "figures", "summary", "account", "reminder", "total", "meeting"],
}

# Words that only one domain's prose uses.
DISTINCT = {
    "customer_support": ["refund", "warranty", "ticket"],
    "coding": ["`", "idiomatic", "stack trace"],
    "research": ["study", "authors", "evidence"],
}


@pytest.mark.parametrize("domain", sorted(MARKERS))
def test_text_in_a_domain_reads_like_it(gen: DataGenerator, domain: str) -> None:
    texts = gen.generate_text(
        GeneratorConfig(
            data_type=DataType.text,
            count=300,
            seed=5,
            constraints={"domain": domain, "min_sentences": 2, "max_sentences": 4},
        )
    )
    counts = {len(SENTENCE_BREAK.split(t)) for t in texts}
    assert counts == {2, 3, 4}, counts  # the sentence bounds still hold
    hits = sum(any(m in t for m in MARKERS[domain]) for t in texts)
    assert hits >= 290, (domain, [t for t in texts if not any(m in t for m in MARKERS[domain])])
    others = [m for d, ms in DISTINCT.items() if d != domain for m in ms]
    assert sum(any(m in t for m in others) for t in texts) < 30  # not the other domains' prose


def test_lorem_stays_the_default(gen: DataGenerator) -> None:
    config = GeneratorConfig(data_type=DataType.text, count=50, seed=1)
    lorem = gen.generate_text(config)
    explicit = gen.generate_text(config.model_copy(update={"constraints": {"domain": "lorem"}}))
    assert lorem == explicit
    words = set(gen.pools.pools["words"])
    for text in lorem:
        for word in (w.strip(".") for w in text.split()):
            assert word in words or word[0].lower() + word[1:] in words, word


def test_an_unknown_domain_lists_the_valid_ones(gen: DataGenerator) -> None:
    with pytest.raises(ConfigError, match="expected one of lorem, general, customer_support") as e:
        gen.generate(
            GeneratorConfig(data_type=DataType.text, count=1, constraints={"domain": "legal"})
        )
    assert e.value.field == "constraints.domain"


def test_sentence_and_paragraph_placeholders_are_domain_prose(gen: DataGenerator) -> None:
    turns = [{"role": "user", "content": "{sentence} || {paragraph}"}]
    for domain, markers in MARKERS.items():
        config = GeneratorConfig(
            data_type=DataType.conversation,
            count=100,
            seed=2,
            constraints={"template": turns, "domain": domain},
        )
        texts = [s["turns"][0]["content"] for s in gen.generate(config).samples]
        assert sum(any(m in t for m in markers) for t in texts) >= 90, domain
        for t in texts:
            sentence, paragraph = t.split(" || ")
            assert len(SENTENCE_BREAK.split(sentence)) == 1
            assert len(SENTENCE_BREAK.split(paragraph)) == 3
