"""Python asyncio fan-out: 64 gets in flight from one thread through
AsyncClient (rounds of asyncio.gather), against an emulator that delays every
project get by 20 ms. Ideal: 64 / 20 ms = 3200 gets/s; the ratio says how
close the binding gets (no executor: every call runs on the async C ABI).

    python3 fanout_py.py [--emulator PATH | --url URL --key KEY] [--rounds N]

Without --url it starts an emulator itself (--emulator, default
build/bench, else build/default) on 127.0.0.1 (ephemeral port); with --url
the emulator is the caller's (it needs 64 projects), and its fault rules are
cleared at the end. `import avala` as PYTHONPATH has it (run.py sets it),
else from build/default/python. Prints one JSON line:
{"row": "python asyncio fan-out", "gets_per_s": X, "ideal": 3200, "ratio": X/3200}
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import List, Optional

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
IN_FLIGHT = 64
DELAY_MS = 20
IDEAL = IN_FLIGHT * 1000 // DELAY_MS  # 3200 gets/s


def control(origin: str, method: str, path: str, body: Optional[dict] = None) -> object:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(origin + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read() or b"null")


def find_emulator() -> Path:
    for build in ("bench", "default"):
        candidate = ROOT / "build" / build / "emulator" / "avala-emulator"
        if candidate.is_file():
            return candidate
    raise SystemExit("avala-emulator is not built; pass --emulator PATH or --url URL")


async def measure(url: str, key: str, rounds: int) -> float:
    import avala

    async with avala.AsyncClient(key, base_url=url) as client:
        uids = [p.uid for p in (await client.projects.list(limit=IN_FLIGHT)).items]
        if len(uids) < IN_FLIGHT:
            raise SystemExit(f"the emulator has only {len(uids)} projects; {IN_FLIGHT} are needed")
        for _ in range(3):  # warm: connections open, the engine's thread running
            await asyncio.gather(*(client.projects.get(u) for u in uids))
        t0 = time.perf_counter()
        for _ in range(rounds):
            got = await asyncio.gather(*(client.projects.get(u) for u in uids))
            if got[-1].uid != uids[-1]:
                raise SystemExit("a get answered another project")
        return IN_FLIGHT * rounds / (time.perf_counter() - t0)


def main(argv: Optional[List[str]] = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--emulator", type=Path)
    ap.add_argument("--url")
    ap.add_argument("--key", default="bench-key")
    ap.add_argument("--rounds", type=int, default=100)
    args = ap.parse_args(argv)
    os.environ["AVALA_ALLOW_INSECURE_BASE_URL"] = "1"

    proc = None
    url = args.url
    if url is None:
        binary = args.emulator or find_emulator()
        proc = subprocess.Popen(
            [str(binary), "--host", "127.0.0.1", "--port", "0", "--api-key", args.key, "--generate",
             f"projects={IN_FLIGHT * 2}"],
            stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            proc.kill()
            raise SystemExit(f"avala-emulator did not start (got {url!r})")
        threading.Thread(target=proc.stdout.read, daemon=True).start()
    origin = url.split("/api/", 1)[0]
    path = "/" + url.split("/", 3)[3].rstrip("/") + "/users/me/projects/*"
    control(origin, "POST", "/__emulator/faults", {"method": "GET", "path": path, "fault": "delay", "ms": DELAY_MS})
    try:
        gets_per_s = asyncio.run(measure(url, args.key, args.rounds))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
        else:
            control(origin, "DELETE", "/__emulator/faults")
    print(json.dumps({"row": "python asyncio fan-out", "gets_per_s": round(gets_per_s, 1), "ideal": IDEAL,
                      "ratio": round(gets_per_s / IDEAL, 3)}))


if __name__ == "__main__":
    try:
        import avala  # noqa: F401
    except ImportError:
        sys.path.insert(0, str(ROOT / "build" / "default" / "python"))
    main()
