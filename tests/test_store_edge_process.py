"""The Edge shard across processes: a second opener is refused, and SIGKILL at any moment of a
write leaves every document fully old or fully new, with every acknowledged write kept."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.errors import IndexLockedError
from ingest.store import open_index
from ingest.store.edge import EdgeBackend
from ingest.store.index import DocumentIndex
from tests.test_store_support import DIM, MODEL, check_invariants, write_version

REPO = Path(__file__).resolve().parent.parent

HOLDER = """
import sys, time
from pathlib import Path
from ingest.store import open_index
index = open_index(Path(sys.argv[1]))
print(index.info().model_id, flush=True)
time.sleep(60)
"""


def _spawn(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, *args], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_second_process_gets_index_locked_error(tmp_path: Path) -> None:
    index = open_index(tmp_path)
    index.ensure(MODEL, DIM)
    write_version(index, "a", 1, 2)
    index.close()
    holder = _spawn("-c", HOLDER, str(tmp_path))
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == MODEL, holder.stderr.read() if holder.stderr else ""
        with pytest.raises(IndexLockedError) as err:
            open_index(tmp_path)
        assert str(err.value) == (
            f"index at {tmp_path / 'index'} is in use by another ctkb process (is the app running?)"
        )
    finally:
        holder.kill()
        holder.wait()
    index = open_index(tmp_path)  # the lock dies with the process
    assert index.get_document("a") is not None
    index.close()


def _acknowledged(lines: list[str]) -> tuple[dict[str, int | None], int]:
    """Last acknowledged state per document (None = removed) and the highest version written."""
    state: dict[str, int | None] = {}
    top = 0
    for line in lines:
        parts = line.split()
        if parts[:1] == ["done"]:
            state[parts[1]] = int(parts[2])
            top = max(top, int(parts[2]))
        elif parts[:1] == ["removed"]:
            state[parts[1]] = None
    return state, top


def test_sigkill_during_writes_keeps_documents_whole(tmp_path: Path) -> None:
    path = tmp_path / "index"
    index = DocumentIndex(EdgeBackend(path))
    index.ensure(MODEL, DIM)
    index.close()
    rng = random.Random(20261129)
    expected: dict[str, int | None] = {}
    for round_ in range(1, 6):
        writer = _spawn("-m", "tests.test_store_support", str(path), str(round_))
        assert writer.stdout is not None
        lines: list[str] = []
        first = writer.stdout.readline()  # started and wrote once: now kill it mid-stream
        assert first.startswith(("done", "removed")), writer.stderr.read() if writer.stderr else ""
        lines.append(first)
        time.sleep(rng.uniform(0.05, 1.5))
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        lines += writer.stdout.read().splitlines()
        acked, top = _acknowledged(lines)

        index = DocumentIndex(EdgeBackend(path))
        index.recover()
        versions: dict[str, int | None] = dict(check_invariants(index))
        index.close()

        expected.update(acked)
        differing = {d for d in set(expected) | set(versions) if expected.get(d) != versions.get(d)}
        # Only the write in flight at the kill may differ, and only by being newer (or a removal).
        assert len(differing) <= 1, (round_, expected, versions)
        for doc in differing:
            now = versions.get(doc)
            assert now is None or now > top, (round_, doc, expected.get(doc), now)
        expected = dict(versions)
