"""Locale value pools: Faker fills them once, the Rust core draws from them per row.

Faker is never called per row. For a locale (or a list of locales) this module builds one
:class:`LocalePools` — twelve tuples of strings — and the generator hands them to the Rust core,
which picks values with its own counter-based RNG.

Two sources:

* ``pools_for(None)`` loads the file shipped in the package, ``ferrosynth/data/en_US.json``
  (written by ``scripts/build_locale_data.py``). The default locale's output therefore does not
  change when Faker is upgraded; its key is ``"en_US@data-1"``.
* ``pools_for(Faker("fr_FR"))`` builds pools from a *fresh* ``Faker(faker.locales)`` seeded with
  ``seed_instance(0)``. The caller's instance is never seeded, drawn from or mutated, and the global
  ``random`` module is never touched. The result is deterministic for a given installed Faker and
  its key names that version, e.g. ``"fr_FR@faker-40.54.0"``. Results are cached per locale tuple.

Pool keys (see :data:`POOL_KEYS`): ``first_names``, ``first_names_ascii``, ``last_names``,
``last_names_ascii``, ``words``, ``companies``, ``cities``, ``street_names`` (no house numbers),
``countries``, ``email_domains`` (free mail providers such as ``gmail.com``), ``tlds`` and
``job_titles``. Every pool is a non-empty tuple of non-empty, stripped strings, deduplicated in
first-seen order. ``first_names_ascii[i]`` is :func:`ascii_fold` of ``first_names[i]`` (the Rust
core uses it for e-mail local parts); likewise ``last_names_ascii``. These two are aligned, not
deduplicated.

How a pool is filled, per locale, in the order the locales were given:

1. Provider data is read directly where Faker keeps a plain list (``first_names``,
   ``last_names`` and their gendered variants, ``countries``, ``free_email_domains``, ``tlds``,
   ``jobs``).
2. Composed values (companies, cities, street names), and any pool still below its target size
   (200 for names, 500 for composed values, 50 otherwise), are drawn from the fresh, seeded
   instance, at most ``4 * target`` draws per locale. Before drawing, the string lists of that
   private instance are sorted, because some Faker data is built from a set and its order would
   otherwise follow ``PYTHONHASHSEED``. A locale that simply has fewer values (en_US has three
   free e-mail domains, vi_VN ten family names) keeps what it has.

Fallback chain. For every provider except lorem we take whatever Faker itself resolved for the
locale: Faker falls back straight to its default ``en_US`` provider when a locale lacks one
(``de_CH`` has no job provider, so its job titles are English), and we do not second-guess it.
Lorem is different, because Faker's default lorem is Latin: ``words`` come from Faker's lorem word
list for the exact locale (``de_AT``), else for a sibling of the same language (``de_CH`` →
``de_DE``, ``fr_CA`` → ``fr_FR``, ``en_GB`` → ``en_US``), else ``en_US``. Finally, a pool that all
locales leave empty is filled from the ``en_US`` pools of the same Faker.

An unknown locale string makes Faker raise ``AttributeError`` when the fresh instance is built.
"""

from __future__ import annotations

import functools
import importlib
import json
import pkgutil
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ferrosynth import _native

if TYPE_CHECKING:
    from faker import Faker

__all__ = ["POOL_KEYS", "LocalePools", "ascii_fold", "build_pools", "pools_for"]

#: Format version of ``data/*.json``; also names the shipped data in :attr:`LocalePools.key`.
DATA_FORMAT = 1

#: The pool names, in order: the core's own list (``Pools::KEYS`` in Rust).
POOL_KEYS: tuple[str, ...] = _native.POOL_KEYS

_DEFAULT_LOCALE = "en_US"


@dataclass(frozen=True)
class LocalePools:
    """Value pools for one locale tuple; ``key`` identifies the data (use it as a cache key)."""

    key: str
    locales: tuple[str, ...]
    pools: Mapping[str, tuple[str, ...]]

    def as_dict(self) -> dict[str, list[str]]:
        """A fresh, plain ``{pool: [values]}`` dict in :data:`POOL_KEYS` order (for the binding)."""
        return {name: list(self.pools[name]) for name in POOL_KEYS}


