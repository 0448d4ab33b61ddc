"""Fixtures of the personas tests: a small research-data folder."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def research(tmp_path: Path) -> Path:
    """Interviews in three formats, one nested folder, one unsupported file."""
    root = tmp_path / "research"
    (root / "interviews").mkdir(parents=True)
    (root / "interviews" / "ana.md").write_text(
        "# Ana, nurse\nI want handovers that take five minutes, not twenty.\n"
        "The charting tool is slow and I lose notes when it crashes.\n",
        encoding="utf-8",
    )
    (root / "survey.csv").write_text(
        "respondent,role,comment\n1,teacher,I need grades exported by Friday\n"
        "2,analyst,It is frustrating to rebuild the same report every week\n",
        encoding="utf-8",
    )
    (root / "notes.txt").write_text(
        "Users prefer keyboard shortcuts. Several said the export is confusing.\n",
        encoding="utf-8",
    )
    (root / "photo.png").write_bytes(b"\x89PNG\r\n")
    return root
