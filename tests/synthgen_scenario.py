"""One scenario, run by the published synthgen-client 0.0.7 and by ferrosynth.synthgen alike.

It uses only calls both clients have, with the same arguments, and returns what they observed
with ids and times left out, so that the two results can be compared for equality. Run as a
script (``python -m tests.synthgen_scenario legacy URL PROVIDER KEY OUT``) it drives 0.0.7 in a
process of its own: that client configures the root logger and reads ``.env`` at import, and
prints its panels on stdout.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def run(client: Any, models: Any, provider: str, wrong_key_client: Any) -> dict[str, Any]:
    """The scenario: two batches (the second answered from the cache), every read call, the
    deletes, and a call with a wrong API key; ``models`` is the client's ``models`` module
    (Task, TaskStatus, ...)."""

    def task(i: int) -> Any:
        return models.Task(
            custom_id=f"c{i}",
            url=provider,
            api_key="provider-key",
            body={"model": "m", "messages": [{"role": "user", "content": f"solve {i}x + 4 = 10"}]},
            dataset="compat",
        )

    def seen(t: Any) -> tuple[Any, ...]:
        content = (t.completions or {}).get("choices", [{}])[0].get("message", {}).get("content")
        return (t.custom_id, str(t.status.value), t.cached, content, t.dataset, t.body)

    def counters(b: Any) -> dict[str, Any]:
        keep = (
            "total_tasks",
            "completed_tasks",
            "failed_tasks",
            "pending_tasks",
            "processing_tasks",
            "cached_tasks",
            "total_tokens",
            "prompt_tokens",
            "completion_tokens",
        )
        return {k: getattr(b, k) for k in keep} | {"batch_status": str(b.batch_status.value)}

    out: dict[str, Any] = {}
    out["health"] = str(client.check_health().status.value)
    first = client.monitor_batch(
        tasks=[task(i) for i in range(5)], cost_by_1m_input_token=0.01, cost_by_1m_output_token=0.03
    )
    out["first"] = sorted(seen(t) for t in first)
    second = client.monitor_batch(tasks=[task(0), task(1)])
    out["second"] = sorted(seen(t) for t in second)
    b1, b2 = first[0].batch_id, second[0].batch_id
    out["batch1"] = counters(client.get_batch(b1))
    out["batch2"] = counters(client.get_batch(b2))
    batches = client.get_batches()
    out["batches"] = (batches.total, sorted(b.total_tasks for b in batches.batches))
    done = client.get_batch_tasks(b1, task_status=models.TaskStatus.COMPLETED)
    out["completed"] = sorted(seen(t) for t in done)
    one = client.get_task(first[0].message_id)
    out["task"] = seen(one)
    stats = client.get_batch_stats(b2, "1h", models.CalendarInterval.MINUTE_SHORT)
    s = stats.summary
    out["stats"] = (
        s.total_tasks,
        s.completed_tasks,
        s.failed_tasks,
        s.cached_tasks,
        s.total_tokens,
        s.completion_tokens,
        sum(p.total_tasks for p in stats.time_series),
    )
    out["task_stats"] = client.get_task_stats().model_dump()
    client.delete_task(first[0].message_id)
    out["after_task_delete"] = client.get_batch(b1).total_tasks
    client.delete_batch(b2)
    out["after_batch_delete"] = client.get_batch(b2) is None
    try:
        wrong_key_client.get_batches()
    except Exception as e:  # both clients: APIError with the status, at once
        out["wrong_key"] = (type(e).__name__, getattr(e, "status_code", None))
    return json.loads(json.dumps(out))  # tuples as lists, as they come back from a process


def main() -> None:
    _, _, url, provider, key, target = sys.argv
    import synthgen.models as models
    from synthgen import SynthgenClient

    base, port = url.rsplit(":", 1)
    client = SynthgenClient(base_url=base, port=port, api_key=key)
    wrong = SynthgenClient(base_url=base, port=port, api_key=key + "-wrong")
    result = run(client, models, provider, wrong)
    with open(target, "w", encoding="utf-8") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
