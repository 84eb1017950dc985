"""The console entry point (``medins`` and ``python -m medins_cli``).

The first thing it does is answer Ctrl-C: one line, exit 130, no traceback. It uses the C module
``_signal`` because ``signal`` imports enum first (a few ms in which Ctrl-C would print a
KeyboardInterrupt traceback). Until a command body runs, Ctrl-C exits at once; inside one it
raises KeyboardInterrupt so the command can finish what it writes (:func:`medins_cli.errors.guard`).

Then stdout and stderr are put on streams whose failures medins can name: a closed or full stdout
ends in one line and exit 1, a reader that went away (``| head -1``) in a quiet exit 0
(:func:`medins_cli.errors.install_stdio`, :func:`medins_cli.errors.finish_output`).
"""

import _signal


def _interrupted(signum: int, frame: object) -> None:
    import os

    try:
        os.write(2, "错误:已中断\n".encode())
    except OSError:
        pass
    os._exit(130)


def main() -> None:
    # a parent that set Ctrl-C to be ignored (a background job of a script) is obeyed, as Python does
    handled = _signal.getsignal(_signal.SIGINT) != _signal.SIG_IGN
    if handled:
        _signal.signal(_signal.SIGINT, _interrupted)
    from medins_cli import errors

    if handled:
        errors.set_interrupt_handler(_interrupted)
    errors.install_stdio()
    try:
        from medins_cli.app import main as run

        run()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    except errors.OutputError as exc:  # writing help or --version: outside any command's guard
        code = errors.output_failed(exc.errno)
    raise SystemExit(errors.finish_output(code))
