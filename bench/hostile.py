"""Issue 9 figure: one caller sending maximal requests must not starve the others.

    .venv/bin/python bench/hostile.py [--seconds 15] [--clients 8]

A `ponte serve` on loopback. First the polite mix of bench/server.py (chat, search, match) from
CLIENTS - 1 callers alone: the unloaded p95. Then the same callers while one more caller sends
the largest requests the API accepts (4 000-character chat messages, 1 000-character queries and
needs, each one new so no cache helps). Goal: the polite callers' p95 stays <= 2x the unloaded one.
"""
from __future__ import annotations

import argparse
import random
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import drive, mixed, pct, serving  # noqa: E402

WORDS = ("valvole flange forgiati caldeiraria usinagem naval offshore eolico turbine saldatura pipeline "
         "supplier partnership Lombardia Pernambuco certification precision machining steel").split()


def maximal(rnd: random.Random):
    def text(limit: int) -> str:
        out = []
        while sum(len(w) + 1 for w in out) < limit - 12:
            out.append(rnd.choice(WORDS))
        return " ".join(out)[: limit - 1]

    kind = rnd.choice(["chat", "search", "match"])
    if kind == "chat":
        return "max-chat", "POST", "/v1/chat", {"message": text(4000)}
    if kind == "search":
        return "max-search", "POST", "/v1/search", {"query": text(1000), "k": 100}
    return "max-match", "POST", "/v1/partners/match", {"need": text(1000), "k": 100}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--clients", type=int, default=8)
    args = ap.parse_args()
    polite = args.clients - 1
    with serving() as base:
        alone, alone_errors, _ = drive(base, args.seconds, polite, mixed)
        loaded: dict[str, tuple] = {}

        def run(name, clients, make):
            loaded[name] = drive(base, args.seconds, clients, make)

        threads = [threading.Thread(target=run, args=("polite", polite, mixed)),
                   threading.Thread(target=run, args=("hostile", 1, maximal))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    p95_alone = pct([ms for _, ms in alone], 95)
    polite_ms = [ms for _, ms in loaded["polite"][0]]
    hostile = loaded["hostile"][0]
    p95_loaded = pct(polite_ms, 95)
    print(f"{polite} polite callers alone: n={len(alone)}, p50 {pct([m for _, m in alone], 50):.0f} ms, "
          f"p95 {p95_alone:.0f} ms, errors {alone_errors}")
    print(f"same callers beside 1 caller of maximal requests: n={len(polite_ms)}, p50 {pct(polite_ms, 50):.0f} ms, "
          f"p95 {p95_loaded:.0f} ms, errors {loaded['polite'][1]}; ratio {p95_loaded / p95_alone:.2f}x (goal <= 2x)")
    for kind in ("max-chat", "max-search", "max-match"):
        ms = [m for k, m in hostile if k == kind]
        print(f"  {kind:<10} n={len(ms):<4} p50 {pct(ms, 50):.0f} ms  max {max(ms, default=float('nan')):.0f} ms "
              f"(wall time as seen by the caller, queueing included)")


if __name__ == "__main__":
    main()
