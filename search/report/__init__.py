"""Renderers for comparisons and coverage reports: JSON-ready dicts, CSV, Markdown and self-contained HTML;
and for search results, a memo's list of sources (Markdown, CSV: ``results_*``).

Each ``to_*`` function takes a :class:`~search.compare.Comparison` or a :class:`~search.coverage.CoverageReport`.
Every piece of document text in HTML goes through ``html.escape``.
"""

from search.report.html import to_html
from search.report.results import results_csv, results_markdown
from search.report.tabular import to_csv, to_json, to_markdown

__all__ = ["results_csv", "results_markdown", "to_csv", "to_html", "to_json", "to_markdown"]
