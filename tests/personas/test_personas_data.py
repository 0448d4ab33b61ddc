"""DataLoader: formats, order, source headers, skipping, and typed failures."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ferrosynth.personas import DataError, DataLoader


def test_directory_is_walked_recursively_in_sorted_order(research: Path) -> None:
    (research / ".hidden").mkdir()
    (research / ".hidden" / "secret.md").write_text("not me")
    data = DataLoader().load(research)
    assert data.names == ["interviews/ana.md", "notes.txt", "survey.csv"]
    headers = [line for line in data.text.splitlines() if line.startswith("=== source:")]
    assert headers == [f"=== source: {n} ===" for n in data.names]
    assert "not me" not in data.text
    assert data.skipped[0][0].name == "photo.png"


def test_every_supported_format_is_normalised(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("name,quote\nAna,exports are slow\n")
    (tmp_path / "b.json").write_text('{"participant": "Ben", "said": "I want dark mode"}')
    (tmp_path / "c.yaml").write_text("participant: Chen\nsaid: I need offline access\n")
    (tmp_path / "d.md").write_text("# Dara\nPrefers email.\n")
    (tmp_path / "e.txt").write_text("Emeka hates logging in twice.\n")
    (tmp_path / "f.html").write_text(
        "<html><head><style>p{}</style><script>alert(1)</script></head>"
        "<body><h1>Farah</h1><p>Wants &amp; needs <b>speed</b>.</p></body></html>"
    )
    (tmp_path / "g.jsonl").write_text('{"q": 1}\n{"q": 2}\n')
    text = DataLoader().load(tmp_path).text
    assert "row 1: name: Ana; quote: exports are slow" in text
    assert '"said": "I want dark mode"' in text
    assert "said: I need offline access" in text
    assert "# Dara\nPrefers email." in text
    assert "Emeka hates logging in twice." in text
    assert "Farah\nWants & needs speed ." in text or "Farah\nWants & needs speed." in text
    assert "alert(1)" not in text
    assert "p{}" not in text
    assert '{"q": 1}\n{"q": 2}' in text


def test_a_single_file(tmp_path: Path) -> None:
    path = tmp_path / "one.md"
    path.write_text("Only this.")
    data = DataLoader().load(path)
    assert data.text == "=== source: one.md ===\nOnly this.\n"
    assert data.files == [path]
    assert DataLoader().load_path(path) == (data.text, [path])


def test_missing_path_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        DataLoader().load(tmp_path / "nope")


def test_nothing_loadable_is_a_data_error_with_the_reasons(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "x.png").write_bytes(b"\x89PNG")
    (tmp_path / "empty.md").write_text("   \n")
    (tmp_path / "bad.json").write_text("{not json")
    with (
        caplog.at_level(logging.WARNING, logger="ferrosynth.personas"),
        pytest.raises(DataError) as caught,
    ):
        DataLoader().load(tmp_path)
    message = str(caught.value)
    assert "x.png: unsupported file type '.png'" in message
    assert "empty.md: no text in it" in message
    assert "bad.json: cannot parse JSON" in message
    assert len(caplog.records) == 3


def test_empty_directory_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="nothing loadable"):
        DataLoader().load(tmp_path)


def test_non_utf8_file_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "latin.txt").write_bytes("caf\xe9".encode("latin-1"))
    (tmp_path / "ok.txt").write_text("fine")
    data = DataLoader().load(tmp_path)
    assert data.names == ["ok.txt"]
    assert "not UTF-8" in data.skipped[0][1]
