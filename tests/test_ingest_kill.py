"""SIGKILL an ingest run at random moments: the rerun leaves no duplicate and no partial document."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.config import Settings
from ingest.runtime import Runtime
from tests.support.laws import LAW_V1

N_DOCS = 6


def _write_docs(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(N_DOCS):
        # distinct texts so each document has its own content hash
        (folder / f"law_{i}.txt").write_text(LAW_V1.replace("TESTLAND", f"TESTLAND {i}"), encoding="utf-8")


def _ingest_cmd(src: Path, data: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "ui.cli",
        "ingest",
        str(src),
        "--data-dir",
        str(data),
        "--model",
        "minilm",
        "--json",
    ]


def _check_index(data: Path, cache: Path) -> dict[str, int]:
    runtime = Runtime(Settings.from_env({}, data_dir=data, cache_dir=cache, model="minilm"))
    try:
        counts = {}
        for record in runtime.index.documents():
            chunks = runtime.index.chunks(record.meta.doc_id)
            ids = [(c.chunk.provision_id, c.chunk.part) for c in chunks]
            assert len(ids) == len(set(ids)), f"duplicate chunks in {record.meta.doc_id}"
            assert [c.chunk.number for c in chunks] == ["", "1", "2", "3", "4", "5", "6"], "partial document"
            assert record.provisions == 6
            counts[record.meta.doc_id] = len(chunks)
        return counts
    finally:
        runtime.close()


@pytest.mark.slow
def test_sigkill_mid_run_then_rerun(tmp_path: Path) -> None:
    src, data, cache = tmp_path / "src", tmp_path / "data", tmp_path / "cache"
    _write_docs(src)
    rng = random.Random(7)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    kills = 0
    for attempt in range(3):
        proc = subprocess.Popen(
            _ingest_cmd(src, data), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        # Wait until documents are being written (kept source copies appear after each commit).
        deadline = time.monotonic() + 120
        files = data / "files"
        while time.monotonic() < deadline and proc.poll() is None:
            written = len(list(files.glob("*.txt"))) if files.exists() else 0
            if written >= attempt:  # kill at a different stage each time
                break
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 0.8))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.communicate()
        # After each kill: whatever is in the index is whole (checked inside), never duplicated.
        _check_index(data, cache)
    assert kills >= 1, "the run always finished before the kill; the test proved nothing"

    done = subprocess.run(_ingest_cmd(src, data), env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    statuses = {r["status"] for r in json.loads(done.stdout)}
    assert statuses <= {"added", "unchanged", "updated"}
    counts = _check_index(data, cache)
    assert len(counts) == N_DOCS
