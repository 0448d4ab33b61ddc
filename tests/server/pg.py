"""A throwaway PostgreSQL server for the tests: initdb under a temporary directory, started on a
free loopback port as a non-root user (PostgreSQL refuses to run as root; CI runs as root, so the
server runs as ``postgres`` or a dedicated ``ferrosynth-pg`` user created on demand), stopped and
deleted at the end. Binaries come from ``FERROSYNTH_PG_BIN`` or /usr/lib/postgresql/<v>/bin."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

DB_USER = "fs"


def find_bin() -> Path | None:
    explicit = os.environ.get("FERROSYNTH_PG_BIN")
    candidates = [explicit] if explicit else sorted(glob.glob("/usr/lib/postgresql/*/bin"))[::-1]
    for c in candidates:
        if c and (Path(c) / "initdb").exists() and (Path(c) / "pg_ctl").exists():
            return Path(c)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _os_user() -> str | None:
    """The user to run PostgreSQL as; None when we are not root (then: ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "ferrosynth-pg"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(
        [
            "useradd",
            "--system",
            "--no-create-home",
            "--shell",
            "/usr/sbin/nologin",
            "ferrosynth-pg",
        ],
        check=True,
    )
    return "ferrosynth-pg"


class PostgresServer:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.user = _os_user()
        self.root = Path(tempfile.mkdtemp(prefix="fs-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self._run(
            "initdb", "-D", str(self.data), "-U", DB_USER, "--auth=trust", "-E", "UTF8",
            "--no-sync", "--no-instructions",
        )  # fmt: skip
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w",
            "start",
        )  # fmt: skip
        self.base = f"postgresql://{DB_USER}@127.0.0.1:{self.port}"
        self._n = 0

    def _run(self, tool: str, *args: str) -> None:
        cmd = [str(self.bindir / tool), *args]
        if self.user is not None:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, cwd=self.root)

    def new_database(self) -> str:
        """A URL to an empty database of its own (a fresh schema: much faster than a new
        database, and just as separate for the store, which names no schema)."""
        import psycopg

        self._n += 1
        name = f"t{self._n}"
        with psycopg.connect(f"{self.base}/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {name}")
        return f"{self.base}/postgres?options=-csearch_path%3D{name}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
