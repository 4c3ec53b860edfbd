"""Legal structure parsing: cleaned pages → a tree of provisions (see ``parser.py``)."""

from ingest.structure.parser import PARSER_REVISION, parse_document

__all__ = ["PARSER_REVISION", "parse_document"]
