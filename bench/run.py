#!/usr/bin/python3
"""Runs the benchmarks side by side and prints their ratios (DESIGN.md,
"Tests and measurements"). scripts/bench.sh builds the `bench` preset and
calls this; by hand:

    /usr/bin/python3 bench/run.py [--build build/bench] [--rounds 9] [--only pagination,latency,...]

Every contender runs in a process of its own and only measures (the native
pagination contenders share one, taking turns walk by walk); this file
starts the emulators (127.0.0.1, ephemeral ports), alternates the contenders
(ABC.. then ..CBA, round after round), checks they did the same work, and
turns the figures into ratios: the median over rounds of each round's ratio,
so a busy machine slows both sides of a ratio alike. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Sequence

HERE = Path(__file__).resolve().parent
KEY = "bench-key"
PROJECTS = 100_000
TASKS = 1_000_000
LIMIT = 100
PASSES = 5  # walks per Python pagination run; their median counts
NATIVE_PASSES = 10  # walks per native contender, taking turns in one process; their median counts
STAGES = ("pagination", "latency", "capacity", "memory", "cold", "fanout", "bandwidth")
BANDWIDTH_RATE = "20mbit"
FANOUT_INFLIGHT, FANOUT_DELAY_MS, FANOUT_GETS = 64, 20, 2000
BEGIN, END = "<!-- BEGIN GENERATED: bench/run.py rewrites this block -->", "<!-- END GENERATED -->"


# ---- the one stats helper -----------------------------------------------------


def percentile(xs: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), interpolating between closest ranks."""
    s = sorted(xs)
    if not s:
        raise ValueError("no samples")
    pos = (len(s) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def median(xs: Sequence[float]) -> float:
    return percentile(xs, 50)


# ---- the one emulator helper --------------------------------------------------


@dataclass
class Emulator:
    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """User + system CPU time the emulator has used so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def emulator(binary: Path, generate: str) -> Iterator[Emulator]:
    """Starts avala-emulator on 127.0.0.1 (an ephemeral port) and stops it with
    SIGTERM on the way out, whatever happens in between."""
    proc = subprocess.Popen(
        [str(binary), "--host", "127.0.0.1", "--port", "0", "--api-key", KEY, "--generate", generate,
         "--no-compress"],  # loopback: compressing costs the emulator more than it saves; every contender gets identity
        stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"avala-emulator --generate {generate} did not start (got {url!r})")
        threading.Thread(target=proc.stdout.read, daemon=True).start()  # never let its pipe fill
        yield Emulator(url, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---- running contenders ----------------------------------------------------------


@dataclass
class Env:
    build: Path
    rounds: int
    env: Dict[str, str] = field(default_factory=dict)

    def bin(self, name: str) -> Path:
        for sub in ("bench", "emulator"):
            path = self.build / sub / name
            if path.exists():
                return path
        raise SystemExit(f"{name} is not built in {self.build}; run scripts/bench.sh")


def run_json(cmd: Sequence[object], env: Dict[str, str]) -> dict:
    """Runs one measurement and returns the JSON line it printed last."""
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env, timeout=900)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd[:3]))} failed ({proc.returncode}): {proc.stderr.strip()}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def interleaved(rounds: int, contenders: Dict[str, Callable[[], dict]]) -> Dict[str, List[dict]]:
    """Runs every contender once per round, alternating the order (ABC, CBA,
    ABC, ...) so neither side always runs first or right after the other."""
    results: Dict[str, List[dict]] = {name: [] for name in contenders}
    names = list(contenders)
    for r in range(rounds):
        for name in names if r % 2 == 0 else reversed(names):
            results[name].append(contenders[name]())
    return results


def round_ratios(num: List[float], den: List[float]) -> List[float]:
    return [a / b for a, b in zip(num, den)]


# ---- the report ------------------------------------------------------------------


@dataclass
class Row:
    name: str
    measured: str
    ratio: Optional[float]
    target: str = ""
    ok: Optional[bool] = None  # None: informative, no target
    spread: str = ""

    def cells(self) -> List[str]:
        ratio = "" if self.ratio is None else f"{self.ratio:.2f}"
        if self.spread:
            ratio += f" ({self.spread})"
        verdict = "" if self.ok is None else ("PASS" if self.ok else "MISS")
        return [self.name, self.measured, ratio, self.target or "info", verdict]


def spread(xs: Sequence[float]) -> str:
    return f"{min(xs):.2f}–{max(xs):.2f}"


def ratio_row(name: str, ratios: List[float], measured: str, target: str,
              check: Optional[Callable[[float], bool]]) -> Row:
    m = median(ratios)
    return Row(name, measured, m, target, None if check is None else check(m),
               spread(ratios) if len(ratios) > 1 else "")


def fmt_rate(x: float) -> str:
    return f"{x:,.0f}"


# ---- the stages ------------------------------------------------------------------


@dataclass
class Report:
    rows: List[Row] = field(default_factory=list)
    details: List[str] = field(default_factory=list)
    sdk_requests_per_s: Optional[float] = None


def stage_pagination(e: Env, emu: Emulator, rep: Report) -> None:
    bench = e.bin("avala-bench")
    expect_pages = math.ceil(PROJECTS / LIMIT)

    def natives() -> dict:
        # raw, core and capi take turns walk by walk in one process.
        return run_json([bench, "paginate", "raw,core,capi", "--url", emu.url, "--key", KEY, "--limit", LIMIT,
                         "--passes", NATIVE_PASSES, "--server-pid", emu.pid], e.env)

    def python(contender: str) -> Callable[[], dict]:
        def run() -> dict:
            out = timed_on_emulator(emu, lambda: run_json(
                [sys.executable, HERE / "py_paginate.py", contender, emu.url, KEY, LIMIT, PASSES], e.env))
            out["server_cpu"] = out.pop("emulator_cpu")  # the whole run's: approximate
            return out
        return run

    by_turn = interleaved(e.rounds, {"native": natives, "py-avala": python("avala"), "py-plain": python("plain")})
    res: Dict[str, List[dict]] = {name: [r[name] for r in by_turn["native"]] for name in ("raw", "core", "capi")}
    res["py-avala"], res["py-plain"] = by_turn["py-avala"], by_turn["py-plain"]

    # Same work on every side: all the pages, all the items, the same text.
    for r in res["raw"]:
        if r["pages"] != expect_pages:
            raise RuntimeError(f"the raw loop fetched {r['pages']} pages, not {expect_pages}")
    chars = {r["chars"] for name in res if name != "raw" for r in res[name]}
    for name in res:
        if name != "raw" and any(r["items"] != PROJECTS for r in res[name]):
            raise RuntimeError(f"{name} did not see all {PROJECTS} projects")
    if len(chars) != 1:
        raise RuntimeError(f"the contenders read different uid/name text: {chars}")

    # A run's figure is its median walk: steady, where the fastest walk
    # favoured the contender with the most spread (the raw loop).
    rate = {name: [PROJECTS / median(r["seconds"]) for r in runs] for name, runs in res.items()}
    med = {name: median(v) for name, v in rate.items()}

    def measured(a: str, b: str) -> str:
        return f"{a} {fmt_rate(med[a])} vs {b} {fmt_rate(med[b])} items/s"

    rep.rows += [
        ratio_row("1. Pagination: C++ core iterator / raw Beast loop", round_ratios(rate["core"], rate["raw"]),
                  measured("core", "raw"), "≥ 0.85", lambda x: x >= 0.85),
        ratio_row("2a. Pagination: C ABI iterator / C++ core", round_ratios(rate["capi"], rate["core"]),
                  measured("capi", "core"), "≥ 0.95", lambda x: x >= 0.95),
        ratio_row("2b. Pagination: Python `projects.iter()` / C ABI", round_ratios(rate["py-avala"], rate["capi"]),
                  measured("py-avala", "capi"), "≥ 0.5", lambda x: x >= 0.5),
        ratio_row("2c. Pagination: Python `projects.iter()` / plain Python (http.client+json+dataclasses)",
                  round_ratios(rate["py-avala"], rate["py-plain"]), measured("py-avala", "py-plain"), "≥ 5",
                  lambda x: x >= 5),
    ]
    rep.sdk_requests_per_s = median([expect_pages / median(r["seconds"]) for r in res["core"]])
    busy = {name: median([r["server_cpu"] / sum(r["seconds"]) for r in runs]) for name, runs in res.items()}
    rep.details.append(
        f"Pagination ({PROJECTS:,} projects, limit={LIMIT}: {expect_pages:,} requests per walk; {e.rounds} rounds). "
        f"In each round raw, core and capi run in one process, taking turns walk by walk (ABC, CBA, ...) for "
        f"{NATIVE_PASSES} walks each; py-avala and py-plain each run in a process of their own that walks "
        f"{PASSES} times. A run's figure is its median walk. "
        "Items/s per contender, median [min–max] over rounds: "
        + "; ".join(f"{n} {fmt_rate(med[n])} [{fmt_rate(min(v))}–{fmt_rate(max(v))}]" for n, v in rate.items())
        + ". Emulator CPU time / walk time during each contender's walks (1.0 = one core busy, near 1.0 would "
        "mean the emulator is the bottleneck; the Python figures are approximate, the whole run's emulator CPU): "
        + "; ".join(f"{n} {b:.2f}" for n, b in busy.items()) + ".")

    # Where the core's time per page goes (a diagnostic; see native.cpp `breakdown`).
    parts = [run_json([bench, "breakdown", "--url", emu.url, "--key", KEY, "--limit", LIMIT], e.env)
             for _ in range(3)]
    us = {k: median([p[k] for p in parts]) for k in ("raw_fetch_us", "core_send_us", "core_decode_us")}
    rep.details.append(
        f"Per page of {LIMIT} projects (median of 3 runs): raw Beast fetch {us['raw_fetch_us']:.0f} µs; the core's "
        f"`Client::send` of the same page {us['core_send_us']:.0f} µs; `decode_page` + `make_page<Project>` "
        f"(+ freeing the page) {us['core_decode_us']:.0f} µs.")


def timed_on_emulator(emu: Emulator, run: Callable[[], dict]) -> dict:
    """Runs a measurement and adds the emulator's CPU seconds it caused."""
    before = emu.cpu_seconds()
    out = run()
    out["emulator_cpu"] = emu.cpu_seconds() - before
    return out


def first_uid(emu: Emulator) -> str:
    req = urllib.request.Request(f"{emu.url}/users/me/projects/?limit=1", headers={"X-Avala-Api-Key": KEY})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.load(resp)["results"][0]["uid"]


def stage_latency(e: Env, emu: Emulator, rep: Report, n: int = 2000, warmup: int = 200) -> None:
    bench, uid = e.bin("avala-bench"), first_uid(emu)

    # One process per round; inside it the three alternate in blocks of 50 gets.
    runs = [run_json([bench, "get", "raw,core,capi", "--url", emu.url, "--key", KEY, "--uid", uid,
                      "--n", n, "--warmup", warmup], e.env)["samples_us"] for _ in range(e.rounds)]
    p = {name: {q: [percentile(r[name], q) for r in runs] for q in (50, 99)} for name in ("raw", "core", "capi")}

    def measured(a: str, b: str, q: int) -> str:
        return f"{a} {median(p[a][q]):.1f} µs vs {b} {median(p[b][q]):.1f} µs"

    rep.rows += [
        ratio_row("3. `get` p50, warm connection: C++ core / raw Beast", round_ratios(p["core"][50], p["raw"][50]),
                  measured("core", "raw", 50), "≤ 1.2", lambda x: x <= 1.2),
        ratio_row("3. `get` p50, warm connection: C ABI / raw Beast", round_ratios(p["capi"][50], p["raw"][50]),
                  measured("capi", "raw", 50), "≤ 1.2", lambda x: x <= 1.2),
        ratio_row("3. `get` p99, warm connection: C++ core / raw Beast", round_ratios(p["core"][99], p["raw"][99]),
                  measured("core", "raw", 99), "", None),
        ratio_row("3. `get` p99, warm connection: C ABI / raw Beast", round_ratios(p["capi"][99], p["raw"][99]),
                  measured("capi", "raw", 99), "", None),
    ]
    rep.details.append(f"Latency: per round one process with the three contenders side by side, each "
                       f"{warmup} warm-up gets then {n:,} timed gets of one project, alternating in blocks of 50 "
                       f"(ABC, CBA, ...); p50/p99 per round, then the median over {e.rounds} rounds.")


def run_wrk(emu: Emulator, limit: int, seconds: int = 5) -> float:
    url = f"{emu.url}/users/me/projects/?limit={limit}"
    out = subprocess.run(["wrk", "-t2", "-c32", f"-d{seconds}s", "-H", f"X-Avala-Api-Key: {KEY}", url],
                         capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"wrk saw errors:\n{out}")
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not m:
        raise RuntimeError(f"cannot read wrk's output:\n{out}")
    return float(m.group(1))


def stage_capacity(e: Env, emu: Emulator, rep: Report) -> None:
    if subprocess.run(["sh", "-c", "command -v wrk"], capture_output=True).returncode != 0:
        rep.details.append("Emulator capacity: skipped, wrk is not installed.")
        return
    small, full = run_wrk(emu, 10), run_wrk(emu, LIMIT)
    sdk = rep.sdk_requests_per_s
    if sdk is None:
        rep.rows.append(Row("5. Emulator capacity (wrk -t2 -c32 -d5s, limit=10)", f"{fmt_rate(small)} req/s", None))
        return
    rep.rows += [
        Row("5. Emulator capacity (wrk -t2 -c32 -d5s, limit=10) / SDK request rate (core, limit=100)",
            f"{fmt_rate(small)} req/s vs {fmt_rate(sdk)} req/s", small / sdk, "≥ 1", small / sdk >= 1),
        Row("5. Emulator capacity at limit=100 (wrk, same flags) / SDK request rate",
            f"{fmt_rate(full)} req/s vs {fmt_rate(sdk)} req/s", full / sdk, "", None),
    ]


def fanout_contenders(e: Env, emu: Emulator, uid: str) -> Dict[str, Callable[[], dict]]:
    """Each contender keeps FANOUT_INFLIGHT gets in flight from one thread and
    prints {"gets_per_s": ...}; the bindings' scripts join when present."""
    args = ["--url", emu.url, "--key", KEY, "--uid", uid, "--inflight", FANOUT_INFLIGHT, "--n", FANOUT_GETS]
    found: Dict[str, Callable[[], dict]] = {
        "C ABI": lambda: run_json([e.bin("avala-bench-fanout"), *args], e.env)}
    if (HERE / "fanout_py.py").exists():
        found["Python asyncio"] = lambda: run_json([sys.executable, HERE / "fanout_py.py", *args], e.env)
    node_script = HERE / "fanout_node.js"
    if node_script.exists() and shutil.which("node"):
        found["Node"] = lambda: run_json(["node", node_script, *args], e.env)
    return found


def stage_fanout(e: Env, rep: Report) -> None:
    with emulator(e.bin("avala-emulator"), "projects=100") as emu:
        uid = first_uid(emu)
        rule = json.dumps({"method": "GET", "path": urllib.parse.urlsplit(emu.url).path + "/users/me/projects/*",
                           "count": 0, "fault": "delay", "ms": FANOUT_DELAY_MS}).encode()  # count 0: every get
        origin = emu.url[: emu.url.index("/", len("http://"))]
        req = urllib.request.Request(f"{origin}/__emulator/faults", data=rule, method="POST",
                                     headers={"Content-Type": "application/json"})
        urllib.request.urlopen(req, timeout=30).close()
        ideal = FANOUT_INFLIGHT / (FANOUT_DELAY_MS / 1000)
        results = interleaved(e.rounds, fanout_contenders(e, emu, uid))
    for name, runs in results.items():
        rates = [r["gets_per_s"] for r in runs]
        rep.rows.append(ratio_row(
            f"6. Fan-out, {FANOUT_INFLIGHT} gets in flight from one thread ({name}), server delay "
            f"{FANOUT_DELAY_MS} ms: gets/s / ideal", [x / ideal for x in rates],
            f"{fmt_rate(median(rates))} gets/s vs ideal {fmt_rate(ideal)}", "≥ 0.8", lambda x: x >= 0.8))
    rep.details.append(f"Fan-out: an emulator whose project gets are delayed {FANOUT_DELAY_MS} ms (its `delay` "
                       f"fault); each contender keeps {FANOUT_INFLIGHT} gets in flight from one thread, "
                       f"{FANOUT_GETS:,} in all, per round; ideal = in flight / delay = {fmt_rate(ideal)} gets/s.")


def stage_bandwidth(e: Env, rep: Report) -> None:
    """The whole walk through a bandwidth-limited loopback (a network namespace
    whose lo has a tbf qdisc), the client asking for gzip or not, against an
    emulator that compresses when asked."""
    if os.geteuid() != 0 or not shutil.which("ip") or not shutil.which("tc"):
        rep.details.append("Bandwidth: skipped — it needs root with `ip` and `tc` (a network namespace).")
        return
    ns = f"avala-bench-{os.getpid()}"
    made = subprocess.run(["ip", "netns", "add", ns], capture_output=True, text=True)
    if made.returncode != 0:
        rep.details.append(f"Bandwidth: skipped — cannot make a network namespace: {made.stderr.strip()}")
        return
    proc: Optional[subprocess.Popen] = None
    try:
        def inside(*cmd: object) -> List[str]:
            return ["ip", "netns", "exec", ns, *map(str, cmd)]
        # An Ethernet MTU: tbf never sends a packet larger than its burst
        # (4 KB here), and loopback's 64 KiB segments would wait forever.
        shaped = subprocess.run(inside("sh", "-c", "ip link set lo mtu 1500 && ip link set lo up && tc qdisc add dev lo "
                                       f"root tbf rate {BANDWIDTH_RATE} burst 32kbit latency 400ms"),
                                capture_output=True, text=True)
        if shaped.returncode != 0:
            rep.details.append(f"Bandwidth: skipped — cannot shape the namespace's loopback: {shaped.stderr.strip()}")
            return
        proc = subprocess.Popen(inside(e.bin("avala-emulator"), "--host", "127.0.0.1", "--port", "0", "--api-key", KEY,
                                       "--generate", f"projects={PROJECTS}"), stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        threading.Thread(target=proc.stdout.read, daemon=True).start()
        bench = e.bin("avala-bench-bandwidth")

        def walk(*extra: str) -> Callable[[], dict]:
            return lambda: run_json(inside(bench, "--url", url, "--key", KEY, "--limit", LIMIT, *extra), e.env)

        rounds = max(1, min(e.rounds, 3))  # an identity walk takes ~15 s
        results = interleaved(rounds, {"gzip": walk(), "identity": walk("--identity")})
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
    rates = {k: [r["items_per_s"] for r in v] for k, v in results.items()}
    rep.rows.append(ratio_row(
        f"7. Walk of {PROJECTS:,} projects through a {BANDWIDTH_RATE} link (tc tbf): gzip / identity",
        round_ratios(rates["gzip"], rates["identity"]),
        f"gzip {fmt_rate(median(rates['gzip']))} vs identity {fmt_rate(median(rates['identity']))} items/s",
        "≥ 3", lambda x: x >= 3))
    rep.details.append(f"Bandwidth: a network namespace whose loopback (MTU 1500) is limited to {BANDWIDTH_RATE} (tbf, "
                       f"burst 32kbit, latency 400ms); the emulator inside it compresses when asked; the C ABI walks all "
                       f"{PROJECTS:,} projects in pages of {LIMIT}, asking for gzip or not, {rounds} round(s).")


def stage_memory(e: Env, rep: Report) -> None:
    with emulator(e.bin("avala-emulator"), f"projects=1000,tasks={TASKS}") as emu:
        r = run_json([e.bin("avala-bench-rss"), emu.url, KEY, LIMIT], e.env)
    if r["items"] != TASKS:
        raise RuntimeError(f"the task iterator saw {r['items']} tasks, not {TASKS}")
    ratio = r["hwm_kib"] / r["rss_first_kib"]
    rep.rows.append(Row(
        "4. Memory: peak RSS (VmHWM) over 1,000,000 tasks / RSS after the first page (C ABI, limit=100)",
        f"{r['hwm_kib'] / 1024:.1f} MiB peak vs {r['rss_first_kib'] / 1024:.1f} MiB", ratio, "≤ 2", ratio <= 2))
    rep.details.append(f"Memory: {TASKS:,} tasks in {r['seconds']:.1f} s through avala_task_list/avala_iter_next; "
                       f"RSS at the end {r['rss_end_kib'] / 1024:.1f} MiB.")


def stage_cold(e: Env, emu: Emulator, rep: Report, runs: int = 21) -> None:
    uid = first_uid(emu)
    res = interleaved(runs, {
        "cold": lambda: run_json([e.bin("avala-bench-cold"), emu.url, KEY, uid], e.env),
        "raw": lambda: run_json([e.bin("avala-bench"), "connect-get", "--url", emu.url, "--key", KEY,
                                 "--uid", uid], e.env),
    })
    ms = {k: median([r[k] for r in res["cold"]]) * 1e3 for k in ("dlopen", "client_new", "first_get", "seconds")}
    raw = median([r["seconds"] for r in res["raw"]]) * 1e3
    rep.rows.append(Row(
        "6. Cold start: dlopen(libavala.so.0) + avala_client_new + first get / raw Beast connect + get",
        f"{ms['seconds']:.2f} ms (dlopen {ms['dlopen']:.2f} + client {ms['client_new']:.2f} + "
        f"get {ms['first_get']:.2f}) vs {raw:.2f} ms",
        median(round_ratios([r["seconds"] for r in res["cold"]], [r["seconds"] for r in res["raw"]])), "", None))
    rep.details.append(f"Cold start: medians of {runs} fresh processes each, alternated with the raw reference; "
                       "timed inside the process from before dlopen (the raw reference: from before connect).")


# ---- machine and output -------------------------------------------------------------


def machine(e: Env) -> List[str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    info = run_json([e.bin("avala-bench"), "info"], e.env)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"* CPU: {cpu}, {os.cpu_count()} cores",
        f"* RAM: {mem_kib / 1024 / 1024:.1f} GiB",
        f"* Kernel: {platform.system()} {platform.release()}",
        f"* Compiler: {info['compiler']} (Release preset `bench`: -O2 -DNDEBUG)",
        f"* Boost: {info['boost'].replace('_', '.')}",
        f"* Python: {platform.python_version()} ({sys.executable})",
        f"* Date: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"* Load average at the start: {load}",
    ]


def table(rows: List[Row]) -> List[str]:
    head = ["Benchmark", "Measured (medians)", "Ratio: median of rounds (min–max)", "Target", "Result"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r.cells()) + " |" for r in rows]
    return lines


def write_results(path: Path, block: List[str]) -> None:
    text = path.read_text() if path.exists() else f"# Benchmark results\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text = text.rstrip("\n") + f"\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    path.write_text(head + BEGIN + "\n" + "\n".join(block) + "\n" + END + tail)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", type=Path, default=HERE.parent / "build" / "bench")
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--only", default=",".join(STAGES), help="comma-separated: " + ",".join(STAGES))
    ap.add_argument("--results", type=Path, default=HERE / "RESULTS.md",
                    help="the file to update ('-' for none)")
    args = ap.parse_args()
    stages = set(args.only.split(","))
    if not stages <= set(STAGES):
        ap.error(f"unknown stage in --only: {', '.join(sorted(stages - set(STAGES)))}")

    env = {k: v for k, v in os.environ.items() if not k.startswith("AVALA_")}
    env.update(AVALA_ALLOW_INSECURE_BASE_URL="1", PYTHONPATH=f"{args.build / 'python'}{os.pathsep}{HERE}")
    e = Env(args.build.resolve(), args.rounds, env)
    host = machine(e)
    rep = Report()
    started = time.monotonic()

    with emulator(e.bin("avala-emulator"), f"projects={PROJECTS}") as emu:
        for stage, fn in (("pagination", stage_pagination), ("latency", stage_latency),
                          ("capacity", stage_capacity), ("cold", stage_cold)):
            if stage in stages:
                print(f"… {stage}", file=sys.stderr, flush=True)
                fn(e, emu, rep)
    if "memory" in stages:
        print("… memory", file=sys.stderr, flush=True)
        stage_memory(e, rep)
    if "fanout" in stages:
        print("… fanout", file=sys.stderr, flush=True)
        stage_fanout(e, rep)
    if "bandwidth" in stages:
        print("… bandwidth", file=sys.stderr, flush=True)
        stage_bandwidth(e, rep)

    rep.rows.sort(key=lambda r: r.name.split(".")[0])
    block = ["## Machine", "", *host, "", "## Ratios", "", *table(rep.rows), "",
             *(f"* {d}" for d in rep.details),
             f"* Run time {time.monotonic() - started:.0f} s; load average at the end: "
             + ", ".join(f"{x:.2f}" for x in os.getloadavg()) + "."]
    print("\n".join(block))
    if str(args.results) != "-":
        write_results(args.results, block)
        print(f"\nwrote {args.results}", file=sys.stderr)
    missed = [r.name for r in rep.rows if r.ok is False]
    if missed:
        print(f"{len(missed)} target(s) missed: see bench/RESULTS.md", file=sys.stderr)
    return 0


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through the emulator helpers


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminate)
    sys.exit(main())
