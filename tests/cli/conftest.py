"""Fixtures shared by the CLI test modules. Each module starts the emulator it
needs (see support.start_emulator)."""

import subprocess

import pytest

from support import TIMEOUT, require_binary


@pytest.fixture(scope="session")
def cli():
    return require_binary("AVALA_CLI")


@pytest.fixture(scope="session")
def avala(cli):
    """Runs the CLI with the given environment (never the developer's own)."""

    def run(*args, env, input=None):
        """`input`: text on stdin (default: none, stdin is /dev/null)."""
        return subprocess.run(
            [cli, *args],
            env=env,
            input=input,
            stdin=subprocess.DEVNULL if input is None else None,
            capture_output=True,
            timeout=TIMEOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )

    return run
