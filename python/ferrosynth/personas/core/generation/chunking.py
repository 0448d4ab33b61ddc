"""Splitting input text to fit a model's context window, and sharing the persona count out."""

from __future__ import annotations

from ferrosynth.llm import estimate_tokens

__all__ = ["DEFAULT_CONTEXT_WINDOW", "context_window_of", "share", "split_text"]

#: Tokens assumed for a model not in :data:`CONTEXT_WINDOWS`.
DEFAULT_CONTEXT_WINDOW = 128_000

#: Context windows (tokens) by model-name prefix, longest prefix wins.
CONTEXT_WINDOWS: dict[str, int] = {
    "gpt-4o": 128_000,
    "gpt-4.1": 1_047_576,
    "gpt-4-turbo": 128_000,
    "gpt-4": 8_192,
    "gpt-3.5-turbo": 16_385,
    "o1": 200_000,
    "o3": 200_000,
    "o4": 200_000,
    "claude": 200_000,
    "gemini": 1_048_576,
    "llama3": 8_192,
    "llama3.1": 128_000,
    "llama3.2": 128_000,
    "mistral": 32_768,
    "qwen2.5": 32_768,
}


def context_window_of(model: str) -> int:
    """The context window of ``model`` in tokens (by longest known prefix, else the default)."""
    name = model.lower().rsplit("/", 1)[-1]
    best = max((p for p in CONTEXT_WINDOWS if name.startswith(p)), key=len, default=None)
    return CONTEXT_WINDOWS[best] if best else DEFAULT_CONTEXT_WINDOW


def split_text(text: str, budget_tokens: int) -> list[str]:
    """``text`` in pieces of at most ``budget_tokens`` (estimated), cut at section breaks
    (blank lines) where possible, else at line breaks, else inside a line."""
    if budget_tokens <= 0:
        raise ValueError("no room for data in the context window")
    if estimate_tokens(text) <= budget_tokens:
        return [text]
    units: list[str] = []
    for section in text.split("\n\n"):
        if estimate_tokens(section) <= budget_tokens:
            units.append(section)
            continue
        for line in section.split("\n"):
            while estimate_tokens(line) > budget_tokens:
                cut = max(1, len(line) * budget_tokens // max(1, estimate_tokens(line)) - 1)
                units.append(line[:cut])
                line = line[cut:]
            units.append(line)
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for unit in units:
        cost = estimate_tokens(unit) + 1
        if current and size + cost > budget_tokens:
            pieces.append("\n".join(current))
            current, size = [], 0
        current.append(unit)
        size += cost
    if current:
        pieces.append("\n".join(current))
    return [p for p in pieces if p.strip()]


def share(count: int, parts: int) -> list[int]:
    """``count`` split over ``parts`` as evenly as possible, the larger shares first."""
    base, rest = divmod(count, parts)
    return [base + (1 if i < rest else 0) for i in range(parts)]
