"""Ingest helpers: the cache key the contract describes, and the task ids."""

from __future__ import annotations

import base64
import hashlib
import json
import re

from ferrosynth.server.ingest import cache_key, new_message_ids


def test_cache_key_is_sha256_of_canonical_json_base64() -> None:
    body = {"model": "m", "messages": [{"role": "user", "content": "héllo"}], "a": 1}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    expected = base64.b64encode(hashlib.sha256(canonical.encode()).digest()).decode()
    assert cache_key(body) == expected
    assert cache_key({"a": 1, "model": "m", "messages": body["messages"]}) == expected


def test_message_ids_are_uuid_shaped_unique_and_time_ordered() -> None:
    ids = new_message_ids(5000) + new_message_ids(5000)
    assert len(set(ids)) == 10_000
    shape = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$")
    assert all(shape.match(i) for i in ids)
    assert ids == sorted(ids)  # the store's index grows at its right edge
