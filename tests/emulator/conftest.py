import pytest

from harness import BINARY


@pytest.fixture(scope="session", autouse=True)
def _binary_exists():
    if not BINARY.is_file():
        pytest.fail(f"emulator binary not found at {BINARY}; build it or set AVALA_EMULATOR")
