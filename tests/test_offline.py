"""Ingest works with the network unavailable, and nothing even tries to reach it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.laws import write_laws

GUARD = """
import os, socket
_log = os.environ["CTKB_NET_LOG"]
def _allowed(address):
    host = address[0] if isinstance(address, tuple) else address
    return isinstance(host, str) and (host.startswith("127.") or host in ("::1", "localhost") or host.startswith("/"))
def _record(what):
    with open(_log, "a") as fh:
        fh.write(what + "\\n")
_orig_connect = socket.socket.connect
def connect(self, address):
    if self.family == socket.AF_UNIX or _allowed(address):
        return _orig_connect(self, address)
    _record(f"connect {address!r}")
    raise OSError(101, "Network is unreachable (blocked by ctkb test)")
socket.socket.connect = connect
socket.socket.connect_ex = lambda self, address: (connect(self, address), 0)[1]
_orig_gai = socket.getaddrinfo
def getaddrinfo(host, *args, **kwargs):
    if host is not None and not _allowed((str(host),)):
        _record(f"getaddrinfo {host!r}")
        raise socket.gaierror(-3, "Temporary failure in name resolution (blocked by ctkb test)")
    return _orig_gai(host, *args, **kwargs)
socket.getaddrinfo = getaddrinfo
"""


def _guarded_env(tmp_path: Path, strip: tuple[str, ...]) -> tuple[dict[str, str], Path]:
    """Environment for a child process whose sockets are guarded (attempts logged), with the given
    variable prefixes removed so the defaults, not the test's environment, are what is proven."""
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    log = tmp_path / "net.log"
    repo = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if not k.startswith(strip)}
    env |= {
        "PYTHONPATH": f"{guard}{os.pathsep}{repo}",
        "CTKB_NET_LOG": str(log),
        "CTKB_CACHE_DIR": str(tmp_path / "cache"),
        "CTKB_DATA_DIR": str(tmp_path / "data"),
    }
    return env, log


@pytest.mark.slow
def test_ingest_offline_with_default_model(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write_laws(src)
    env, log = _guarded_env(tmp_path, ("HF_", "TRANSFORMERS_", "HAYSTACK_"))
    cmd = [sys.executable, "-m", "ui.cli", "ingest", str(src), "--json"]
    # Where the kernel allows it, also cut the network for real (a fresh namespace has no interfaces).
    if shutil.which("unshare") and subprocess.run(["unshare", "-rn", "true"]).returncode == 0:
        cmd = ["unshare", "-rn", *cmd]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    assert {r["status"] for r in json.loads(done.stdout)} == {"added"}
    attempts = log.read_text() if log.exists() else ""
    assert attempts == "", f"something tried to reach the network:\n{attempts}"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_app_serves_without_reaching_out(tmp_path: Path) -> None:
    """`ctkb ui` starts and answers on loopback; Streamlit asks no web service for anything
    (usage statistics, external IP) and nothing else tries the network either."""
    import time
    import urllib.request

    env, log = _guarded_env(tmp_path, ("HF_", "TRANSFORMERS_", "HAYSTACK_", "STREAMLIT_"))
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "ui", "--no-browser", "--port", str(port), "--model", "minilm"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = ""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not body:
            try:
                with urllib.request.urlopen(f"http://localhost:{port}/", timeout=2) as response:
                    body = response.read().decode("utf-8", "replace")
            except OSError:
                time.sleep(0.5)
        assert "<html" in body.lower(), "the app did not answer on loopback"
        time.sleep(3)  # let start-up work (URL banner, background threads) run
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0].decode("utf-8", "replace")
    attempts = log.read_text() if log.exists() else ""
    assert attempts == "", f"something tried to reach the network:\n{attempts}\n{output[-2000:]}"
    assert "External URL" not in output