@dataclass(frozen=True)
class _Source:
    provider: str  # Faker provider name, e.g. "person" for faker.providers.person
    attributes: tuple[str, ...]  # provider data read directly, in order
    method: str  # generator method drawn to compose or top up values
    target: int  # stop drawing once the pool holds this many values


_SOURCES: dict[str, _Source] = {
    "first_names": _Source(
        "person",
        ("first_names", "first_names_female", "first_names_male", "first_names_nonbinary"),
        "first_name",
        200,
    ),
    "last_names": _Source(
        "person",
        ("last_names", "last_names_female", "last_names_male", "last_names_nonbinary"),
        "last_name",
        200,
    ),
    "companies": _Source("company", (), "company", 500),
    "cities": _Source("address", (), "city", 500),
    "street_names": _Source("address", (), "street_name", 500),
    "countries": _Source("address", ("countries",), "country", 50),
    "email_domains": _Source("internet", ("free_email_domains",), "free_email_domain", 50),
    "tlds": _Source("internet", ("tlds",), "tld", 50),
    "job_titles": _Source("job", ("jobs",), "job", 50),
}

_DRAW_FACTOR = 4
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def pools_for(faker: Faker | None) -> LocalePools:
    """Pools for ``faker``'s locales, or the shipped ``en_US`` data when ``faker`` is ``None``.

    >>> pools_for(None).key
    'en_US@data-1'
    >>> pools_for(None).pools["email_domains"][0]
    'gmail.com'
    """
    if faker is None:
        return _shipped(_DEFAULT_LOCALE)
    return _from_faker(tuple(str(locale) for locale in faker.locales))


def ascii_fold(text: str) -> str:
    """Lowercase ASCII form of ``text``, only ``[a-z0-9]``; ``""`` when nothing is left.

    Characters are NFKD-decomposed and combining marks dropped (``"Hélène"`` → ``"helene"``);
    remaining non-ASCII letters are romanised with Faker's transliteration table
    (``"Łukasz"`` → ``"lukasz"``, ``"Смирнов"`` → ``"smirnov"``).

    >>> ascii_fold("Hélène"), ascii_fold("O'Brien-Smith"), ascii_fold("Smirnov")
    ('helene', 'obriensmith', 'smirnov')
    """
    from faker.decode import unidecode

    out: list[str] = []
    for char in unicodedata.normalize("NFKD", text):
        if char.isascii():
            out.append(char)
        elif not unicodedata.combining(char):
            out.append(unidecode(char))
    return _NON_ALNUM.sub("", "".join(out).lower())


