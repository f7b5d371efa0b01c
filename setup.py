"""Builds the `avala` Python package with CMake (see pyproject.toml).

`pip install --no-build-isolation .` runs CMake on this repository with only
the library, the Python extension and the `avala` CLI enabled, then copies the
extension, libavala.so.0 and the CLI (as avala/_bin/avala, for the `avala`
console script) into the package (the extension's rpath is $ORIGIN, the CLI's
$ORIGIN/..), so the installed package needs nothing else from this repository.

Environment knobs: AVALA_BUILD_JOBS (default 2), AVALA_CMAKE_BUILD_DIR (default
<build_temp>/cmake), AVALA_CMAKE_BUILD_TYPE (default Release).
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
PY_SRC = "bindings/python"
# setuptools' build tree goes under build/ (ignored), beside the CMake presets'.
BUILD_BASE = "build/py-pip"


def avala_version() -> str:
    """The version is written down once: AVALA_VERSION_STRING in avala.h."""
    header = (ROOT / "capi" / "include" / "avala.h").read_text(encoding="utf-8")
    m = re.search(r'^#define AVALA_VERSION_STRING "([0-9]+\.[0-9]+\.[0-9]+)"$', header, re.MULTILINE)
    if m is None:
        raise RuntimeError("AVALA_VERSION_STRING not found in capi/include/avala.h")
    return m.group(1)


class CMakeBuild(build_ext):
    """Builds avala._avala (and libavala) with the repository's CMake."""

    def build_extension(self, ext: Extension) -> None:
        build_dir = Path(os.environ.get("AVALA_CMAKE_BUILD_DIR") or Path(self.build_temp) / "cmake").resolve()
        build_type = os.environ.get("AVALA_CMAKE_BUILD_TYPE", "Release")
        jobs = os.environ.get("AVALA_BUILD_JOBS", "2")

        configure = [
            "cmake",
            "-S", str(ROOT),
            "-B", str(build_dir),
            f"-DCMAKE_BUILD_TYPE={build_type}",
            "-DAVALA_BUILD_PYTHON=ON",
            "-DAVALA_BUILD_TESTS=OFF",
            "-DAVALA_BUILD_CLI=ON",  # the console script runs it (avala/_cli.py)
            "-DAVALA_BUILD_EMULATOR=OFF",
            "-DAVALA_BUILD_BENCH=OFF",
            "-DAVALA_WERROR=OFF",  # a user's install never fails on a new compiler's warning
            f"-DPython_EXECUTABLE={sys.executable}",
        ]
        if not (build_dir / "CMakeCache.txt").exists() and shutil.which("ninja"):
            configure += ["-G", "Ninja"]
        ccache = shutil.which("ccache")
        if ccache:
            configure += [f"-DCMAKE_C_COMPILER_LAUNCHER={ccache}", f"-DCMAKE_CXX_COMPILER_LAUNCHER={ccache}"]
        # Paths relative to the checkout let ccache reuse objects built from
        # another clone of the repository.
        env = dict(os.environ)
        env.setdefault("CCACHE_BASEDIR", str(ROOT))
        subprocess.check_call(configure, env=env)
        subprocess.check_call(["cmake", "--build", str(build_dir), "--target", "avala_python", "-j", jobs], env=env)

        # CMake staged the extension and libavala.so.0 side by side, the CLI in _bin/.
        stage = build_dir / "python" / "avala"
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        built = stage / target.name
        if not built.exists():
            raise RuntimeError(f"CMake did not produce {built}")
        shutil.copyfile(built, target)
        shutil.copyfile(stage / "libavala.so.0", target.parent / "libavala.so.0")
        (target.parent / "_bin").mkdir(exist_ok=True)
        shutil.copy(stage / "_bin" / "avala", target.parent / "_bin" / "avala")  # keeps the x bit


setup(
    version=avala_version(),
    package_dir={"": PY_SRC},
    packages=["avala", "avala.types", "avala.resources"],
    package_data={"avala": ["py.typed", "*.pyi"]},
    ext_modules=[Extension("avala._avala", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
    options={"build": {"build_base": BUILD_BASE}},
)
