"""Where the client's settings come from: arguments, then ``SYNTHGEN_*`` variables, then a file.

A value given as an argument always wins; an environment variable beats the configuration file;
the file fills in whatever is left; built-in defaults come last. The file is JSON with any of the
keys ``base_url``, ``api_key``, ``timeout`` and ``max_retries``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ferrosynth.errors import ConfigError

__all__ = ["DEFAULT_BASE_URL", "ClientConfig", "resolve_config"]

DEFAULT_BASE_URL = "http://localhost:8000"
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 5
_FILE_KEYS = ("base_url", "api_key", "timeout", "max_retries")
ENV_BASE_URL = "SYNTHGEN_BASE_URL"
ENV_API_KEY = "SYNTHGEN_API_KEY"


@dataclass(frozen=True)
class ClientConfig:
    """The resolved settings (``api_key`` is kept out of ``repr``)."""

    base_url: str
    api_key: str | None
    timeout: float
    max_retries: int

    def __repr__(self) -> str:
        key = "None" if self.api_key is None else "'***'"
        return (
            f"ClientConfig(base_url={self.base_url!r}, api_key={key}, "
            f"timeout={self.timeout!r}, max_retries={self.max_retries!r})"
        )


def _read_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError(f"cannot read the Synthgen config file {p}: {e}", "config_file") from e
    except json.JSONDecodeError as e:
        raise ConfigError(
            f"{p}: not valid JSON at line {e.lineno} column {e.colno}: {e.msg}", "config_file"
        ) from e
    if not isinstance(data, dict):
        raise ConfigError(f"{p}: expected a JSON object, got {type(data).__name__}", "config_file")
    unknown = sorted(set(data) - set(_FILE_KEYS))
    if unknown:
        raise ConfigError(
            f"{p}: unknown key(s) {', '.join(unknown)}; valid keys: {', '.join(_FILE_KEYS)}",
            unknown[0],
        )
    return data


def _number(value: Any, name: str, source: str, *, integer: bool = False) -> Any:
    ok = isinstance(value, int) if integer else isinstance(value, (int, float))
    if isinstance(value, bool) or not ok or value < 0:
        kind = "a non-negative integer" if integer else "a non-negative number of seconds"
        raise ConfigError(f"{name} must be {kind} (from {source}), got {value!r}", name)
    return value


def resolve_config(
    base_url: str | None,
    api_key: str | None,
    timeout: float | None,
    max_retries: int | None,
    config_file: str | os.PathLike[str] | None,
) -> ClientConfig:
    """Merge the three sources; raise :class:`~ferrosynth.ConfigError` on a bad file or value."""
    file = _read_file(config_file) if config_file is not None else {}
    src = f"config file {config_file}"
    url = base_url or os.environ.get(ENV_BASE_URL) or file.get("base_url") or DEFAULT_BASE_URL
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ConfigError(f"base_url must be an http(s) URL, got {url!r}", "base_url")
    key = api_key or os.environ.get(ENV_API_KEY) or file.get("api_key")
    if key is not None and not isinstance(key, str):
        raise ConfigError(f"api_key in the {src} must be a string", "api_key")
    if timeout is not None:
        t = _number(timeout, "timeout", "the argument")
    elif "timeout" in file:
        t = _number(file["timeout"], "timeout", src)
    else:
        t = DEFAULT_TIMEOUT
    if max_retries is not None:
        r = _number(max_retries, "max_retries", "the argument", integer=True)
    elif "max_retries" in file:
        r = _number(file["max_retries"], "max_retries", src, integer=True)
    else:
        r = DEFAULT_MAX_RETRIES
    return ClientConfig(url.rstrip("/"), key or None, float(t), int(r))