def build_pools(locales: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Build all pools for ``locales`` from a fresh Faker seeded with 0 (see the module doc)."""
    from faker import Faker

    fresh = Faker(list(locales))
    fresh.seed_instance(0)
    # Draw from each locale's own generator: the proxy's factory selection is random too, and
    # per-locale draws keep the result independent of how Faker picks between locales.
    factories: list[Any] = list(fresh.factories)
    read = {name: [_read(f, source) for f in factories] for name, source in _SOURCES.items()}
    for factory in factories:
        _stabilise_order(factory)
    pools = {
        name: tuple(
            _dedup(
                value
                for factory, values in zip(factories, read[name], strict=True)
                for value in _top_up(factory, source, values)
            )
        )
        for name, source in _SOURCES.items()
    }
    pools["words"] = tuple(_dedup(word for locale in locales for word in _lorem_words(locale)))

    if any(not values for values in pools.values()) and tuple(locales) != (_DEFAULT_LOCALE,):
        fallback = _from_faker((_DEFAULT_LOCALE,)).pools
        pools = {name: values or fallback[name] for name, values in pools.items()}

    pools["first_names_ascii"] = _ascii_aligned(pools["first_names"])
    pools["last_names_ascii"] = _ascii_aligned(pools["last_names"])
    return {name: pools[name] for name in POOL_KEYS}


@functools.cache
def _from_faker(locales: tuple[str, ...]) -> LocalePools:
    import faker

    pools = build_pools(locales)
    key = f"{'+'.join(locales)}@faker-{faker.VERSION}"
    return LocalePools(key=key, locales=locales, pools=MappingProxyType(pools))


@functools.cache
def _shipped(locale: str) -> LocalePools:
    resource = resources.files("ferrosynth") / "data" / f"{locale}.json"
    document = json.loads(resource.read_text(encoding="utf-8"))
    if document.get("format") != DATA_FORMAT or document.get("locale") != locale:
        msg = f"ferrosynth/data/{locale}.json: expected format {DATA_FORMAT} for {locale!r}"
        raise RuntimeError(msg)
    raw = document["pools"]
    if set(raw) != set(POOL_KEYS) or not all(
        raw[name] and all(isinstance(v, str) and v for v in raw[name]) for name in POOL_KEYS
    ):
        msg = f"ferrosynth/data/{locale}.json: pools must be {POOL_KEYS}, non-empty strings"
        raise RuntimeError(msg)
    pools = {name: tuple(raw[name]) for name in POOL_KEYS}
    return LocalePools(
        key=f"{locale}@data-{DATA_FORMAT}", locales=(locale,), pools=MappingProxyType(pools)
    )


def _read(factory: Any, source: _Source) -> list[str]:
    """One locale's provider data for ``source``, in Faker's order."""
    provider = factory.provider(f"faker.providers.{source.provider}")
    if provider is None:
        return []
    attributes = (getattr(provider, attribute, ()) for attribute in source.attributes)
    return _dedup(value for data in attributes for value in _strings(data))


def _top_up(factory: Any, source: _Source, values: list[str]) -> list[str]:
    """``values`` plus new seeded draws until the locale has contributed ``source.target``."""
    draw = getattr(factory, source.method, None)
    if draw is None:
        return values
    values, seen = list(values), set(values)
    for _ in range(_DRAW_FACTOR * source.target):
        if len(values) >= source.target:
            break
        value = str(draw()).strip()
        if value and value not in seen:
            seen.add(value)
            values.append(value)
    return values


def _stabilise_order(factory: Any) -> None:
    """Sort the string lists of this (private) instance's providers, before drawing from it.

    Some Faker data is built from a set (it_IT's ``cities``), so its order, and with it what a
    seeded ``random_element`` returns, changes with ``PYTHONHASHSEED``. Sorting on the instance
    keeps every value and its multiplicity (duplicates are Faker's weights), so the distribution
    is unchanged and the draws become reproducible across processes. Dicts keep their order.
    """
    for provider in factory.providers:
        seen: set[str] = set()
        for cls in type(provider).__mro__:
            for name, value in vars(cls).items():
                if name.startswith("_") or name in seen:
                    continue
                seen.add(name)
                if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
                    setattr(provider, name, tuple(sorted(value)))


def _lorem_words(locale: str) -> list[str]:
    """Faker's lorem word list for ``locale``, a same-language sibling, or en_US."""
    package = importlib.import_module("faker.providers.lorem")
    available = {module.name for module in pkgutil.iter_modules(package.__path__)}
    module = importlib.import_module(f"{package.__name__}.{_lorem_locale(locale, available)}")
    return _strings(getattr(module.Provider, "word_list", ()))


def _lorem_locale(locale: str, available: set[str]) -> str:
    if locale in available:
        return locale
    language = locale.split("_")[0]
    siblings = sorted(name for name in available if name.split("_")[0] == language)
    for candidate in (f"{language}_{language.upper()}", _DEFAULT_LOCALE):
        if candidate in siblings:
            return candidate
    return siblings[0] if siblings else _DEFAULT_LOCALE


def _strings(values: Iterable[object]) -> list[str]:
    # Provider data may be a tuple, a list or an OrderedDict of value -> weight.
    return [text for text in (str(value).strip() for value in values) if text]


def _dedup(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _ascii_aligned(names: Sequence[str]) -> tuple[str, ...]:
    return tuple(ascii_fold(name) or f"user{index}" for index, name in enumerate(names))
