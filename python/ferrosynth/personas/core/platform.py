"""Where the SDK keeps configuration and data, per platform.

Linux follows the XDG base directories (``$XDG_CONFIG_HOME``, ``$XDG_DATA_HOME``); macOS uses
``~/Library/Application Support``; Windows ``%APPDATA%`` / ``%LOCALAPPDATA%``. The environment
variables ``FERROSYNTH_PERSONAS_CONFIG_DIR`` and ``FERROSYNTH_PERSONAS_DATA_DIR`` override both.
Nothing is created until :meth:`PathManager.ensure` is called.

Example::

    >>> from ferrosynth.personas import PathManager
    >>> paths = PathManager(env={"FERROSYNTH_PERSONAS_CONFIG_DIR": "/tmp/cfg"})
    >>> str(paths.config_dir), paths.config_file.name
    ('/tmp/cfg', 'config.yaml')
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

__all__ = ["IS_LINUX", "IS_MACOS", "IS_WINDOWS", "PathManager", "get_config_dir", "get_data_dir"]

IS_WINDOWS = sys.platform == "win32"
IS_MACOS = sys.platform == "darwin"
IS_LINUX = sys.platform.startswith("linux")

APP = "ferrosynth-personas"


class PathManager:
    """The SDK's directories, computed from ``env`` (default: the process environment)."""

    def __init__(self, env: Mapping[str, str] | None = None, home: Path | None = None) -> None:
        self.env = os.environ if env is None else env
        self.home = home or Path.home()

    @property
    def config_dir(self) -> Path:
        """Where ``config.yaml`` lives."""
        override = self.env.get("FERROSYNTH_PERSONAS_CONFIG_DIR")
        if override:
            return Path(override)
        if IS_WINDOWS:
            return Path(self.env.get("APPDATA") or self.home / "AppData" / "Roaming") / APP
        if IS_MACOS:
            return self.home / "Library" / "Application Support" / APP
        return Path(self.env.get("XDG_CONFIG_HOME") or self.home / ".config") / APP

    @property
    def data_dir(self) -> Path:
        """Where caches and default experiments live."""
        override = self.env.get("FERROSYNTH_PERSONAS_DATA_DIR")
        if override:
            return Path(override)
        if IS_WINDOWS:
            return Path(self.env.get("LOCALAPPDATA") or self.home / "AppData" / "Local") / APP
        if IS_MACOS:
            return self.home / "Library" / "Application Support" / APP
        return Path(self.env.get("XDG_DATA_HOME") or self.home / ".local" / "share") / APP

    @property
    def config_file(self) -> Path:
        """The user's configuration file (the "file" layer of the configuration)."""
        return self.config_dir / "config.yaml"

    @property
    def cache_file(self) -> Path:
        """The default request cache."""
        return self.data_dir / "cache.sqlite3"

    def ensure(self) -> PathManager:
        """Create the directories; returns self."""
        self.config_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self


def get_config_dir() -> Path:
    """The configuration directory for this platform and environment."""
    return PathManager().config_dir


def get_data_dir() -> Path:
    """The data directory for this platform and environment."""
    return PathManager().data_dir
