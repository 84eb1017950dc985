"""What a command runs in (:class:`Env`), and where a guide command's result goes: the terminal,
stdout, or an ``--output`` file.

The renderers (:mod:`medins_cli.render.guides`) only turn a payload into a document or text;
choosing the format from ``--output``, refusing to overwrite, and writing the file atomically
happen here, in the command layer.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

from medins_cli.errors import UsageError, write_failed
from medins_cli.render.output import FORMATS_DOC, note, resolve_format, set_quiet, set_raw_csv


class Env:
    """What a command runs in: whether it stays quiet, how it writes CSV, and the
    config (read once, when first asked). httpie's ``Environment`` is the model: a command makes
    one at the start and asks it, instead of reading globals and the config file here and there.

    The renderers write through :mod:`medins_cli.render.output`, which keeps the quiet and raw-CSV
    switches for the process; making an ``Env`` sets them.
    """

    __slots__ = ("_config",)

    def __init__(self, *, quiet: bool = False, raw_csv: bool = False) -> None:
        self._config: dict[str, Any] | None = None
        set_quiet(quiet)
        set_raw_csv(raw_csv)

    @property
    def config(self) -> dict[str, Any]:
        """The saved config (an unreadable one fails only when a value is asked of it)."""
        if self._config is None:
            from medins_cli.commands.claims import load_config

            self._config = load_config()
        return self._config

    def note(self, text: str) -> None:
        """A message for the person (stderr; nothing with --quiet)."""
        note(text)

    def deliver(self, payload: Any, build: Callable[[Any], Any], form: str, output: Path | None = None,
                force: bool = False) -> None:
        """The result, as :func:`deliver`."""
        deliver(payload, build, form, output, force)


def choose_format(fmt: str | None, output: Path | None) -> str:
    """The format asked for; with ``--output`` and no ``--format``, guessed from the file suffix."""
    output = output_target(output)
    if fmt is None and output is not None:
        suffix = output.suffix.lower()
        return "json" if suffix == ".json" else "markdown" if suffix in (".md", ".markdown") else "plain"
    form = resolve_format(fmt, FORMATS_DOC)
    if form == "table" and output is not None:
        raise UsageError("表格只用于终端显示;写入文件请用 --format markdown|plain|json")
    return form


def output_target(path: Path | None) -> Path | None:
    """``--output -`` means standard output, like no ``--output`` at all."""
    return None if path is None or str(path) == "-" else path


def check_output(path: Path | None, force: bool) -> None:
    """Refuse, before any work, to write over an existing file (unless ``--force``), or ever over
    anything that is not a plain file (a folder, a device such as /dev/null, a pipe, a link),
    or into a folder that does not exist."""
    path = output_target(path)
    if path is None:
        return
    if path.is_dir():
        raise UsageError(f"{path} 是一个目录:--output 请给出文件名,如 清单.md")
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise UsageError(f"{path} 不是普通文件(链接、设备或管道):为安全起见不会覆盖,请换一个文件名")
    if path.exists() and not force:
        raise UsageError(f"文件 {path} 已存在:加 --force 覆盖,或换一个文件名")
    if not path.parent.is_dir():
        raise UsageError(f"目录 {path.parent} 不存在:请先建好目录,或换一个路径")


def deliver(payload: Any, build: Callable[[Any], Any], form: str, output: Path | None = None,
            force: bool = False) -> None:
    """Print (or write to ``output``) the payload as json, or its document as markdown/plain/table."""
    from medins_cli.render.guides import document_text, print_rich

    if form == "table":
        print_rich(build(payload))
        return
    text = document_text(payload, build, form)
    output = output_target(output)
    if output is None:  # a terminal, maybe: what came from files is shown, never obeyed (a file gets it as is)
        from medins_cli.errors import visible

        sys.stdout.write(visible(text, layout=True))
        return
    from medins_cli.store.paths import atomic_write

    check_output(output, force)
    try:
        atomic_write(output, text)
    except OSError as exc:
        raise write_failed(output, exc) from None
    note(f"已写入 {output}")
