"""The ``ctkb`` command line: parse arguments, call ``ingest``/``search``, render.

Imports of heavy libraries (haystack, torch, qdrant) happen inside the commands so ``ctkb --help``
is instant. Library errors become one-line messages and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ui import cli_app, cli_compare, cli_search
from ui import cli_commands as cmd
from ui.cli_support import Outcome


def _add_index_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("index")
    g.add_argument(
        "--data-dir", help="embedded index folder (env CTKB_DATA_DIR; default ~/.local/share/ctkb)"
    )
    g.add_argument(
        "--model",
        help="embedding model: hub name or local folder (env CTKB_MODEL; default: "
        "multilingual-e5-small built offline; 'minilm' = English all-MiniLM-L6-v2)",
    )
    g.add_argument(
        "--qdrant-url", help="use a Qdrant server instead of the embedded index (env CTKB_QDRANT_URL)"
    )
    g.add_argument("--qdrant-api-key", help="API key for --qdrant-url (env CTKB_QDRANT_API_KEY)")
    g.add_argument("--qdrant-path", help=argparse.SUPPRESS)  # qdrant-client local mode, for tests
    g.add_argument("--json", action="store_true", help="print JSON for scripts")


def _add_meta_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("metadata (override the folder manifest and inference)")
    for flag in ("title", "jurisdiction", "doc-type", "language", "status", "version", "work"):
        g.add_argument(f"--{flag}")
    g.add_argument("--year", type=int)
    g.add_argument("--doc-id", help="document id (default: from the file name)")


def _add_filter_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("filters")
    for flag in ("jurisdiction", "doc-type", "language", "status"):
        g.add_argument(f"--{flag}", action="append", help="repeat to allow several values")
    g.add_argument("--year-from", type=int)
    g.add_argument("--year-to", type=int)
    g.add_argument("--doc", action="append", help="restrict to a document id (repeatable)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ctkb",
        description="Counter-trafficking knowledge base: ingest laws and policies, search provisions, compare drafts. "
        "Works fully offline.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", help="add or update files (PDF, DOCX, TXT, MD) or folders in the index")
    p.add_argument("paths", nargs="+", type=Path)
    _add_index_options(p)
    _add_meta_options(p)
    p.add_argument("--timeout", type=float, help="time limit per file in seconds (default 180)")
    p.set_defaults(func=cmd.ingest)

    p = sub.add_parser("docs", help="list documents with metadata and provision counts")
    _add_index_options(p)
    p.set_defaults(func=cmd.docs)

    p = sub.add_parser("show", help="a document's provision tree with page spans")
    p.add_argument("doc")
    _add_index_options(p)
    p.set_defaults(func=cmd.show)

    p = sub.add_parser("remove", help="delete a document from the index")
    p.add_argument("doc")
    _add_index_options(p)
    p.set_defaults(func=cmd.remove)

    p = sub.add_parser("search", help="search provisions (hybrid by default)")
    p.add_argument("query")
    p.add_argument("--top-k", type=int, default=10)
    p.add_argument("--mode", choices=("hybrid", "semantic", "keyword"), default="hybrid")
    p.add_argument("--md", type=Path, help="write the results as a memo's list of sources (Markdown)")
    p.add_argument("--csv", type=Path, help="write the results as CSV (citation, pages, quote …)")
    _add_filter_options(p)
    _add_index_options(p)
    p.set_defaults(func=cli_search.search)

    p = sub.add_parser("similar", help="provisions of other documents closest to one provision")
    p.add_argument("doc")
    p.add_argument("provision", help="provision id or number (e.g. 'art_13' or '13')")
    p.add_argument("--top-k", type=int, default=10)
    _add_index_options(p)
    p.set_defaults(func=cli_search.similar)

    p = sub.add_parser("eval", help="evaluate retrieval on a gold set (JSONL)")
    p.add_argument("qrels", type=Path, nargs="?", help="gold set (default: the one shipped with ctkb)")
    p.add_argument("--mode", action="append", choices=("hybrid", "semantic", "keyword"))
    p.add_argument("--verbose", action="store_true", help="per-query figures")
    _add_filter_options(p)
    _add_index_options(p)
    p.set_defaults(func=cli_search.evaluate)

    p = sub.add_parser(
        "compare",
        help="crosswalk and redline of two documents (ids or files), or of one Word draft's tracked changes",
    )
    p.add_argument("left")
    p.add_argument("right", nargs="?", help="omitted with --tracked-changes")
    p.add_argument(
        "--tracked-changes",
        action="store_true",
        help="LEFT is a Word file (.docx): compare its text before the tracked changes with the text after them",
    )
    p.add_argument("--html", type=Path, help="write a self-contained HTML report")
    p.add_argument("--md", type=Path, help="write a Markdown report")
    p.add_argument("--csv", type=Path, help="write the crosswalk as CSV")
    _add_index_options(p)
    p.set_defaults(func=cli_compare.compare)

    p = sub.add_parser("coverage", help="which obligations of a reference a draft covers")
    p.add_argument("draft")
    p.add_argument(
        "--against",
        required=True,
        help="a shipped checklist ('un-protocol', 'coe-convention'), a document id or a file",
    )
    p.add_argument("--html", type=Path, help="write a self-contained HTML report")
    p.add_argument("--md", type=Path, help="write a Markdown report")
    p.add_argument("--csv", type=Path, help="write the items as CSV")
    _add_index_options(p)
    p.set_defaults(func=cli_compare.coverage)

    p = sub.add_parser("ui", help="open the Streamlit app")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument(
        "--host",
        default="localhost",
        help="address to serve on (default localhost: only this machine; 0.0.0.0 to share)",
    )
    p.add_argument("--read-only", action="store_true", help="hide ingest/remove (shared deployments)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    _add_index_options(p)
    p.set_defaults(func=cli_app.ui)

    p = sub.add_parser("model", help="build/check the offline embedding model and print its details")
    _add_index_options(p)
    p.set_defaults(func=cmd.model)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: Any = args.func(args)
    except KeyboardInterrupt:
        print("ctkb: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - turn library errors into one line
        from ingest.errors import CtkbError

        if not isinstance(exc, CtkbError):
            raise
        print(f"ctkb: error: {exc}", file=sys.stderr)
        return 1
    if isinstance(result, Outcome):
        try:
            if args.json and result.data is not None:
                print(json.dumps(result.data, ensure_ascii=False, indent=2))
            elif result.text:
                print(result.text)
            sys.stdout.flush()
        except BrokenPipeError:  # `ctkb show X | head`: the reader left; not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return result.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
