"""`ctkb ui`: launch the Streamlit app with the settings passed as CTKB_* environment variables."""

from __future__ import annotations

import argparse
import signal

from ui.cli_support import Outcome, settings_from


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def ui(args: argparse.Namespace) -> Outcome:
    """Run ``streamlit run ui/app/main.py``; settings reach the app as ``CTKB_*`` environment variables."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    settings = settings_from(args, read_only=True if args.read_only else None)
    app = Path(__file__).resolve().parent / "app" / "main.py"
    env = dict(os.environ)
    env.update(
        {
            "CTKB_DATA_DIR": str(settings.data_dir),
            "CTKB_CACHE_DIR": str(settings.cache_dir),
            "CTKB_READ_ONLY": "1" if settings.read_only else "",
            "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
            "HAYSTACK_TELEMETRY_ENABLED": "False",
        }
    )
    for key, value in (
        ("CTKB_MODEL", settings.model),
        ("CTKB_QDRANT_URL", settings.qdrant_url),
        ("CTKB_QDRANT_API_KEY", settings.qdrant_api_key),
        ("CTKB_QDRANT_PATH", settings.qdrant_path),
    ):
        if value:
            env[key] = value
        else:
            env.pop(key, None)
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--browser.gatherUsageStats",
        "false",
        "--server.port",
        str(args.port),
        "--server.headless",
        "true" if args.no_browser else "false",
        "--server.maxUploadSize",
        "50",
        "--server.fileWatcherType",
        "none",
        "--global.developmentMode",
        "false",
        "--server.address",
        args.host,
        # A manually set address also stops Streamlit from asking a web service for this machine's
        # external IP when it prints its URLs (it does so in headless mode otherwise).
        "--browser.serverAddress",
        "localhost" if args.host in ("0.0.0.0", "::") else args.host,
    ]
    if not args.no_browser:
        print(f"ctkb: opening http://{args.host}:{args.port}", file=sys.stderr)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)  # subprocess.call then stops the server too
    try:
        code = subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        code = 0
    return Outcome(exit_code=code)
