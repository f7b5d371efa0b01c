"""Compiles the README's C and C++ examples against the build and runs the C one
against the fixture emulator, so the front door cannot drift from the API.
usage: check_examples.py README INCLUDE_DIR LIB_DIR [EXTRA_FLAGS]
(EXTRA_FLAGS: the build's own, e.g. -fsanitize=... under the asan preset)"""
import os
import re
import subprocess
import sys
import tempfile

readme, include, lib = sys.argv[1:4]
extra = sys.argv[4].split() if len(sys.argv) > 4 else []
blocks = [(lang, code) for lang, code in re.findall(r"```(c|cpp)\n(.*?)```", open(readme).read(), re.S)
          if "#include <avala" in code]
assert {lang for lang, _ in blocks} == {"c", "cpp"}, "README lost its C or C++ example"
with tempfile.TemporaryDirectory() as tmp:
    for lang, code in blocks:
        src = os.path.join(tmp, "example." + lang)
        exe = os.path.join(tmp, "example_" + lang)
        open(src, "w").write(code)
        cc = ["cc", "-std=c11", "-pedantic"] if lang == "c" else ["c++", "-std=c++20"]
        subprocess.run(cc + extra + ["-Wall", "-Wextra", "-Werror", "-I", include, src, "-L", lib, "-lavala",
                             "-Wl,-rpath," + lib, "-o", exe], check=True)
    out = subprocess.run([os.path.join(tmp, "example_c")], check=True, capture_output=True, text=True).stdout
    lines = out.splitlines()
    assert len(lines) == 1000, f"the C example listed {len(lines)} projects, expected 1000"
    assert len({line.split()[0] for line in lines}) == 1000, "the C example repeated a project"
print("1 passed, 0 failed")
