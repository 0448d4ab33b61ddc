"""The live display of ``monitor_batch``: health, progress, token counts and cost.

It draws on a rich :class:`~rich.console.Console` on stderr, and only when that is a terminal
(or when the caller hands in a console of their own): a script whose stderr goes to a file or a
pipe gets no output at all. rich is imported here only, so ``import ferrosynth.synthgen`` stays
light.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ferrosynth.synthgen.models import Batch, HealthResponse, HealthStatus

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

__all__ = ["BatchCost", "MonitorDisplay", "batch_cost"]

_MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class BatchCost:
    """What a batch's fresh (non-cached) tokens cost at the given prices per million tokens."""

    input_cost: Decimal
    output_cost: Decimal

    @property
    def total_cost(self) -> Decimal:
        return self.input_cost + self.output_cost


def batch_cost(
    batch: Batch | None, cost_by_1m_input_token: float, cost_by_1m_output_token: float
) -> BatchCost:
    """Cost of ``batch``'s prompt and completion tokens (cached tasks cost nothing).

    Example::

        >>> from datetime import datetime, timezone
        >>> b = Batch(batch_id="b", batch_status="COMPLETED", total_tasks=1, completed_tasks=1,
        ...           failed_tasks=0, pending_tasks=0, processing_tasks=0, cached_tasks=0,
        ...           created_at=datetime.now(timezone.utc), prompt_tokens=2_000_000,
        ...           completion_tokens=500_000)
        >>> c = batch_cost(b, 0.01, 0.03)
        >>> (str(c.input_cost), str(c.output_cost), str(c.total_cost))
        ('0.02', '0.015', '0.035')
    """
    if batch is None:
        return BatchCost(Decimal(0), Decimal(0))
    cin = Decimal(str(cost_by_1m_input_token))
    cout = Decimal(str(cost_by_1m_output_token))
    return BatchCost(
        batch.prompt_tokens * cin / _MILLION, batch.completion_tokens * cout / _MILLION
    )


def _duration(seconds: int | None) -> str:
    s = seconds or 0
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


class MonitorDisplay:
    """Draws the monitor; every method is a no-op when ``enabled`` is false."""

    def __init__(
        self,
        console: Console | None,
        display: bool | None,
        cost_by_1m_input_token: float,
        cost_by_1m_output_token: float,
    ) -> None:
        self._cost_in = cost_by_1m_input_token
        self._cost_out = cost_by_1m_output_token
        self._console: Console | None = None
        self._live: Any = None
        self._progress: Any = None
        self._task: Any = None
        self._batch_id = ""
        if display is False:
            return
        if console is None:
            from rich.console import Console

            console = Console(stderr=True)
            if display is None and not console.is_terminal:
                return
        self._console = console

    @property
    def enabled(self) -> bool:
        return self._console is not None

    def health(self, health: HealthResponse) -> None:
        if self._console is None:
            return
        from rich import box
        from rich.panel import Panel
        from rich.table import Table

        def mark(status: HealthStatus) -> str:
            ok = status == HealthStatus.HEALTHY
            return "[green3]●[/] Online" if ok else "[red3]●[/] Offline"

        s = health.services
        table = Table(show_header=True, header_style="bold dodger_blue1", box=box.ROUNDED)
        table.add_column("Component")
        table.add_column("Status")
        table.add_row("API", mark(s.api))
        table.add_row("Store (elasticsearch)", mark(s.elasticsearch))
        table.add_row(
            "Workers (rabbitmq)",
            f"{mark(s.rabbitmq)}\n[grey70]{s.queue_consumers} consumers, "
            f"{s.queue_messages} queued[/]",
        )
        overall = (
            "[green3]Healthy[/]" if health.status == HealthStatus.HEALTHY else "[red3]Unhealthy[/]"
        )
        if health.error:
            overall += f"\n[red3]{health.error}[/]"
        table.add_row("System", overall)
        self._console.print(Panel(table, title="System health", border_style="dodger_blue1"))

    def start(self, batch_id: str, total: int) -> None:
        if self._console is None:
            return
        from rich.live import Live
        from rich.progress import BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn

        self._batch_id = batch_id
        self._progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TaskProgressColumn()
        )
        self._task = self._progress.add_task("Processing batch", total=total)
        self._live = Live(self._render(None), console=self._console, refresh_per_second=4)
        self._live.start()

    def update(self, batch: Batch | None) -> None:
        if self._live is None:
            return
        done = batch.done_tasks if batch is not None else 0
        self._progress.update(self._task, completed=done)
        self._live.update(self._render(batch), refresh=True)

    def stop(self, batch: Batch | None, results: int | None = None) -> None:
        if self._live is None:
            return
        self.update(batch)
        self._live.stop()
        self._live = None
        assert self._console is not None
        if not self._console.is_terminal:
            self._console.line()  # a Live on a file leaves its last frame without a newline
        if results is not None:
            cost = batch_cost(batch, self._cost_in, self._cost_out)
            self._console.print(
                f"[bold green3]Batch {self._batch_id} done:[/] {results} task(s) downloaded; "
                f"total cost ${cost.total_cost:.4f}"
            )

    def _render(self, batch: Batch | None) -> RenderableType:
        from rich.console import Group
        from rich.panel import Panel
        from rich.table import Table

        cost = batch_cost(batch, self._cost_in, self._cost_out)
        b = batch
        rows = [
            ("Completed", f"[green3]{b.completed_tasks:,}[/]" if b else "0"),
            ("Cached", f"[grey70]{b.cached_tasks:,}[/]" if b else "0"),
            ("Failed", f"[red3]{b.failed_tasks:,}[/]" if b else "0"),
            ("Processing", f"{b.processing_tasks:,}" if b else "0"),
            ("Pending", f"[yellow3]{b.pending_tasks:,}[/]" if b else "0"),
            ("Total", f"[bold]{b.total_tasks:,}[/]" if b else "0"),
            ("Duration", _duration(b.duration if b else None)),
            ("Prompt Tokens", f"{b.prompt_tokens:,}" if b else "0"),
            ("Completion Tokens", f"{b.completion_tokens:,}" if b else "0"),
            ("Total Tokens", f"[bold]{b.total_tokens:,}[/]" if b else "0"),
            ("Input Cost", f"${cost.input_cost:.4f}"),
            ("Output Cost", f"${cost.output_cost:.4f}"),
            ("Total Cost", f"[bold]${cost.total_cost:.4f}[/]"),
        ]
        table = Table(show_header=False, box=None, padding=(0, 2))
        table.add_column("Metric", justify="right", style="grey70")
        table.add_column("Value")
        for name, value in rows:
            table.add_row(f"{name}:", value)
        return Panel(
            Group(self._progress, table),
            title=f"Batch ID: {self._batch_id}",
            border_style="dodger_blue1",
        )
