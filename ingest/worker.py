"""Read and parse files in a separate process so a file that hangs cannot hang the run.

One long-lived worker (``python -m ingest.worker``, a fresh interpreter that never inherits torch
threads or the caller's main module) runs the parse pipeline; jobs and results travel as pickles over
its stdin/stdout. When a file exceeds the time limit the worker is killed and a fresh one takes the
next file. A scanned PDF read by OCR reports each page as it goes; the time limit then counts from the
last page read, so a long scan is not taken for a file that hangs.
"""

from __future__ import annotations

import logging
import os
import pickle
import select
import struct
import subprocess
import sys
import traceback
from pathlib import Path
from typing import IO, Any

from ingest.errors import CtkbError, InputError, ParseTimeout, unwrap_error
from ingest.metadata import MetadataOverrides
from ingest.model import LegalDocument, TrackedView
from ingest.ocr import OcrOptions, OnPage

_HEADER = struct.Struct("!Q")


def _send(stream: IO[bytes], message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_exact(stream: IO[bytes], n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        part = stream.read(n - len(buf))
        if not part:
            raise EOFError
        buf += part
    return buf


def _recv(stream: IO[bytes]) -> Any:
    (size,) = _HEADER.unpack(_read_exact(stream, _HEADER.size))
    return pickle.loads(_read_exact(stream, size))  # noqa: S301 - our own child process


def _serve() -> None:
    """Worker main loop: the channel is the original stdout; stray prints go to stderr."""
    channel_in = sys.stdin.buffer
    channel_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    # pypdf logs every recoverable quirk ("Ignoring wrong pointing object") as a warning; the file's
    # real problems reach the user as InputError, so keep the terminal quiet.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    from ingest.pipeline import build_parse_pipeline, run_parse_pipeline

    pipe = build_parse_pipeline()
    pipe.warm_up()
    reader = pipe.get_component("reader")
    reader.on_page = lambda done, total: _send(channel_out, ("progress", (done, total)))  # type: ignore[attr-defined]
    _send(channel_out, ("ready", None))
    while True:
        try:
            job = _recv(channel_in)
        except EOFError:
            return
        if job is None:
            return
        path, sha256, given, ocr = job
        try:
            _send(channel_out, ("ok", run_parse_pipeline(pipe, Path(path), sha256, given, ocr)))
        except Exception as exc:  # a parser bug must not stop the run; report it for this file
            inner = unwrap_error(exc)
            if isinstance(inner, CtkbError):
                _send(channel_out, ("error", str(inner)))
            else:
                detail = traceback.format_exception_only(type(inner), inner)[-1].strip()
                _send(channel_out, ("error", f"internal error while parsing ({detail})"))


class ParseWorker:
    """Parses one file at a time in a child process, with a per-file time limit."""

    def __init__(
        self, timeout_s: float, startup_timeout_s: float = 120.0, ocr: OcrOptions | None = None
    ) -> None:
        self.timeout_s = timeout_s
        self.startup_timeout_s = startup_timeout_s
        self.ocr = ocr or OcrOptions()
        self._proc: subprocess.Popen[bytes] | None = None

    def _start(self) -> None:
        root = str(Path(__file__).resolve().parent.parent)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
        }
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "ingest.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        # Start-up (imports, language detector) is not the file's fault: wait for it separately.
        if not self._wait(self.startup_timeout_s) or self._receive()[0] != "ready":
            self._kill()
            raise InputError("the parser process did not start")

    def _wait(self, timeout: float) -> bool:
        assert self._proc is not None and self._proc.stdout is not None
        ready, _, _ = select.select([self._proc.stdout], [], [], timeout)
        return bool(ready)

    def _receive(self) -> Any:
        assert self._proc is not None and self._proc.stdout is not None
        try:
            return _recv(self._proc.stdout)
        except EOFError:
            self._kill()
            raise InputError("the parser process died while reading this file") from None

    def parse(
        self, path: Path, sha256: str, given: MetadataOverrides, on_page: OnPage | None = None
    ) -> LegalDocument:
        """The parsed file; ``on_page(done, total)`` hears of each page read by OCR."""
        if self._proc is None or self._proc.poll() is not None:
            self._start()
        assert self._proc is not None and self._proc.stdin is not None
        _send(self._proc.stdin, (str(path), sha256, given, self.ocr))
        while True:
            if not self._wait(self.timeout_s):
                self._kill()
                raise ParseTimeout(f"parsing took longer than {self.timeout_s:g} s (time limit per file)")
            status, payload = self._receive()
            if status != "progress":  # a page read by OCR: the file is moving, wait afresh
                break
            if on_page is not None:
                on_page(*payload)
        if status == "error":
            raise InputError(str(payload))
        return payload  # type: ignore[no-any-return]

    def _kill(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait(5)
            for stream in (self._proc.stdin, self._proc.stdout):
                if stream is not None:
                    stream.close()
        self._proc = None

    def close(self) -> None:
        if self._proc is not None and self._proc.poll() is None and self._proc.stdin is not None:
            try:
                _send(self._proc.stdin, None)
                self._proc.wait(2)
            except (BrokenPipeError, OSError, subprocess.TimeoutExpired):
                pass
        self._kill()

    def __enter__(self) -> ParseWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def parse_in_process(
    path: Path,
    sha256: str,
    given: MetadataOverrides,
    ocr: OcrOptions | None = None,
    tracked: TrackedView = "accepted",
) -> LegalDocument:
    """Same as the worker, in this process (compare/app parse small uploads without indexing them);
    ``tracked``: how a Word file's tracked changes are read."""
    from ingest.pipeline import build_parse_pipeline, run_parse_pipeline

    try:
        return run_parse_pipeline(build_parse_pipeline(), path, sha256, given, ocr, tracked)
    except CtkbError:
        raise
    except Exception as exc:
        inner = unwrap_error(exc)
        if isinstance(inner, CtkbError):
            raise inner from None
        raise


if __name__ == "__main__":
    _serve()
