"""The wheel's ``avala`` console script: runs the native ``avala`` CLI.

The package ships the libavala CLI as ``avala/_bin/avala`` (it finds
``avala/libavala.so.0`` through its RUNPATH); this replaces the Python process
with it, so exit codes, signals, Ctrl-C and the terminal are the CLI's own.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

EXECUTABLE = Path(__file__).resolve().parent / "_bin" / "avala"


def main() -> None:
    # Python ignores SIGPIPE and SIGXFSZ, and an ignored signal survives exec:
    # the CLI starts with the dispositions a shell would give it (it decides
    # about SIGPIPE itself).
    for name in ("SIGPIPE", "SIGXFSZ"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    try:
        os.execv(EXECUTABLE, ["avala", *sys.argv[1:]])
    except OSError as exc:
        sys.exit(f"avala: cannot run the native CLI {EXECUTABLE}: {exc.strerror}")
