"""The dashboard in a real headless Chromium: it renders, shows the batches with their counts,
tokens and cost, and a task's request and answer."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.server.conftest import API_KEY, LiveServer, wait_for
from tests.server.fake_llm import FakeLLM

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium (apt-get install chromium)")


def chromium(url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1400,900",
            "--virtual-time-budget=8000",
            *args,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=90,
    )


def png_rows(path: Path, rows: int) -> tuple[int, int, list[bytes]]:
    """Width, height and the first ``rows`` decoded scanlines of an 8-bit RGB(A) PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height, depth, color = struct.unpack(">IIBB", data[16:26])
    assert depth == 8, depth
    assert color in (2, 6), color
    bpp = 4 if color == 6 else 3
    idat, pos = b"", 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        if data[pos + 4 : pos + 8] == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    out = []
    for y in range(min(rows, height)):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        out.append(bytes(line[j : j + 3]) for j in range(0, stride, bpp))
        out[-1] = b"".join(out[-1])
        prev = line
    return width, height, out


@pytest.fixture
def finished_batch(server: LiveServer, llm: FakeLLM) -> tuple[str, str]:
    lines = "\n".join(
        json.dumps(
            {
                "url": llm.url,
                "method": "POST",
                "custom_id": f"dash-{i}",
                "body": {
                    "model": "m",
                    "messages": [{"role": "user", "content": f"dash prompt {i}"}],
                },
                "use_cache": True,
                "track_progress": True,
            }
        )
        for i in range(5)
    )
    llm.script["dash prompt 4"] = [400]
    headers = {"Authorization": f"Bearer {API_KEY}"}
    httpx.post(
        f"{server.url}/api/v1/batches",
        params={"batch_id": "dash-batch"},
        files={"file": ("batch.jsonl", lines)},
        headers=headers,
    ).raise_for_status()
    wait_for(
        lambda: (
            httpx.get(f"{server.url}/api/v1/batches/dash-batch", headers=headers).json()[
                "batch_status"
            ]
            == "FAILED"
        ),
        what="batch done",
    )
    export = httpx.get(
        f"{server.url}/api/v1/batches/dash-batch/tasks/export",
        params={"task_status": "COMPLETED"},
        headers=headers,
    ).json()
    return "dash-batch", export["tasks"][0]["message_id"]


def test_dashboard_renders_batches_and_a_task(
    server: LiveServer, finished_batch: tuple[str, str], tmp_path: Path
) -> None:
    batch_id, message_id = finished_batch
    url = f"{server.url}/dashboard/#key={API_KEY}&batch={batch_id}&task={message_id}"
    dom = chromium(url, tmp_path, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    assert "dash-batch" in html
    assert ">FAILED<" in html  # the batch status
    assert "4 / 5 (100%)" not in html
    assert "5 / 5 (100%)" in html  # progress: 4 completed + 1 failed of 5
    assert "24 / 16" in html  # tokens in / out: 4 tasks x (6 in, 4 out)
    assert "$0.0000" in html  # cost at the default prices
    assert "healthy" in html
    assert "dash prompt" in html  # the task's request, shown as text
    assert "echo: dash prompt" in html  # and its answer

    shot = tmp_path / "dashboard.png"
    result = chromium(url, tmp_path, f"--screenshot={shot}")
    assert result.returncode == 0, result.stderr[-2000:]
    width, height, rows = png_rows(shot, 160)  # the header and the batch table
    assert (width, height) == (1400, 900)
    pixels = Counter(row[i : i + 3] for row in rows for i in range(0, len(row), 3))
    assert pixels[bytes.fromhex("1d2a4d")] > 1400 * 20, "the header bar is not drawn"
    assert pixels.most_common(1)[0][1] / sum(pixels.values()) < 0.8, "the page is nearly blank"
    assert len(pixels) > 50  # text, bars and colours, not a flat page


def test_dashboard_asks_for_the_key(server: LiveServer, tmp_path: Path) -> None:
    dom = chromium(f"{server.url}/dashboard/", tmp_path, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert '<form id="login">' in dom.stdout  # shown (no hidden attribute)
    assert '<main id="main" hidden="">' in dom.stdout
