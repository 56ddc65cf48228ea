"""Issue 2 figures: ingest throughput vs the raw encoder, `ponte ask` cold start, warm ask latency.

    .venv/bin/python bench/ingest_ask.py

Every figure is printed beside a baseline measured in the same run on the same machine.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ponte.assistant import Assistant  # noqa: E402
from ponte.index.encoders import get_encoder  # noqa: E402
from ponte.models import ChatRequest  # noqa: E402
from ponte.settings import Settings  # noqa: E402


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="ponte-bench-"))
    settings = Settings(home=home, progress=False, query_cache_size=0)  # questions repeat below
    encoder = get_encoder(settings.encoder)
    encoder.passages(["warm-up"])

    assistant = Assistant(settings)
    t0 = time.perf_counter()
    assistant.ingest(None)
    ingest_s = time.perf_counter() - t0
    segs = [r["text"] for r in assistant.store.iter_segments()]
    rows = assistant.store.company_texts()
    seeks = [r["text"] for r in rows if r["role"] == "seek"]
    others = [r["text"] for r in rows if r["role"] != "seek"]
    n_texts = len(segs) + len(seeks) + len(others)

    t0 = time.perf_counter()
    for i in range(0, len(segs), 32):
        encoder.passages(segs[i:i + 32])
    for i in range(0, len(others), 32):
        encoder.passages(others[i:i + 32])
    for i in range(0, len(seeks), 32):
        encoder.queries(seeks[i:i + 32])
    raw_s = time.perf_counter() - t0
    print(f"ingest: {n_texts} texts in {ingest_s:.2f} s = {n_texts / ingest_s:.1f} texts/s; raw encoder on the same "
          f"texts {n_texts / raw_s:.1f} texts/s; ratio {raw_s / ingest_s:.2f}x (goal >= 0.8x)")

    env = {**os.environ, "PONTE_HOME": str(home), "PONTE_PROGRESS": "false"}
    cold, bare = [], []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "ponte.cli", "ask", "Qual agência brasileira apoia o projeto MetalMec?"],
                       env=env, cwd=ROOT, check=True, capture_output=True)
        cold.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import numpy"], check=True, capture_output=True)
        bare.append(time.perf_counter() - t0)
    print(f"ponte ask cold start: median {statistics.median(cold):.2f} s wall (goal <= 1.5 s); "
          f"baseline `python -c 'import numpy'` {statistics.median(bare):.2f} s; "
          f"ratio {statistics.median(cold) / statistics.median(bare):.1f}x")

    questions = [json.loads(l)["question"] for l in (ROOT / "eval" / "qa.jsonl").read_text().splitlines() if l.strip()]
    questions = (questions * 3)[:100]
    warm, enc = [], []
    for q in questions:
        t0 = time.perf_counter()
        assistant.chat(ChatRequest(message=q))
        warm.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        encoder.queries([q])
        enc.append((time.perf_counter() - t0) * 1000)
    print(f"warm ask over {len(warm)} questions: p50 {pct(warm, 50):.0f} ms, p95 {pct(warm, 95):.0f} ms "
          f"(goal p50 <= 100 ms); one raw query embedding p50 {pct(enc, 50):.0f} ms; "
          f"ratio {pct(warm, 50) / pct(enc, 50):.1f}x")


if __name__ == "__main__":
    main()
