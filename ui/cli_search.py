"""``ctkb`` commands that read the index: search, similar, eval, compare, coverage, and the app."""

from __future__ import annotations

import argparse

from ingest.errors import CtkbError
from ui.cli_commands import Outcome, runtime_from, settings_from  # noqa: F401


def search(args: argparse.Namespace) -> Outcome:
    raise CtkbError("search is not wired yet")


def similar(args: argparse.Namespace) -> Outcome:
    raise CtkbError("similar is not wired yet")


def evaluate(args: argparse.Namespace) -> Outcome:
    raise CtkbError("eval is not wired yet")


def compare(args: argparse.Namespace) -> Outcome:
    raise CtkbError("compare is not wired yet")


def coverage(args: argparse.Namespace) -> Outcome:
    raise CtkbError("coverage is not wired yet")


def ui(args: argparse.Namespace) -> Outcome:
    raise CtkbError("the app is not wired yet")
