"""Python asyncio fan-out: 64 gets in flight from one thread through
AsyncClient (an asyncio.gather of 64 workers, each awaiting one get after
another), against an emulator that delays every project get by 20 ms. Ideal:
64 / 20 ms = 3200 gets/s; the ratio says how close the binding gets (no
executor: every call runs on the async C ABI). The Python twin of
avala-bench-fanout (bench/fanout.c), with the same arguments:

    python3 fanout_py.py [--url URL --key KEY --uid UID] [--inflight 64] [--n 2000] [--delay-ms 20]

With --url the emulator is the caller's, its delay fault already installed
(bench/run.py does both). Without, it starts one itself (build/bench, else
build/default, or --emulator PATH) on 127.0.0.1, an ephemeral port, and
installs the fault. `import avala` as PYTHONPATH has it (run.py sets it),
else from build/default/python. Prints one JSON line:
{"row": "python asyncio fan-out", "gets_per_s": X, "ideal": 3200, "ratio": X/3200, ...}
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
import urllib.parse
import urllib.request
from pathlib import Path
from typing import List, Optional, Tuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


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


async def measure(url: str, key: str, uid: Optional[str], inflight: int, n: int) -> Tuple[float, int]:
    """(gets per second, errors) over n gets, inflight of them at a time."""
    import avala

    async with avala.AsyncClient(key, base_url=url) as client:
        if uid is None:
            uid = (await client.projects.list(limit=1)).items[0].uid
        for _ in range(4):  # warm: connections open, the engine's runner started, the server warmed up
            await asyncio.gather(*(client.projects.get(uid) for _ in range(inflight)))
        started = errors = 0

        async def worker() -> None:
            nonlocal started, errors
            while started < n:
                started += 1
                try:
                    if (await client.projects.get(uid)).uid != uid:
                        errors += 1
                except avala.errors.AvalaError:
                    errors += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(inflight)))
        return n / (time.perf_counter() - t0), errors


def main(argv: Optional[List[str]] = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--url")
    ap.add_argument("--key", default="bench-key")
    ap.add_argument("--uid")
    ap.add_argument("--inflight", type=int, default=64)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--delay-ms", type=int, default=20, help="the emulator's delay (for the ideal rate)")
    ap.add_argument("--emulator", type=Path)
    args = ap.parse_args(argv)
    if args.inflight <= 0 or args.n < args.inflight:
        raise SystemExit("need --inflight > 0 and --n >= --inflight")
    os.environ["AVALA_ALLOW_INSECURE_BASE_URL"] = "1"

    proc = None
    url = args.url
    if url is None:
        binary = args.emulator or find_emulator()
        proc = subprocess.Popen(
            [str(binary), "--host", "127.0.0.1", "--port", "0", "--api-key", args.key, "--generate", "projects=100"],
            stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            proc.kill()
            raise SystemExit(f"avala-emulator did not start (got {url!r})")
        threading.Thread(target=proc.stdout.read, daemon=True).start()
        parts = urllib.parse.urlsplit(url)
        control(f"{parts.scheme}://{parts.netloc}", "POST", "/__emulator/faults",
                {"method": "GET", "path": parts.path + "/users/me/projects/*", "count": 0, "fault": "delay",
                 "ms": args.delay_ms})
    try:
        gets_per_s, errors = asyncio.run(measure(url, args.key, args.uid, args.inflight, args.n))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
    ideal = args.inflight * 1000 / args.delay_ms
    print(json.dumps({"row": "python asyncio fan-out", "gets_per_s": round(gets_per_s, 1), "ideal": round(ideal),
                      "ratio": round(gets_per_s / ideal, 3), "gets": args.n, "inflight": args.inflight,
                      "errors": errors}))
    if errors:
        raise SystemExit(1)


if __name__ == "__main__":
    try:
        import avala  # noqa: F401
    except ImportError:
        sys.path.insert(0, str(ROOT / "build" / "default" / "python"))
    main()
