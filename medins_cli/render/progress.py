"""A transient progress bar on stderr (Rich), for long work such as a big batch file."""

from __future__ import annotations

from typing import Any


class ByteProgress:
    """Progress through ``total`` bytes of input, drawn on stderr and gone when stopped.

    stdout carries results, so Rich never captures it; lines written to stderr meanwhile
    print above the bar.
    """

    def __init__(self, label: str, total: int) -> None:
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

        from medins_cli.render.output import console

        self.bar: Any = Progress(TextColumn(label), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                                 console=console(stderr=True), transient=True, redirect_stdout=False)
        self.task = self.bar.add_task(label, total=total)
        self.bar.start()

    def update(self, completed: int) -> None:
        self.bar.update(self.task, completed=completed)

    def stop(self) -> None:
        self.bar.stop()
