"""Legal structure parsing: cleaned pages → a tree of provisions (see ``parser.py``)."""

from ingest.structure.parser import parse_document

__all__ = ["parse_document"]
