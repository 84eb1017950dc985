"""Help in Chinese, readable in full at any width: the click command classes every command uses.

Typer draws help with Rich: an options table whose help column crops each cell with "…". Chinese
help has no spaces to wrap at, so at 80 columns nearly every option's allowed values were cut
off. Rich can fold a long "word" instead of cropping it (``Text.overflow = "fold"``,
:func:`medins_cli.render.helptext.folded`), but typer builds those Text objects itself and offers
no setting for it. So, only when help is drawn, we wrap typer's two cell builders
(``_get_parameter_help``, ``_make_command_help``: private, which is why typer stays pinned below
0.29 and tests/test_help.py checks every command at 80 and 100 columns) and put typer's and
click's fixed English strings ("Show this message and exit.", "Usage:", "Options", …) into
Chinese. The wrapping itself is Rich's; nothing here measures or breaks lines by hand.

Importing this module costs nothing at start-up: typer's Rich helpers are imported only in
``format_help``, and then without the two Rich modules help never uses (:func:`_rich_utils`).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

import typer.core

HELP_OPTION_TEXT = "显示帮助并退出"
_PATCHED = {"done": False}


def _chinese_rich_help() -> None:
    """Once per process, when help is about to be drawn."""
    if _PATCHED["done"]:
        return
    _PATCHED["done"] = True
    ru = _rich_utils()

    from medins_cli.render.helptext import folded

    ru.OPTIONS_PANEL_TITLE = "选项"
    ru.ARGUMENTS_PANEL_TITLE = "参数"
    ru.COMMANDS_PANEL_TITLE = "命令"
    ru.REQUIRED_LONG_STRING = "[必填]"
    ru.DEFAULT_STRING = "[默认:{}]"
    ru.ENVVAR_STRING = "[环境变量:{}]"
    ru.DEPRECATED_STRING = "(已弃用) "

    for name in ("_get_parameter_help", "_make_command_help"):
        original = getattr(ru, name, None)
        if original is None:
            continue

        def wrapped(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            return folded(_original(*args, **kwargs))

        setattr(ru, name, wrapped)


#: Modules typer.rich_utils imports for what medins' help never does: Markdown help text
#: (``rich_markup_mode="markdown"``; markdown-it, ~27 ms) and pretty tracebacks (pygments, ~15 ms).
_UNUSED_BY_HELP = {"rich.markdown": "Markdown", "rich.traceback": "Traceback"}


class _Deferred(type):
    """A stand-in class for one of those names: used at all (never, in help), it is the real one."""

    _where: tuple[str, str]

    def _real(cls) -> Any:
        module, name = cls._where
        return getattr(importlib.import_module(module), name)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls._real()(*args, **kwargs)

    def __getattr__(cls, name: str) -> Any:
        return getattr(cls._real(), name)


def _rich_utils() -> Any:
    """``typer.rich_utils``, imported with stand-ins for the modules of :data:`_UNUSED_BY_HELP` when
    they are not loaded yet; the stand-ins leave ``sys.modules`` at once, so any later import gets
    the real module. About a third of what drawing ``--help`` cost (see README "启动速度")."""
    if "typer.rich_utils" in sys.modules:
        return sys.modules["typer.rich_utils"]
    placed = {}
    for module, name in _UNUSED_BY_HELP.items():
        if module not in sys.modules:
            stand_in = types.ModuleType(module)
            setattr(stand_in, name, _Deferred(name, (), {"_where": (module, name)}))
            placed[module] = sys.modules[module] = stand_in
    try:
        return importlib.import_module("typer.rich_utils")
    finally:
        for module, stand_in in placed.items():
            if sys.modules.get(module) is stand_in:
                del sys.modules[module]


#: typer's own options (shell completion), in Chinese.
_TYPER_OPTIONS = {
    "install_completion": "为当前 shell 安装命令补全",
    "show_completion": "显示当前 shell 的补全脚本,可复制或自行安装",
}


class _Chinese:
    """Mixed into typer's command and group classes."""

    def get_params(self, ctx: Any) -> Any:
        params = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if param.name in _TYPER_OPTIONS:
                param.help = _TYPER_OPTIONS[param.name]
        return params

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION_TEXT
        return option

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="用法: ")

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _chinese_rich_help()
        super().format_help(ctx, formatter)  # type: ignore[misc]


class Command(_Chinese, typer.core.TyperCommand):
    """A medins command: help in Chinese, wrapped at any width."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("options_metavar") in (None, "[OPTIONS]"):
            kwargs["options_metavar"] = "[选项]"
        super().__init__(*args, **kwargs)


class Group(_Chinese, typer.core.TyperGroup):
    """A medins command group (``medins``, ``medins policy``, ``medins config``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("options_metavar") in (None, "[OPTIONS]"):
            kwargs["options_metavar"] = "[选项]"
        if kwargs.get("subcommand_metavar") is None:
            kwargs["subcommand_metavar"] = "命令 [参数]..."
        super().__init__(*args, **kwargs)
