"""Issue 10 figures for the embedded backend (2 cores, no GPU).

    .venv/bin/python bench/scale.py [--documents 2000] [--resume-docs 80]

1. Cold `ponte search` (a new process: imports, encoder, index) on the shipped corpus, beside the
   same on a knowledge base of DOCUMENTS documents of 8 sentences (synthetic text and unit vectors
   written straight into the store: timing needs no real embeddings), built once and then loaded
   from $PONTE_HOME/index. Goal: <= 1.5x the shipped corpus.
2. Search p50 in process on that knowledge base (goal <= 50 ms).
3. A company written through a running `ponte serve` on it: time until search finds it (goal <= 1 s).
4. An ingest killed half way (SIGKILL) and run again, against a full run (goal <= 0.7x).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ponte.assistant import Assistant  # noqa: E402
from ponte.index.store import ChunkRecord, Store  # noqa: E402
from ponte.models import SearchRequest  # noqa: E402
from ponte.settings import Settings  # noqa: E402
from server import pct  # noqa: E402

WORDS = ("flange forging valve pipeline turbine blade welding machining casting shipyard offshore petrochemical "
         "automotive wind supplier certification inspection maintenance steel aluminium pump gearbox bearing "
         "crane tender contract partnership cluster region district innovation export training quality").split()


def cold_search(home: Path, runs: int = 3) -> float:
    env = {**os.environ, "PONTE_HOME": str(home), "PONTE_PROGRESS": "false"}
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "ponte.cli", "search", "forged flanges for the shipyard", "--k", "3"],
                             env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
        times.append(time.perf_counter() - t0)
        if out.returncode != 0:
            raise SystemExit(out.stderr)
    return statistics.median(times)


def synthetic_store(home: Path, documents: int, dim: int) -> None:
    """DOCUMENTS documents of 8 sentences with random unit vectors, plus the sample companies."""
    rnd = random.Random(7)
    rng = np.random.default_rng(7)
    settings = Settings(home=home, progress=False)
    Assistant(settings).ingest([ROOT / "corpus" / "companies"])  # real profiles, calibration, encoder meta
    store = Store(settings.db_path)
    with store.transaction(("documents",)) as conn:
        for d in range(documents):
            sentences = [" ".join(rnd.choice(WORDS) for _ in range(14)).capitalize() + "." for _ in range(8)]
            vectors = rng.standard_normal((8, dim)).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            chunks = [ChunkRecord(f"doc{d:05d}#0", 0, f"Report {d}", " ".join(sentences), sentences, vectors)]
            Store.put_document(conn, f"doc{d:05d}", f"/synthetic/doc{d:05d}.md", f"Report {d}", None,
                               hashlib.sha256(str(d).encode()).hexdigest(), chunks)
    store.close()


def company_visible(home: Path) -> float:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PONTE_HOME": str(home), "PONTE_PROGRESS": "false", "PONTE_API_KEYS": "k:staff",
           "PONTE_RATE_LIMIT_PER_MINUTE": "0"}
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
            time.sleep(0.2)
        profile = {"id": "zz-bench", "name": "Zeta Anodising Bench", "country": "IT", "region": "Lombardia",
                   "description": "Hard anodising of aluminium parts for naval pumps.", "offers": ["Hard anodising"]}
        t0 = time.perf_counter()
        r = httpx.put(f"{base}/v1/companies/zz-bench", json=profile, headers={"Authorization": "Bearer k"}, timeout=60)
        r.raise_for_status()
        while time.perf_counter() - t0 < 30:
            found = httpx.post(f"{base}/v1/search", json={"query": "hard anodising aluminium", "kind": "company", "k": 3},
                               timeout=30).json()["results"]
            if found and found[0]["id"] == "zz-bench":
                return time.perf_counter() - t0
        return float("inf")
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def resume_ratio(n_docs: int) -> tuple[float, float, int]:
    tmp = Path(tempfile.mkdtemp(prefix="ponte-bench-resume-"))
    folder = tmp / "docs"
    folder.mkdir()
    rnd = random.Random(3)
    for i in range(n_docs):
        body = " ".join(" ".join(rnd.choice(WORDS) for _ in range(12)).capitalize() + "." for _ in range(10))
        (folder / f"r{i:03d}.md").write_text(f"# Report {i}\n\n{body}\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "ponte.cli", "ingest", str(folder)]

    def env(home):
        return {**os.environ, "PONTE_HOME": str(tmp / home), "PONTE_PROGRESS": "false"}

    # Warm the calibration once per home outside the timing: both homes pay it on their first run.
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env("full"), cwd=ROOT, capture_output=True, timeout=1200, check=True)
    full = time.perf_counter() - t0
    proc = subprocess.Popen(cmd, env=env("killed"), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = tmp / "killed" / "ponte.db"
    while proc.poll() is None:
        try:
            with sqlite3.connect(db, timeout=1) as conn:
                if conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] >= n_docs // 2:
                    break
        except sqlite3.Error:
            pass
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db) as conn:
        kept = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env("killed"), cwd=ROOT, capture_output=True, timeout=1200, check=True)
    rerun = time.perf_counter() - t0
    shutil.rmtree(tmp, ignore_errors=True)
    return full, rerun, kept


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--documents", type=int, default=2000)
    ap.add_argument("--resume-docs", type=int, default=80)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ponte-bench-scale-"))
    try:
        shipped = tmp / "shipped"
        Assistant(Settings(home=shipped, progress=False)).ingest(None)
        cold_search(shipped, 1)  # the first search of a home writes its index
        base = cold_search(shipped)
        print(f"cold `ponte search`, shipped corpus: {base:.2f} s (median of 3)")

        big = tmp / "big"
        synthetic_store(big, args.documents, 384)
        first = cold_search(big, 1)
        loaded = cold_search(big)
        print(f"cold `ponte search`, {args.documents} documents ({args.documents * 8} sentences): first {first:.2f} s "
              f"(builds and writes the index), then {loaded:.2f} s (loads it); ratio {loaded / base:.2f}x of the "
              f"shipped corpus (goal <= 1.5x)")

        assistant = Assistant(Settings(home=big, progress=False))
        assistant.snapshot()
        times = []
        rnd = random.Random(1)
        for _ in range(100):
            query = " ".join(rnd.choice(WORDS) for _ in range(5))
            t0 = time.perf_counter()
            assistant.search(SearchRequest(query=query, k=5))
            times.append((time.perf_counter() - t0) * 1000)
        print(f"search in process, {args.documents} documents: p50 {pct(times, 50):.1f} ms, p95 {pct(times, 95):.1f} ms "
              "(goal p50 <= 50 ms)")
        assistant.store.close()

        seen = company_visible(big)
        print(f"company written through the API (PUT) found by search after {seen:.2f} s (goal <= 1.0 s)")

        full, rerun, kept = resume_ratio(args.resume_docs)
        print(f"ingest of {args.resume_docs} documents: full run {full:.1f} s; killed after {kept} and run again: "
              f"{rerun:.1f} s; ratio {rerun / full:.2f}x (goal <= 0.7x)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
