"""mkdocs hook: reST roles in rendered docstrings.

The docstrings are written for ``help()`` and doctest, in reST (``:class:`~ferrosynth.X```,
``Example::``); mkdocstrings renders them as Markdown, so the role prefixes and the ``::`` would
show. Strip them from the rendered HTML.
"""

from __future__ import annotations

import re
from typing import Any

# `:class:<code>~ferrosynth.SchemaError</code>` -> `<code>SchemaError</code>`
_ROLE = re.compile(r":(?:class|meth|func|attr|data|exc|mod|obj):<code>(~?)([\w.]+)</code>")


def _role(match: re.Match[str]) -> str:
    name = match.group(2).rsplit(".", 1)[-1] if match.group(1) else match.group(2)
    return f"<code>{name}</code>"


def on_page_content(html: str, **_: Any) -> str:
    """Render reST roles and ``Example::`` from docstrings as plain Markdown would."""
    html = _ROLE.sub(_role, html)
    return re.sub(r"<p>(Examples?)::</p>", r"<p>\1:</p>", html)
