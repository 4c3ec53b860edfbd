"""Every command has working --help, and --help does not import the heavy stack."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ui.cli import build_parser, main

COMMANDS = [
    "ingest",
    "docs",
    "show",
    "remove",
    "search",
    "similar",
    "eval",
    "compare",
    "coverage",
    "ui",
    "model",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert f"usage: ctkb {command}" in capsys.readouterr().out


def test_all_commands_registered() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert sorted(sub.choices) == sorted(COMMANDS)  # type: ignore[union-attr]


def test_help_is_lazy() -> None:
    """`ctkb --help` must stay instant: no torch, haystack or qdrant import."""
    code = (
        "import sys\n"
        "from ui.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('torch', 'haystack', 'qdrant_edge', 'qdrant_client', 'pypdf', 'streamlit') if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY=\n" in out, out
