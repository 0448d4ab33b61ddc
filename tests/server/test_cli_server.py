"""``ferrosynth server``: bad input is one ``error:`` line and exit status 2, before serving."""

from __future__ import annotations

from pathlib import Path

import pytest

from ferrosynth.cli import main


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "boss", "--api-key", "k"], "--role must be one of all, api, worker"),
        ([], "an API key is required"),
        (["--api-key", "k", "--concurrency", "0"], "--concurrency must be positive"),
        (["--api-key", "k", "--store", "mysql://db"], "bad store URL 'mysql://db'"),
        (
            ["--api-key", "k", "--store", "postgresql://nobody:pw@127.0.0.1:1/x"],
            "cannot open the task store postgresql://nobody:***@127.0.0.1:1/x",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    args: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("API_SECRET_KEY", raising=False)
    with pytest.raises(SystemExit) as exit_:
        main(["server", *args])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert message in err
    assert err.count("\n") == 1
    assert "pw@" not in err  # a password in the URL is never printed


def test_an_unwritable_sqlite_path_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SystemExit) as exit_:
        main(["server", "--api-key", "k", "--store", str(blocker / "tasks.db")])
    assert exit_.value.code == 2
    assert "cannot open the task store" in capsys.readouterr().err
