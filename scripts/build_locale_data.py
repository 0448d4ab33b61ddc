"""Regenerate the shipped locale data from the installed Faker.

Writes ``python/ferrosynth/data/en_US.json`` (the pools behind ``pools_for(None)``) and
``python/ferrosynth/data/LICENSE-faker.txt`` (Faker's MIT licence, naming the Faker version that
produced the data). The pools come from ``ferrosynth.locales.build_pools``, so the shipped file is
exactly what ``pools_for(Faker("en_US"))`` returns under the same Faker version.

Changing the shipped data changes what every seed produces for the default locale: bump
``DATA_FORMAT`` in ``locales.py`` (and the golden hashes) when you commit a regenerated file.

Usage::

    python scripts/build_locale_data.py          # rewrite the files
    python scripts/build_locale_data.py --check  # exit 1 if the files are out of date
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "python" / "ferrosynth" / "data"
LOCALE = "en_US"
MAX_BYTES = 300_000


def load_locales_module() -> ModuleType:
    """Import ``locales.py`` by path: the package ``__init__`` needs the built extension."""
    spec = importlib.util.spec_from_file_location(
        "_ferrosynth_locales", ROOT / "python" / "ferrosynth" / "locales.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class is built
    spec.loader.exec_module(module)
    return module


def render_data(locales: ModuleType, faker_version: str) -> str:
    pools = locales.build_pools((LOCALE,))
    document = {
        "format": locales.DATA_FORMAT,
        "locale": LOCALE,
        "faker_version": faker_version,
        "pools": {name: list(values) for name, values in pools.items()},
    }
    return json.dumps(document, ensure_ascii=False, indent=0, sort_keys=True) + "\n"


def render_licence(faker_version: str) -> str:
    distribution = importlib.metadata.distribution("Faker")
    licence = next(
        (f for f in distribution.files or () if f.name.upper().startswith("LICENSE")), None
    )
    if licence is None:
        raise SystemExit("error: cannot find Faker's licence file in its distribution")
    text = Path(str(distribution.locate_file(licence))).read_text(encoding="utf-8")
    header = (
        f"The value pools in {LOCALE}.json were extracted from Faker {faker_version}\n"
        "(https://github.com/joke2k/faker) by scripts/build_locale_data.py.\n"
        "Faker is distributed under the MIT licence, reproduced below.\n\n"
    )
    return header + text.rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)

    faker_version = importlib.metadata.version("Faker")
    outputs = {
        DATA_DIR / f"{LOCALE}.json": render_data(load_locales_module(), faker_version),
        DATA_DIR / "LICENSE-faker.txt": render_licence(faker_version),
    }
    size = len(outputs[DATA_DIR / f"{LOCALE}.json"].encode())
    if size >= MAX_BYTES:
        raise SystemExit(f"error: {LOCALE}.json would be {size} bytes (limit {MAX_BYTES})")

    stale = [
        path
        for path, text in outputs.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    if args.check:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)} (Faker {faker_version})")
        return 1 if stale else 0
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    for path in stale:
        path.write_text(outputs[path], encoding="utf-8", newline="\n")
        print(f"wrote {path.relative_to(ROOT)}")
    print(f"{LOCALE}.json: {size} bytes from Faker {faker_version}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
