"""Issue 4/5 figures: a running `ponte serve` on loopback under 16 concurrent clients.

    .venv/bin/python bench/server.py [--seconds 20] [--clients 16]

Mix: chat, search and match in equal parts, for a bounded time. Baseline in the same run: the
same clients on GET /healthz (the server's own floor). Also prints the widget's size.
"""
from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [json.loads(l)["question"] for l in (ROOT / "eval" / "qa.jsonl").read_text().splitlines() if l.strip()]
NEEDS = [json.loads(l)["need"] for l in (ROOT / "eval" / "match.jsonl").read_text().splitlines() if '"need"' in l]


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))] if values else float("nan")


def drive(base: str, seconds: float, clients: int, make_request) -> tuple[list[tuple[str, float]], int, float]:
    results: list[tuple[str, float]] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(seed: int):
        nonlocal errors
        rnd = random.Random(seed)
        with httpx.Client(base_url=base, timeout=30) as client:
            while time.perf_counter() < deadline:
                kind, method, path, body = make_request(rnd)
                t0 = time.perf_counter()
                try:
                    r = client.request(method, path, json=body)
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    if ok:
                        results.append((kind, ms))
                    else:
                        errors += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors, time.perf_counter() - started


def mixed(rnd: random.Random):
    kind = rnd.choice(["chat", "search", "match"])
    if kind == "chat":
        return kind, "POST", "/v1/chat", {"message": rnd.choice(QUESTIONS)}
    if kind == "search":
        return kind, "POST", "/v1/search", {"query": rnd.choice(QUESTIONS + NEEDS), "k": 5}
    return kind, "POST", "/v1/partners/match", {"need": rnd.choice(NEEDS), "k": 5}


@contextlib.contextmanager
def serving(query_cache: int = 0, home: Path | None = None, extra_env: dict | None = None):
    """A `ponte serve` on a free loopback port (rate limit off), ready; over a fresh data home
    that is removed afterwards, or over `home`, which is kept."""
    own = home is None
    home = home or Path(tempfile.mkdtemp(prefix="ponte-bench-serve-"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PONTE_HOME": str(home), "PONTE_PROGRESS": "false", "PONTE_RATE_LIMIT_PER_MINUTE": "0",
           # The questions repeat in these mixes: by default measure the encoder on every request.
           "PONTE_QUERY_CACHE_SIZE": str(query_cache), **(extra_env or {})}
    proc = subprocess.Popen([sys.executable, "-m", "ponte.cli", "serve", "--port", str(port)], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(base + "/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        if own:
            shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--query-cache", type=int, default=0,
                    help="PONTE_QUERY_CACHE_SIZE for the server; 0 (default) encodes every request afresh")
    args = ap.parse_args()
    widget = (ROOT / "ponte" / "api" / "static" / "widget.js").read_bytes()
    print(f"widget.js: {len(widget) / 1024:.1f} KB as shipped (not minified), {len(gzip.compress(widget)) / 1024:.1f} KB "
          f"gzipped (goal <= 30 KB minified)")

    with serving(args.query_cache) as base:
        floor, floor_errors, floor_s = drive(base, 5, args.clients, lambda rnd: ("health", "GET", "/healthz", None))
        results, errors, took = drive(base, args.seconds, args.clients, mixed)
    all_ms = [ms for _, ms in results]
    print(f"baseline GET /healthz: {len(floor) / floor_s:.0f} req/s, p50 {pct([m for _, m in floor], 50):.1f} ms, "
          f"errors {floor_errors}")
    print(f"mixed load (query cache {args.query_cache or 'off'}), {args.clients} clients, {took:.0f} s: {len(results) / took:.1f} req/s "
          f"({len(results) / took / (len(floor) / floor_s):.3f}x of baseline), p50 {pct(all_ms, 50):.0f} ms, "
          f"p95 {pct(all_ms, 95):.0f} ms, p99 {pct(all_ms, 99):.0f} ms, errors {errors} (goal 0)")
    for kind in ("chat", "search", "match"):
        ms = [m for k, m in results if k == kind]
        print(f"  {kind:<6} n={len(ms):<5} p50 {pct(ms, 50):.0f} ms  p95 {pct(ms, 95):.0f} ms  p99 {pct(ms, 99):.0f} ms"
              + ("  (goal chat p95 <= 250 ms)" if kind == "chat" else ""))


if __name__ == "__main__":
    main()
