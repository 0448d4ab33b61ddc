"""`import ferrosynth` and `import ferrosynth.llm` stay light: no HTTP client until a request."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_llm_layer_does_not_import_aiohttp() -> None:
    code = (
        "import sys, ferrosynth, ferrosynth.llm\n"
        "from ferrosynth.llm import make_provider\n"
        "make_provider('openai', base_url='http://127.0.0.1:1/v1')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('aiohttp', 'httpx')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert out.stderr == ""
