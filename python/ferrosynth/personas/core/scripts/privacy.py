"""The privacy audit: how much of the source data leaks into a character card.

Three signals, each with its findings listed as reasons:

* **verbatim quotes**: runs of ``min_quote_words`` or more consecutive words of the card that
  appear word for word in the source;
* **n-gram overlap**: the share of the card's word ``ngram_size``-grams that occur in the source;
* **identifiers**: e-mail addresses and phone numbers in the card (from the source or not).

The score is the largest of: the overlap, the share of the card's words inside verbatim quotes,
and 1.0 if any identifier is present. A card scoring above ``threshold`` is blocked.

Example::

    >>> from ferrosynth.personas import PrivacyAuditor
    >>> source = "I email ana@example.com when the export is slow again and again today"
    >>> result = PrivacyAuditor().audit("Contact ana@example.com", source)
    >>> result.blocked, result.reasons[0]
    (True, "e-mail address 'ana@example.com' (also in the source)")
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from ferrosynth.personas.core.scripts.models import CharacterCard

__all__ = ["AuditResult", "LeakageFinding", "PrivacyAuditor"]

_WORD = re.compile(r"\w+(?:'\w+)?", re.UNICODE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w])\+?\d[\d\s().-]{6,}\d(?![\w])")

FindingKind = Literal["verbatim_quote", "ngram_overlap", "email", "phone"]


@dataclass(frozen=True)
class LeakageFinding:
    """One leak: its kind, a human-readable detail, and its score (0 to 1)."""

    kind: FindingKind
    detail: str
    score: float


@dataclass
class AuditResult:
    """The audit's verdict."""

    score: float
    threshold: float
    blocked: bool
    findings: list[LeakageFinding] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Not blocked."""
        return not self.blocked

    @property
    def reasons(self) -> list[str]:
        """One line per finding."""
        return [f.detail for f in self.findings]

    def to_dict(self) -> dict[str, object]:
        """Plain JSON form (stored on audited cards)."""
        return {
            "score": round(self.score, 6),
            "threshold": self.threshold,
            "blocked": self.blocked,
            "reasons": self.reasons,
        }


class PrivacyAuditor:
    """Scores leakage of ``source_text`` into cards or any text."""

    def __init__(
        self, threshold: float = 0.1, *, ngram_size: int = 5, min_quote_words: int = 6
    ) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be between 0 and 1, got {threshold}")
        if ngram_size < 1 or min_quote_words < 2:
            raise ValueError("ngram_size must be >= 1 and min_quote_words >= 2")
        self.threshold = threshold
        self.ngram_size = ngram_size
        self.min_quote_words = min_quote_words

    def audit(self, card: CharacterCard | str, source_text: str) -> AuditResult:
        """Score ``card`` (or a text) against ``source_text``; blocked above the threshold."""
        text = card.text() if isinstance(card, CharacterCard) else card
        findings = self.check_leakage(text, source_text)
        score = max((f.score for f in findings), default=0.0)
        return AuditResult(score, self.threshold, score > self.threshold, findings)

    def check_leakage(self, text: str, source_text: str) -> list[LeakageFinding]:
        """Every finding for ``text`` against ``source_text`` (identifiers, quotes, overlap)."""
        findings: list[LeakageFinding] = []
        for kind, pattern, label in (
            ("email", _EMAIL, "e-mail address"),
            ("phone", _PHONE, "phone number"),
        ):
            for match in sorted(set(pattern.findall(text))):
                where = "also in the source" if match in source_text else "not in the source"
                findings.append(LeakageFinding(kind, f"{label} {match!r} ({where})", 1.0))  # type: ignore[arg-type]
        words = [w.lower() for w in _WORD.findall(text)]
        source = [w.lower() for w in _WORD.findall(source_text)]
        if not words:
            return findings
        findings += self._quotes(text, words, source)
        overlap = self._overlap(words, source)
        if overlap > 0:
            findings.append(
                LeakageFinding(
                    "ngram_overlap",
                    f"{overlap:.0%} of the card's {self.ngram_size}-word sequences occur in "
                    "the source",
                    overlap,
                )
            )
        return findings

    def _overlap(self, words: list[str], source: list[str]) -> float:
        n = min(self.ngram_size, len(words))
        grams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
        known = {tuple(source[i : i + n]) for i in range(len(source) - n + 1)}
        return sum(1 for g in grams if g in known) / len(grams) if grams else 0.0

    def _quotes(self, text: str, words: list[str], source: list[str]) -> list[LeakageFinding]:
        k = self.min_quote_words
        known = {tuple(source[i : i + k]) for i in range(len(source) - k + 1)}
        hits = [i for i in range(len(words) - k + 1) if tuple(words[i : i + k]) in known]
        spans: list[tuple[int, int]] = []
        for i in hits:  # merge overlapping windows into maximal runs
            if spans and i <= spans[-1][1]:
                spans[-1] = (spans[-1][0], i + k)
            else:
                spans.append((i, i + k))
        covered = sum(end - start for start, end in spans)
        share = covered / len(words)
        return [
            LeakageFinding(
                "verbatim_quote",
                f'verbatim quote of {end - start} words: "{" ".join(words[start:end])}"',
                share,
            )
            for start, end in spans
        ]
