"""What every ``ctkb`` command shares: the result type and how settings/runtime are built."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.config import Settings
from ingest.errors import CtkbError


@dataclass(frozen=True)
class Outcome:
    text: str = ""
    data: Any = None
    exit_code: int = 0


def enforce_offline() -> None:
    """Nothing leaves the machine: hub downloads and telemetry off (explicit HF opt-in respected)."""
    from ingest.embedding.offline import enforce_offline as model_stack_offline

    model_stack_offline()
    os.environ["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    # Model-loading progress bars are noise on a command line.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def settings_from(args: argparse.Namespace, **extra: Any) -> Settings:
    enforce_offline()
    return Settings.from_env(
        data_dir=getattr(args, "data_dir", None),
        model=getattr(args, "model", None),
        qdrant_url=getattr(args, "qdrant_url", None),
        qdrant_api_key=getattr(args, "qdrant_api_key", None),
        qdrant_path=getattr(args, "qdrant_path", None),
        **extra,
    )


def runtime_from(args: argparse.Namespace, **extra: Any):  # type: ignore[no-untyped-def]
    from ingest.runtime import Runtime

    return Runtime(settings_from(args, **extra))


def write_reports(targets: Iterable[tuple[Path | None, Callable[[], str]]]) -> list[str]:
    """Write each rendering to its file (a target of None is skipped); the files written. A file that
    cannot be written is a one-line error naming it."""
    written = []
    for target, render in targets:
        if target is None:
            continue
        try:
            Path(target).write_text(render(), encoding="utf-8")
        except OSError as exc:
            raise CtkbError(f"{target}: cannot write report ({exc.strerror})") from None
        written.append(str(target))
    return written
