"""Read and parse files in a separate process so a file that hangs cannot hang the run.

One long-lived worker (spawned, so it never inherits torch threads) runs the parse pipeline; when a
file exceeds the time limit the worker is killed and a fresh one takes the next file.
"""

from __future__ import annotations

import multiprocessing as mp
import traceback
from multiprocessing.connection import Connection
from pathlib import Path

from ingest.errors import CtkbError, InputError, ParseTimeout
from ingest.metadata import MetadataOverrides
from ingest.model import LegalDocument


def _serve(conn: Connection) -> None:
    from ingest.pipeline import build_parse_pipeline, run_parse_pipeline

    pipe = build_parse_pipeline()
    pipe.warm_up()
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        path, sha256, given = job
        try:
            conn.send(("ok", run_parse_pipeline(pipe, Path(path), sha256, given)))
        except Exception as exc:  # a parser bug must not stop the run; report it for this file
            inner = _unwrap(exc)
            if isinstance(inner, CtkbError):
                conn.send(("error", str(inner)))
            else:
                detail = traceback.format_exception_only(type(inner), inner)[-1].strip()
                conn.send(("error", f"internal error while parsing ({detail})"))


def _unwrap(exc: BaseException) -> BaseException:
    """Haystack wraps component errors: return ours from the chain, else the innermost cause."""
    current: BaseException | None = exc
    last = exc
    while current is not None:
        if isinstance(current, CtkbError):
            return current
        last = current
        current = current.__cause__ or current.__context__
    return last


class ParseWorker:
    """Parses one file at a time in a child process, with a per-file time limit."""

    def __init__(self, timeout_s: float, startup_timeout_s: float = 120.0) -> None:
        self.timeout_s = timeout_s
        self.startup_timeout_s = startup_timeout_s
        self._proc: mp.process.BaseProcess | None = None
        self._conn: Connection | None = None

    def _start(self) -> None:
        ctx = mp.get_context("spawn")
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(child,), daemon=True, name="ctkb-parse")
        proc.start()
        child.close()
        self._proc, self._conn = proc, parent
        # Start-up (imports, language detector) is not the file's fault: wait for it separately.
        if not parent.poll(self.startup_timeout_s) or parent.recv()[0] != "ready":
            self._kill()
            raise InputError("the parser process did not start")

    def parse(self, path: Path, sha256: str, given: MetadataOverrides) -> LegalDocument:
        if self._proc is None or not self._proc.is_alive():
            self._start()
        assert self._conn is not None
        self._conn.send((str(path), sha256, given))
        if not self._conn.poll(self.timeout_s):
            self._kill()
            raise ParseTimeout(f"parsing took longer than {self.timeout_s:g} s (time limit per file)")
        try:
            status, payload = self._conn.recv()
        except EOFError:
            self._kill()
            raise InputError("the parser process died while reading this file") from None
        if status == "error":
            raise InputError(str(payload))
        return payload  # type: ignore[no-any-return]

    def _kill(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.join(5)
        if self._conn is not None:
            self._conn.close()
        self._proc = self._conn = None

    def close(self) -> None:
        if self._conn is not None and self._proc is not None and self._proc.is_alive():
            try:
                self._conn.send(None)
                self._proc.join(2)
            except (BrokenPipeError, OSError):
                pass
        self._kill()

    def __enter__(self) -> ParseWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def parse_in_process(path: Path, sha256: str, given: MetadataOverrides) -> LegalDocument:
    """Same as the worker, in this process (compare/app parse small uploads without indexing them)."""
    from ingest.pipeline import build_parse_pipeline, run_parse_pipeline

    try:
        return run_parse_pipeline(build_parse_pipeline(), path, sha256, given)
    except CtkbError:
        raise
    except Exception as exc:
        inner = _unwrap(exc)
        if isinstance(inner, CtkbError):
            raise inner from None
        raise
