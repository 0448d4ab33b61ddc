"""Generation on Ray Data, on a real two-node local cluster (a head and a second node, each a
raylet with its own worker processes), so that blocks cross process and node boundaries.

What users rely on: a Ray dataset is the local run, row for row and type for type, whatever the
number of blocks; part files joined in order are the local file, byte for byte; a worker that
dies mid-run costs a retry, not a wrong row.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ferrosynth import DataGenerator, DataType, GeneratorConfig, OutputError

ray = pytest.importorskip("ray", reason="the Ray tests need `pip install 'ferrosynth[ray]'`")
fray = pytest.importorskip("ferrosynth.ray")
cluster_utils = pytest.importorskip("ray.cluster_utils")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")

TYPES = [t for t in DataType]
EXPORTS = ["openai", "sharegpt", "anthropic", "otel"]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A head node and a second node, one CPU each, on this machine."""
    env = os.environ.get("PYTHONPATH")  # workers import ferrosynth as this process does
    src = str(Path(__file__).resolve().parents[1] / "python")
    os.environ["PYTHONPATH"] = src if not env else f"{src}{os.pathsep}{env}"
    c = _start_cluster()
    ray.init(address=c.address, logging_level="ERROR", log_to_driver=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    try:
        yield c
    finally:
        ray.shutdown()
        c.shutdown()
        if env is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = env


def _start_cluster(attempts: int = 3) -> Any:
    # Ray gives a raylet a fixed 30 s to register; on a loaded two-core machine the first start
    # can miss that, so a failed start is retried (with everything it started torn down).
    for attempt in range(1, attempts + 1):
        c = cluster_utils.Cluster()
        try:
            c.add_node(num_cpus=1, include_dashboard=False)
            c.add_node(num_cpus=1)
            c.wait_for_nodes()
            return c
        except Exception:
            c.shutdown()
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


def _local_rows(config: GeneratorConfig, export: str = "ferrosynth") -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = DataGenerator().to_arrow(config, export=export).to_pylist()  # type: ignore[arg-type]
    return rows


@pytest.mark.parametrize("blocks", [1, 3, 17])
@pytest.mark.parametrize("data_type", TYPES, ids=lambda t: t.value)
def test_a_ray_dataset_is_the_local_run_at_any_block_count(
    cluster: Any, data_type: DataType, blocks: int
) -> None:
    config = GeneratorConfig(data_type=data_type, count=41, seed=11)
    ds = fray.read(config, override_num_blocks=blocks)
    assert ds.take_all() == _local_rows(config)
    assert ds.schema().base_schema == DataGenerator().to_arrow(config).schema


@pytest.mark.parametrize("export", EXPORTS)
@pytest.mark.parametrize("data_type", [DataType.conversation, DataType.agent_trace], ids=str)
def test_every_export_format_reads_the_same_on_ray(
    cluster: Any, data_type: DataType, export: str
) -> None:
    config = GeneratorConfig(data_type=data_type, count=23, seed=5)
    ds = fray.read(config, override_num_blocks=3, export=export)  # type: ignore[arg-type]
    assert ds.take_all() == _local_rows(config, export)


def test_blocks_run_on_both_nodes(cluster: Any) -> None:
    def node_of(batch: dict[str, Any]) -> dict[str, Any]:
        node = ray.get_runtime_context().get_node_id()
        return {"index": batch["index"], "node": [node] * len(batch["index"])}

    config = GeneratorConfig(data_type=DataType.text, count=170, seed=1)
    ds = fray.read(
        config, override_num_blocks=17, ray_remote_args={"scheduling_strategy": "SPREAD"}
    ).map_batches(node_of, batch_format="numpy")
    rows = ds.take_all()
    assert [r["index"] for r in rows] == list(range(170))
    assert len({r["node"] for r in rows}) == 2


def test_a_seedless_run_draws_one_seed_for_every_block(cluster: Any) -> None:
    config = GeneratorConfig(data_type=DataType.json, count=30)
    rows = fray.read(config, override_num_blocks=3).take_all()
    # One seed for all blocks: the samples are unique and sample i is the same function of i.
    assert len({r["id"] for r in rows}) == 30


def test_ray_write_parquet_streams_the_dataset(cluster: Any, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    config = GeneratorConfig(data_type=DataType.agent_trace, count=300, seed=2)
    fray.read(config, override_num_blocks=5, batch_size=64).write_parquet(str(tmp_path))
    files = sorted(tmp_path.glob("*.parquet"))
    assert files
    table = pq.read_table(files)
    rows = sorted(table.to_pylist(), key=lambda r: r["index"])
    assert rows == _local_rows(config)


def test_parts_joined_in_order_are_the_local_file_byte_for_byte(
    cluster: Any, tmp_path: Path
) -> None:
    config = GeneratorConfig(data_type=DataType.tool_call, count=1000, seed=9)
    report = fray.write_parts(config, tmp_path / "parts", parts=7, format="jsonl")
    assert [p.name for p in report.parts] == [f"part-{k:05d}.jsonl" for k in range(7)]
    joined = b"".join(p.read_bytes() for p in report.parts)
    DataGenerator().write(config, tmp_path / "local.jsonl")
    assert joined == (tmp_path / "local.jsonl").read_bytes()
    assert report.bytes_written == len(joined)


def test_parquet_parts_hold_the_local_rows(cluster: Any, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    config = GeneratorConfig(data_type=DataType.conversation, count=200, seed=4)
    report = fray.write_parts(config, tmp_path / "parts", parts=3, format="parquet")
    table = pq.read_table([str(p) for p in report.parts])
    assert table.to_pylist() == _local_rows(config)


def test_parts_refuse_a_directory_that_holds_files(cluster: Any, tmp_path: Path) -> None:
    (tmp_path / "old.jsonl").write_text("{}\n")
    config = GeneratorConfig(data_type=DataType.text, count=5, seed=1)
    with pytest.raises(OutputError, match="must be an empty directory"):
        fray.write_parts(config, tmp_path)


def test_a_worker_killed_mid_run_is_retried_and_the_output_is_unchanged(
    cluster: Any, tmp_path: Path
) -> None:
    marker = tmp_path / "killed"

    def die_once(batch: dict[str, Any]) -> dict[str, Any]:
        # The first block to get here kills its worker process outright (like kill -9 or an
        # OOM kill); Ray reschedules the task, which regenerates the same index range.
        if not marker.exists():
            marker.write_text(str(os.getpid()))
            os._exit(9)
        return batch

    config = GeneratorConfig(data_type=DataType.agent_trace, count=120, seed=3)
    ds = fray.read(config, override_num_blocks=6).map_batches(die_once, batch_format="pyarrow")
    assert ds.take_all() == _local_rows(config)
    assert marker.exists()


def test_cli_engine_ray_writes_parts_identical_to_a_local_run(cluster: Any, tmp_path: Path) -> None:
    args = ["generate", "-t", "agent_trace", "-n", "500", "-s", "8"]
    env = {**os.environ}
    ray_args = ["--ray-address", cluster.address, "--parts", "4", "-o", str(tmp_path / "out")]
    ray_run = subprocess.run(
        [sys.executable, "-m", "ferrosynth.cli", *args, "--engine", "ray", *ray_args],
        capture_output=True,
        env=env,
        timeout=300,
    )
    assert ray_run.returncode == 0, ray_run.stderr.decode()
    assert b"in 4 parts" in ray_run.stderr
    local = subprocess.run(
        [sys.executable, "-m", "ferrosynth.cli", *args], capture_output=True, check=True
    ).stdout
    parts = sorted((tmp_path / "out").glob("part-*.jsonl"))
    assert len(parts) == 4
    joined = b"".join(p.read_bytes() for p in parts)
    assert hashlib.sha256(joined).hexdigest() == hashlib.sha256(local).hexdigest()


def test_cli_engine_ray_needs_an_output_directory() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ferrosynth.cli", "generate", "-t", "json", "--engine", "ray"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: --engine ray writes a directory of parts")


def test_without_ray_the_import_says_what_to_install() -> None:
    code = (
        "import sys; sys.modules['ray'] = None\n"
        "import ferrosynth\n"
        "assert 'ray' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
        "try:\n"
        "    import ferrosynth.ray\n"
        "except ferrosynth.FerrosynthError as e:\n"
        "    assert isinstance(e, ImportError)\n"
        "    print(e)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "pip install 'ferrosynth[ray]'" in result.stdout


def test_importing_ferrosynth_does_not_import_ray() -> None:
    code = "import sys, ferrosynth, ferrosynth.cli; print('ray' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


# -- enrichment on Ray ----------------------------------------------------------------------------

PROMPT = "Write a one-line bio of {name}, reachable at {email}."
MODEL = "gpt-4o-mini"  # priced in the table, so budgets apply; the mock answers any model


@pytest.fixture
def mock_llm() -> Iterator[Any]:
    from ferrosynth.mock import MockLLMServer

    with MockLLMServer(seed=1) as srv:
        yield srv


def _enriched(mock: Any, config: GeneratorConfig, **options: Any) -> list[dict[str, Any]]:
    ds = fray.enrich(
        fray.read(config, override_num_blocks=3),
        PROMPT,
        model=MODEL,
        base_url=mock.base_url + "/v1",
        field="bio",
        **{"actors": 2, "concurrency": 4, "batch_size": 8, "cache": "off", **options},
    )
    rows: list[dict[str, Any]] = ds.take_all()
    return rows


def test_enrichment_on_ray_equals_the_local_enrichment(cluster: Any, mock_llm: Any) -> None:
    from ferrosynth.runner import enrich

    config = GeneratorConfig(data_type=DataType.json, count=40, seed=3)
    rows = _enriched(mock_llm, config)
    assert [r["index"] for r in rows] == list(range(40))
    assert {r["bio_status"] for r in rows} == {"ok"}
    assert mock_llm.request_count == 40
    local = enrich(config, PROMPT, model=MODEL, base_url=mock_llm.base_url + "/v1", field="bio")
    assert [r["bio"] for r in rows] == [s["bio"] for s in local.samples]
    # The generated columns are untouched by the stage.
    assert [{k: r[k] for k in ("id", "name")} for r in rows] == [
        {k: r[k] for k in ("id", "name")} for r in _local_rows(config)
    ]


def test_a_rerun_with_the_cache_sends_only_what_has_no_stored_answer(
    cluster: Any, mock_llm: Any, tmp_path: Path
) -> None:
    cache = str(tmp_path / "cache.sqlite")
    first = GeneratorConfig(data_type=DataType.json, count=30, seed=4)
    _enriched(mock_llm, first, cache=cache)
    assert mock_llm.request_count == 30
    # The same pipeline over more rows: the first 30 are answered from the cache.
    again = _enriched(mock_llm, first.model_copy(update={"count": 45}), cache=cache)
    assert mock_llm.request_count == 45
    assert {r["bio_status"] for r in again} == {"ok"}


def test_the_budget_is_one_for_the_whole_dataset(
    cluster: Any, mock_llm: Any, tmp_path: Path
) -> None:
    import json
    from decimal import Decimal

    from ferrosynth.runner import enrich

    config = GeneratorConfig(data_type=DataType.json, count=48, seed=5)
    # What each request costs, from a local run without a budget (the mock is deterministic).
    bound = {"max_tokens": 48}  # a realistic worst case per request
    url = mock_llm.base_url + "/v1"
    enrich(config, PROMPT, model=MODEL, base_url=url, work_dir=tmp_path, **bound)
    lines = [json.loads(x) for x in (tmp_path / "enrich.jsonl").read_text().splitlines()]
    cost = {int(line["custom_id"]): Decimal(str(line["cost"])) for line in lines}
    before = mock_llm.request_count

    budget = sum(cost.values(), Decimal(0)) / 4  # a quarter of what the dataset would cost
    rows = _enriched(mock_llm, config, max_usd=str(budget), **bound)
    sent = mock_llm.request_count - before
    statuses = [r["bio_status"] for r in rows]
    assert 1 <= statuses.count("ok") == sent < 48
    assert statuses.count("not_sent") == 48 - sent
    assert all(r["bio"] is None for r in rows if r["bio_status"] == "not_sent")
    # One budget across both actors: what was answered in all stays within it.
    assert sum(cost[r["index"]] for r in rows if r["bio_status"] == "ok") <= budget


def test_a_prompt_that_names_a_missing_column_fails_on_the_driver(cluster: Any) -> None:
    from ferrosynth.runner.errors import TemplateFieldError

    config = GeneratorConfig(data_type=DataType.json, count=3, seed=1)
    with pytest.raises(TemplateFieldError, match=r"\{age\}, which the dataset does not have"):
        fray.enrich(fray.read(config), "How old is {name}? {age}", model=MODEL)
    with pytest.raises(ValueError, match="already has a column 'name'"):
        fray.enrich(fray.read(config), "Hi {name}", model=MODEL, field="name")


def test_a_batch_is_priced_with_the_bodies_the_enrichment_sends() -> None:
    # The budget share a batch asks for is the worst case of exactly what the runner will
    # send: with `schema=`, its `response_format` counts (a lower estimate left rows unsent
    # while budget remained). No cluster needed: the actor's class is plain Python.
    from ferrosynth.ray.enrich import _EnrichActor
    from ferrosynth.runner.enrich import build_body
    from ferrosynth.runner.plan import estimate_request

    schema = {
        "type": "object",
        "properties": {"sentiment": {"enum": ["positive", "negative", "neutral"]}},
        "required": ["sentiment"],
    }
    samples = [{"text": f"review number {i} of a blender"} for i in range(5)]
    base = {"model": "gpt-4o-mini", "field": "out", "max_tokens": 50}
    plain = _EnrichActor("Classify: {text}", None, base)._estimate(samples)
    typed = _EnrichActor("Classify: {text}", None, {**base, "schema": schema})._estimate(samples)
    assert plain is not None
    assert typed is not None
    from ferrosynth.llm import Schema

    response_format = Schema(schema).response_format()
    expected = sum(
        estimate_request(
            build_body(
                f"Classify: {s['text']}",
                model="gpt-4o-mini",
                system=None,
                temperature=0.0,
                max_tokens=50,
                seed=None,
                response_format=response_format,
            ),
            "gpt-4o-mini",
            "openai",
        )[2]
        for s in samples
    )
    assert Decimal(typed) == expected
    assert Decimal(typed) > Decimal(plain)
