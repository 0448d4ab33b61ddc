"""mkdocs hooks: pending nav entries, and reST roles in rendered docstrings.

1. Leave out the nav entries of pages that have not landed yet. Other branches bring these pages;
   their nav entries are already in ``mkdocs.yml`` so that they appear when the page does. Only
   the pages named in ``PENDING`` may be missing: any other nav entry without a file still fails
   ``mkdocs build --strict``.
2. The docstrings are written for ``help()`` and doctest, in reST (``:class:`~ferrosynth.X```,
   ``Example::``); mkdocstrings renders them as Markdown, so the role prefixes and the ``::``
   would show. Strip them from the rendered HTML.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

PENDING: set[str] = set()  # every page of the nav has landed


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


# `:class:<code>~ferrosynth.SchemaError</code>` -> `<code>SchemaError</code>`
_ROLE = re.compile(r":(?:class|meth|func|attr|data|exc|mod|obj):<code>(~?)([\w.]+)</code>")


def _role(match: re.Match[str]) -> str:
    name = match.group(2).rsplit(".", 1)[-1] if match.group(1) else match.group(2)
    return f"<code>{name}</code>"


def on_page_content(html: str, **_: Any) -> str:
    """Render reST roles and ``Example::`` from docstrings as plain Markdown would."""
    html = _ROLE.sub(_role, html)
    return re.sub(r"<p>(Examples?)::</p>", r"<p>\1:</p>", html)
