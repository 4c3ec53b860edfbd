"""Keep the model stack off the network; entry points call :func:`enforce_offline` first thing."""

from __future__ import annotations

import os
import sys


def enforce_offline() -> None:
    """Hugging Face offline unless the user opted in explicitly; Haystack telemetry always off.

    Call before importing haystack: it decides about telemetry when first imported. If it was
    imported already, its telemetry client is switched off in place.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ["HAYSTACK_TELEMETRY_ENABLED"] = "False"
    module = sys.modules.get("haystack.telemetry._telemetry")
    if module is not None and getattr(module, "telemetry", None) is not None:
        module.telemetry = None  # type: ignore[attr-defined]


def telemetry_enabled() -> bool:
    """Whether an imported haystack would send telemetry (False when haystack is not loaded)."""
    module = sys.modules.get("haystack.telemetry._telemetry")
    return module is not None and getattr(module, "telemetry", None) is not None
