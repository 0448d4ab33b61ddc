"""Loading user-research data: one file or a directory tree, normalised to one text.

Supported: CSV/TSV, JSON/JSONL, YAML, Markdown, plain text and HTML. A directory is walked
recursively in sorted order (by relative POSIX path, so every platform sees the same order);
hidden files and directories are ignored. Each file's text is preceded by a source header
(``=== source: interviews/ana.md ===``) so that the model, and the privacy audit, can tell where
a sentence came from. An unsupported, undecodable or empty file is skipped with a warning on the
``ferrosynth.personas`` logger; a missing path, or nothing loadable, is a :class:`DataError`.

Example::

    >>> import tempfile, pathlib
    >>> from ferrosynth.personas import DataLoader
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "notes.md").write_text("# Interview\\nAna wants faster exports.\\n")
    >>> print(DataLoader().load(d).text, end="")
    === source: notes.md ===
    # Interview
    Ana wants faster exports.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import yaml

from ferrosynth.personas.exceptions import DataError

__all__ = ["SUPPORTED_EXTENSIONS", "DataLoader", "LoadedData"]

log = logging.getLogger("ferrosynth.personas")


@dataclass(frozen=True)
class LoadedData:
    """The normalised text of everything loaded, and what was loaded or skipped."""

    text: str
    files: list[Path] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def digest(self) -> str:
        """SHA-256 of :attr:`text`: the identity of the input, used in persona ids and caches."""
        return hashlib.sha256(self.text.encode()).hexdigest()


def _csv(text: str, delimiter: str = ",") -> str:
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        return ""
    header, body = rows[0], rows[1:]
    if not body:
        return ", ".join(header)
    lines = []
    for number, row in enumerate(body, start=1):
        cells = [f"{h}: {v}" for h, v in zip(header, row, strict=False) if v.strip()]
        lines.append(f"row {number}: " + "; ".join(cells))
    return "\n".join(lines)


def _json(text: str) -> str:
    return json.dumps(json.loads(text), indent=2, ensure_ascii=False)


def _jsonl(text: str) -> str:
    lines = (json.loads(line) for line in text.splitlines() if line.strip())
    return "\n".join(json.dumps(obj, ensure_ascii=False) for obj in lines)


def _yaml(text: str) -> str:
    data = list(yaml.safe_load_all(text))
    return yaml.safe_dump_all(data, sort_keys=False, allow_unicode=True).strip()


class _TextOfHTML(HTMLParser):
    _BLOCKS = frozenset(
        [
            "p",
            "div",
            "br",
            "li",
            "ul",
            "ol",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "tr",
            "table",
            "section",
            "article",
            "blockquote",
            "pre",
        ]
    )
    _SKIP = frozenset(("script", "style", "head", "noscript", "template"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _html(text: str) -> str:
    parser = _TextOfHTML()
    parser.feed(text)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def _plain(text: str) -> str:
    return text


#: File extension -> normaliser of the file's text.
SUPPORTED_EXTENSIONS: dict[str, Callable[[str], str]] = {
    ".csv": _csv,
    ".tsv": lambda text: _csv(text, "\t"),
    ".json": _json,
    ".jsonl": _jsonl,
    ".yaml": _yaml,
    ".yml": _yaml,
    ".md": _plain,
    ".markdown": _plain,
    ".txt": _plain,
    ".text": _plain,
    ".html": _html,
    ".htm": _html,
}


class DataLoader:
    """Loads files into one normalised text (see the module docs for the rules)."""

    def __init__(self, *, header: str = "=== source: {path} ===") -> None:
        self.header = header

    def load(self, path: str | Path) -> LoadedData:
        """Load a file or a directory tree; raises :class:`DataError` if nothing is loadable."""
        root = Path(path)
        if not root.exists():
            raise DataError(f"data path {str(root)!r} does not exist")
        if root.is_file():
            candidates, base = [root], root.parent
        elif root.is_dir():
            candidates, base = self._walk(root), root
        else:
            raise DataError(f"data path {str(root)!r} is neither a file nor a directory")
        sections: list[str] = []
        files: list[Path] = []
        names: list[str] = []
        skipped: list[tuple[Path, str]] = []
        for file in candidates:
            relative = file.relative_to(base).as_posix()
            try:
                body = self.load_file(file).strip()
            except DataError as error:
                log.warning("skipped %s: %s", relative, error)
                skipped.append((file, str(error)))
                continue
            if not body:
                log.warning("skipped %s: no text in it", relative)
                skipped.append((file, "no text in it"))
                continue
            sections.append(self.header.format(path=relative) + "\n" + body)
            files.append(file)
            names.append(relative)
        if not sections:
            reasons = "; ".join(f"{p.name}: {why}" for p, why in skipped) or "no files"
            raise DataError(f"nothing loadable in {str(root)!r} ({reasons})")
        text = "\n\n".join(sections) + "\n"
        return LoadedData(text=text, files=files, names=names, skipped=skipped)

    def load_path(self, path: str | Path) -> tuple[str, list[Path]]:
        """The normalised text and the files it came from (the seed SDK's tuple form)."""
        data = self.load(path)
        return data.text, data.files

    def load_file(self, path: Path) -> str:
        """The normalised text of one supported file; :class:`DataError` if it cannot be read."""
        normalise = SUPPORTED_EXTENSIONS.get(path.suffix.lower())
        if normalise is None:
            supported = ", ".join(sorted(SUPPORTED_EXTENSIONS))
            raise DataError(f"unsupported file type {path.suffix or '(none)'!r} ({supported})")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as error:
            raise DataError(f"not UTF-8 text ({error.reason} at byte {error.start})") from None
        except OSError as error:
            raise DataError(f"cannot read: {error.strerror or error}") from None
        try:
            return normalise(text.replace("\r\n", "\n"))
        except (ValueError, yaml.YAMLError, csv.Error) as error:
            first = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise DataError(f"cannot parse {path.suffix.lstrip('.').upper()}: {first}") from None

    @staticmethod
    def _walk(root: Path) -> list[Path]:
        found = [
            p
            for p in root.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
        ]
        return sorted(found, key=lambda p: p.relative_to(root).as_posix())
