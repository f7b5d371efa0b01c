"""The wheel `pip wheel --no-build-isolation <repo>` builds, installed into a
fresh venv: full metadata and LICENSE, a self-contained package (extension +
libavala.so.0, found through $ORIGIN), and an `avala` console script that runs
the native CLI shipped inside it (avala/_bin/avala, RUNPATH $ORIGIN/..)."""

from __future__ import annotations

import email.parser
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import KEY, ROOT, Emulator

pytestmark = pytest.mark.slow

SYSTEM_PYTHON = "/usr/bin/python3"
# What the wheel's binaries may load from the system (x86-64 and arm64 names).
WHEEL_SYSTEM_LIBRARIES = {
    "linux-vdso.so.1", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1",
    "libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1",
    "libssl.so.3", "libcrypto.so.3", "libsimdjson.so.14", "libz.so.1",
}


@pytest.mark.skipif(not Path(SYSTEM_PYTHON).exists(), reason="needs Debian's /usr/bin/python3")
def test_the_wheel_installs_a_self_contained_package_and_the_avala_command(emulator: Emulator, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([SYSTEM_PYTHON, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=120)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AVALA_", "PYTHON", "LD_LIBRARY"))}
    env["AVALA_BUILD_JOBS"] = "2"
    pip = [str(venv / "bin" / "pip"), "--disable-pip-version-check"]
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        ["nice", "-n", "10", *pip, "wheel", "--no-build-isolation", "--no-index", "--no-deps",
         "-w", str(wheels), str(ROOT)],
        env=env, capture_output=True, text=True, timeout=900,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    [wheel] = wheels.glob("avala-*.whl")

    # What PyPI and `pip show` display: the wheel's METADATA, and its LICENSE.
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        [metadata_name] = [n for n in names if n.endswith(".dist-info/METADATA")]
        meta = email.parser.Parser().parsestr(zf.read(metadata_name).decode())
        dist_info = metadata_name.rsplit("/", 1)[0]
        assert f"{dist_info}/LICENSE" in names, names
        assert "MIT License" in zf.read(f"{dist_info}/LICENSE").decode()
        assert zf.getinfo("avala/_bin/avala").external_attr >> 16 & 0o111, "the CLI is executable in the wheel"
        entry_points = zf.read(f"{dist_info}/entry_points.txt").decode()
    assert meta["Name"] == "avala"
    assert "drop-in for the official SDK" in meta["Summary"]
    assert meta["License"] == "MIT"
    assert "License :: OSI Approved :: MIT License" in meta.get_all("Classifier")
    assert meta["Requires-Python"] == ">=3.9"
    assert meta["Description-Content-Type"] == "text/markdown"
    description = meta.get_payload()
    assert description.startswith("# libavala") and "## Python" in description, description[:200]
    assert "avala = avala._cli:main" in entry_points

    pip_install = subprocess.run(
        [*pip, "install", "--no-index", "--no-deps", str(wheel)],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert pip_install.returncode == 0, pip_install.stdout[-3000:] + pip_install.stderr[-3000:]

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
    pkg = Path(site).parent
    for binary in (Path(site), pkg / "_bin" / "avala", pkg / "libavala.so.0"):
        ldd = subprocess.run(["ldd", str(binary)], capture_output=True, text=True).stdout
        needed = {line.split()[0].rsplit("/", 1)[-1]: line for line in ldd.splitlines() if line.strip()}
        if binary.name != "libavala.so.0":
            assert f"=> {pkg}/" in needed.pop("libavala.so.0").replace("_bin/../", ""), ldd
        # Everything else comes from Debian packages every user of this
        # platform has or the README names (libssl3, libsimdjson14).
        extra = set(needed) - WHEEL_SYSTEM_LIBRARIES
        assert not extra, (
            f"{binary.name} needs {sorted(extra)}, which a user of the wheel may not have: use it header-only or "
            "statically, or name its Debian package in the README's Python install and add it to WHEEL_SYSTEM_LIBRARIES"
        )

    # The console script: the native CLI, with the key and URL from the environment.
    avala_cmd = str(venv / "bin" / "avala")
    cli_env = dict(env, AVALA_API_KEY=KEY, AVALA_BASE_URL=emulator.base_url, AVALA_ALLOW_INSECURE_BASE_URL="1")
    helped = subprocess.run([avala_cmd, "--help"], cwd=tmp_path, env=cli_env, capture_output=True, text=True, timeout=60)
    assert helped.returncode == 0, helped.stderr
    assert "projects" in helped.stdout and "avala" in helped.stdout, helped.stdout
    listed = subprocess.run([avala_cmd, "projects", "list"], cwd=tmp_path, env=cli_env,
                            capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr
    columns, *rows = listed.stdout.splitlines()
    assert columns.split()[:3] == ["UID", "NAME", "STATUS"], listed.stdout
    assert rows and "Project 000001" in rows[0], listed.stdout
    assert all(" Project " in row for row in rows), listed.stdout
    every = subprocess.run([avala_cmd, "-o", "json", "projects", "list", "--all", "--limit", "100"],
                           cwd=tmp_path, env=cli_env, capture_output=True, text=True, timeout=60)
    assert every.returncode == 0, every.stderr
    assert len(json.loads(every.stdout)) == 250
    # Its exit codes are the CLI's own (4: not found).
    missing = subprocess.run([avala_cmd, "projects", "get", "no-such-project"], cwd=tmp_path, env=cli_env,
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 4, (missing.returncode, missing.stderr)

    # Python ignores SIGPIPE; the script restores it before exec, so the CLI starts as it does from a shell.
    sigign = subprocess.run(
        [str(venv / "bin" / "python"), "-c",
         "import sys, pathlib, avala._cli as c\n"
         "c.EXECUTABLE = pathlib.Path('/bin/grep')\n"
         "sys.argv = ['avala', '^SigIgn:', '/proc/self/status']\n"
         "c.main()\n"],
        cwd=tmp_path, env=run_env, capture_output=True, text=True, timeout=60,
    )
    assert sigign.returncode == 0, sigign.stderr
    ignored = int(sigign.stdout.split()[1], 16)
    assert not ignored & (1 << (13 - 1)), sigign.stdout  # SIGPIPE
    assert sys.executable  # the test itself may run under any Python
