"""The console entry point (``medins`` and ``python -m medins_cli``).

Ctrl-C while the imports are still loading (the first ~60 ms) would otherwise print a
KeyboardInterrupt traceback; until the app runs, it exits quietly with 130 instead.
"""

import os
import signal


def _interrupted(signum: int, frame: object) -> None:
    os.write(2, "错误:已中断\n".encode())
    os._exit(130)


def main() -> None:
    signal.signal(signal.SIGINT, _interrupted)
    from medins_cli.app import main as run

    signal.signal(signal.SIGINT, signal.default_int_handler)  # from here the commands handle it
    run()
