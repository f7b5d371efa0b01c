"""`pip install --no-build-isolation <repo>` into a fresh venv gives a
self-contained package (extension + libavala.so.0, found through $ORIGIN)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import KEY, ROOT, Emulator

pytestmark = pytest.mark.slow

SYSTEM_PYTHON = "/usr/bin/python3"


@pytest.mark.skipif(not Path(SYSTEM_PYTHON).exists(), reason="needs Debian's /usr/bin/python3")
def test_pip_installs_a_self_contained_package_into_a_venv(emulator: Emulator, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([SYSTEM_PYTHON, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=120)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AVALA_", "PYTHON", "LD_LIBRARY"))}
    env["AVALA_BUILD_JOBS"] = "2"
    pip = subprocess.run(
        ["nice", "-n", "10", str(venv / "bin" / "pip"), "install", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", str(ROOT)],
        env=env, capture_output=True, text=True, timeout=900,
    )
    assert pip.returncode == 0, pip.stdout[-3000:] + pip.stderr[-3000:]

    check = (
        "import avala, os, pathlib\n"
        "pkg = pathlib.Path(avala.__file__).parent\n"
        "assert pkg.is_relative_to(pathlib.Path(os.environ['VENV']).resolve()), pkg\n"
        "assert (pkg / 'libavala.so.0').is_file() and (pkg / 'py.typed').is_file()\n"
        "assert (pkg / '_avala.pyi').is_file()\n"
        "with avala.Client(os.environ['KEY'], base_url=os.environ['URL']) as c:\n"
        "    print(avala.__version__, sum(1 for _ in c.projects.iter(limit=100)))\n"
    )
    run_env = dict(env, VENV=str(venv), KEY=KEY, URL=emulator.base_url, AVALA_ALLOW_INSECURE_BASE_URL="1")
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-c", check],
        cwd=tmp_path, env=run_env, capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    version, count = out.stdout.split()
    header = (ROOT / "capi" / "include" / "avala.h").read_text()
    assert f'#define AVALA_VERSION_STRING "{version}"' in header
    assert count == "250"
    # The package needs nothing from the repository at run time.
    site = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import avala; print(avala._avala.__file__)"],
        cwd=tmp_path, env=run_env, capture_output=True, text=True, timeout=60,
    ).stdout.strip()
    ldd = subprocess.run(["ldd", site], capture_output=True, text=True).stdout
    libavala = [line for line in ldd.splitlines() if "libavala.so.0" in line]
    assert libavala and str(Path(site).parent) in libavala[0], ldd
    assert sys.executable  # the test itself may run under any Python
