"""The one output layer: every format appears complete or not at all, even after ``kill -9``;
file modes follow the umask; OS errors are OutputErrors naming the target; bad run options are
ConfigErrors naming the argument."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ferrosynth import (
    ConfigError,
    DataGenerator,
    DataType,
    GeneratorConfig,
    OutputError,
    SchemaBasedGenerator,
)
from ferrosynth.io.atomic import AtomicOutput

FORMATS = [".jsonl", ".jsonl.gz", ".parquet"]
CONFIG = GeneratorConfig(data_type=DataType.text, count=50, seed=1)


def listing(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir())


def new_file_mode(directory: Path) -> int:
    """The mode a plain ``open(..., "w")`` gets here (0666 & ~umask)."""
    probe = directory / "probe"
    probe.write_bytes(b"")
    mode = stat.S_IMODE(probe.stat().st_mode)
    probe.unlink()
    return mode


@pytest.mark.parametrize("suffix", FORMATS)
def test_every_format_gets_the_mode_of_any_new_file(tmp_path: Path, suffix: str) -> None:
    if suffix == ".parquet":
        pytest.importorskip("pyarrow.parquet")
    expected = new_file_mode(tmp_path)
    DataGenerator().write(CONFIG, tmp_path / f"out{suffix}")
    assert stat.S_IMODE((tmp_path / f"out{suffix}").stat().st_mode) == expected


def test_to_jsonl_gets_the_mode_of_any_new_file_and_writes_every_sample(tmp_path: Path) -> None:
    expected = new_file_mode(tmp_path)
    ds = DataGenerator().generate(CONFIG)
    written = ds.to_jsonl(tmp_path / "ds.jsonl")
    assert written == tmp_path / "ds.jsonl"
    assert written.read_bytes() == ds.to_jsonl_bytes()
    assert stat.S_IMODE(written.stat().st_mode) == expected
    assert listing(tmp_path) == ["ds.jsonl"]


def test_to_jsonl_into_a_missing_directory_is_an_output_error(tmp_path: Path) -> None:
    ds = DataGenerator().generate(CONFIG)
    with pytest.raises(OutputError, match="directory does not exist") as caught:
        ds.to_jsonl(tmp_path / "missing" / "ds.jsonl")
    assert caught.value.filename == str(tmp_path / "missing" / "ds.jsonl")


def test_to_jsonl_failing_midway_leaves_nothing_and_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "ds.jsonl"
    target.write_bytes(b"old\n")
    ds = DataGenerator().generate(CONFIG)
    ds.samples.append({"bad": object()})  # orjson cannot serialise it
    with pytest.raises(TypeError):
        ds.to_jsonl(target)
    assert listing(tmp_path) == ["ds.jsonl"]
    assert target.read_bytes() == b"old\n"


@pytest.mark.skipif(not Path("/dev/full").is_char_device(), reason="needs /dev/full")
def test_a_full_device_is_an_output_error_and_stays_a_device() -> None:
    # A device or pipe is written in place, never replaced by a file.
    with pytest.raises(OutputError) as caught:
        DataGenerator().write(CONFIG, "/dev/full", format="jsonl")
    assert caught.value.filename == "/dev/full"
    assert Path("/dev/full").is_char_device()


@pytest.mark.skipif(not Path("/dev/full").is_char_device(), reason="needs /dev/full")
def test_the_cli_reports_a_full_stdout_as_one_error_line() -> None:
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "ferrosynth.cli",
                "generate",
                "-t",
                "json",
                "-n",
                "100000",
                "-s",
                "1",
            ],
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=120,
            check=False,
        )
    assert result.returncode == 2
    assert result.stderr.decode().startswith("error: [Errno 28] No space left on device")
    assert b"Traceback" not in result.stderr


def test_an_atomic_output_is_invisible_until_committed(tmp_path: Path) -> None:
    target = tmp_path / "x.bin"
    with AtomicOutput(target) as out:
        out.write(b"abc")
        assert listing(tmp_path) == []  # unnamed while written (hidden temp elsewhere)
    assert target.read_bytes() == b"abc"
    with pytest.raises(KeyboardInterrupt):
        interrupted_write(target)
    assert target.read_bytes() == b"abc"
    assert listing(tmp_path) == ["x.bin"]


def interrupted_write(target: Path) -> None:
    with AtomicOutput(target) as out:
        out.write(b"partial")
        raise KeyboardInterrupt


WRITER = """
import signal, sys
# A shell starts background jobs with SIGINT ignored; restore Python's handler.
signal.signal(signal.SIGINT, signal.default_int_handler)
from ferrosynth import DataGenerator, DataType, GeneratorConfig
config = GeneratorConfig(data_type=DataType.agent_trace, count=50_000_000, seed=1)
DataGenerator().write(config, sys.argv[1], threads=1)
"""


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc")
@pytest.mark.parametrize("suffix", FORMATS)
def test_ctrl_c_mid_write_is_the_same_for_every_format(tmp_path: Path, suffix: str) -> None:
    if suffix == ".parquet":
        pytest.importorskip("pyarrow.parquet")
    target = tmp_path / f"big{suffix}"
    target.write_bytes(b"old")
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not writing_into(proc.pid, tmp_path):
            assert proc.poll() is None, "the writer ended before writing"
            assert time.monotonic() < deadline, "the writer never opened its file"
            time.sleep(0.05)
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == -signal.SIGINT  # an uncaught KeyboardInterrupt
    assert err.decode().rstrip().endswith("KeyboardInterrupt"), err[-500:]
    assert listing(tmp_path) == [target.name]
    assert target.read_bytes() == b"old"


def writing_into(pid: int, directory: Path) -> bool:
    """Whether process ``pid`` holds a file open in ``directory`` (an unnamed one included);
    without ``/proc``, whether a hidden temporary has appeared there."""
    fds = Path(f"/proc/{pid}/fd")
    if not fds.exists():
        return any(p.name.endswith(".tmp") for p in directory.iterdir())
    for fd in fds.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(directory) + "/"):
            return True
    return False


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc")
@pytest.mark.parametrize("suffix", FORMATS)
def test_kill_9_mid_write_leaves_nothing_behind(tmp_path: Path, suffix: str) -> None:
    if suffix == ".parquet":
        pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(out / f"big{suffix}")])
    try:
        deadline = time.monotonic() + 60
        while not writing_into(proc.pid, out):
            assert proc.poll() is None, "the writer ended before writing"
            assert time.monotonic() < deadline, "the writer never opened its file"
            time.sleep(0.05)
        time.sleep(0.3)  # mid-write: rows are being written
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert listing(out) == []
    # And a later write of the same target succeeds and leaves only the file.
    DataGenerator().write(CONFIG, out / f"big{suffix}")
    assert listing(out) == [f"big{suffix}"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"threads": -1}, "threads"),
        ({"threads": "2"}, "threads"),
        ({"start": -1}, "start"),
        ({"start": 2**64}, "start"),
        ({"start": 2**63}, "start"),
        ({"start": True}, "start"),
    ],
)
def test_bad_run_options_are_config_errors_naming_the_argument(
    kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        DataGenerator().generate(CONFIG, **kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_a_run_past_the_last_index_is_refused_and_the_last_index_works() -> None:
    with pytest.raises(ConfigError, match="start must be between 0 and") as caught:
        DataGenerator().generate(CONFIG, start=2**63 - 10)
    assert caught.value.field == "start"
    last = DataGenerator().generate(
        GeneratorConfig(data_type=DataType.text, count=1, seed=1), start=2**63 - 1
    )
    assert [s["index"] for s in last.samples] == [2**63 - 1]


def test_a_string_count_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="count must be an integer") as caught:
        SchemaBasedGenerator().from_schema({"type": "integer"}, "3")  # type: ignore[arg-type]
    assert caught.value.field == "count"


@pytest.mark.parametrize("batch_size", [0, -5, 1.5])
def test_bad_batch_sizes_are_config_errors(batch_size: object) -> None:
    with pytest.raises(ConfigError) as caught:
        next(DataGenerator().iter_jsonl(CONFIG, batch_size=batch_size))  # type: ignore[arg-type]
    assert caught.value.field == "batch_size"


def test_iter_arrow_honours_batch_size() -> None:
    pytest.importorskip("pyarrow")
    config = GeneratorConfig(data_type=DataType.agent_trace, count=25_000, seed=1)
    sizes = [b.num_rows for b in DataGenerator().iter_arrow(config, batch_size=10_000)]
    assert sizes == [10_000, 10_000, 5_000]


def test_parquet_row_groups_are_the_batch_size(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    from ferrosynth.io.arrow import BATCH_BYTES, DEFAULT_BATCH_ROWS, batch_rows_for

    gen = DataGenerator()
    sizes = {}
    for data_type in (DataType.text, DataType.agent_trace):
        probe = GeneratorConfig(data_type=data_type, count=1_000, seed=1)
        rows = sizes[data_type] = batch_rows_for(gen.plan(probe), 1, 0, 1_000)
        assert 1_024 <= rows <= DEFAULT_BATCH_ROWS
        count = rows + 1_000
        config = GeneratorConfig(data_type=data_type, count=count, seed=1)
        gen.write(config, tmp_path / "t.parquet")
        meta = pq.ParquetFile(tmp_path / "t.parquet").metadata
        groups = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
        assert groups == [rows, 1_000]
    # Wide records get fewer rows per group (about BATCH_BYTES of JSON each).
    assert sizes[DataType.agent_trace] < sizes[DataType.text]
    assert sizes[DataType.agent_trace] < BATCH_BYTES // 1_000


def test_a_bare_object_property_is_stored_as_json_in_parquet(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    schema = {
        "type": "object",
        "properties": {"meta": {"type": "object"}, "n": {"type": "integer"}},
        "required": ["meta", "n"],
    }
    config = GeneratorConfig(data_type=DataType.json, schema=schema, count=20, seed=1)
    DataGenerator().write(config, tmp_path / "o.parquet")
    table = pq.read_table(tmp_path / "o.parquet")
    assert table.column_names == ["index", "meta", "n"]
    assert str(table.schema.field("meta").type) == "string"
    expected = DataGenerator().generate(config).samples
    assert [json.loads(m) for m in table.column("meta").to_pylist()] == [
        s["meta"] for s in expected
    ]
    root = GeneratorConfig(data_type=DataType.json, schema={"type": "object"}, count=3, seed=1)
    DataGenerator().write(root, tmp_path / "r.parquet")
    assert pq.read_table(tmp_path / "r.parquet").column_names == ["index"]
