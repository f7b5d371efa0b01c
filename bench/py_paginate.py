"""The Python contenders of the pagination benchmark; one run, one JSON line.

    python3 py_paginate.py avala|plain URL KEY LIMIT PASSES

``avala``: ``client.projects.iter(limit=...)`` of the binding (``import avala``
from the build tree); ``plain``: the stdlib baseline in plain_client.py. Both
open and warm their connection with a one-item page before the clock starts,
then read ``uid`` and ``name`` of every project, PASSES times, and print the
time of every walk (run.py takes their median, as for avala-bench paginate)."""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    contender, url, key, limit_text, passes_text = sys.argv[1:]
    limit, passes = int(limit_text), int(passes_text)
    if contender == "avala":
        import avala

        client = avala.Client(api_key=key, base_url=url)
        client.projects.list(limit=1)
        iterate = lambda: client.projects.iter(limit=limit)  # noqa: E731
    elif contender == "plain":
        from plain_client import PlainClient

        plain = PlainClient(url, key)
        plain.list_projects(limit=1)
        iterate = lambda: plain.iter_projects(limit=limit)  # noqa: E731
    else:
        raise SystemExit(f"unknown contender {contender!r}")

    seconds = []
    seen = set()
    for _ in range(passes):
        items = chars = 0
        t0 = time.perf_counter()
        for project in iterate():
            items += 1
            chars += len(project.uid) + len(project.name)
        seconds.append(time.perf_counter() - t0)
        seen.add((items, chars))
    if len(seen) != 1:
        raise SystemExit("two passes saw different pages")
    print(json.dumps({"contender": f"py-{contender}", "items": items, "chars": chars, "seconds": seconds}))


if __name__ == "__main__":
    main()
