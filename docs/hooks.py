"""mkdocs hook: leave out the nav entries of pages that have not landed yet.

Other branches bring these pages; their nav entries are already in ``mkdocs.yml`` so that they
appear when the page does. Only the pages named here may be missing: any other nav entry without
a file still fails ``mkdocs build --strict``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

PENDING = {
    "agent-data.md",  # agent data (its own branch)
    "benchmarks.md",  # measured figures (issue 3)
    "json-schema.md",  # the JSON Schema engine (its own branch)
    "json-schema-support.md",  # its support matrix
    "locales.md",  # locales (agent data branch)
}


def _prune(nav: list[Any], docs: Path) -> list[Any]:
    kept: list[Any] = []
    for entry in nav:
        if isinstance(entry, dict):
            (title, target), *_ = entry.items()
            if isinstance(target, list):
                target = _prune(target, docs)
                if target:
                    kept.append({title: target})
                continue
            if target in PENDING and not (docs / target).exists():
                continue
            kept.append(entry)
        elif not (isinstance(entry, str) and entry in PENDING and not (docs / entry).exists()):
            kept.append(entry)
    return kept


def on_config(config: Any) -> Any:
    """Drop the nav entries of pending pages whose files do not exist."""
    if config["nav"]:
        config["nav"] = _prune(config["nav"], Path(config["docs_dir"]))
    return config
