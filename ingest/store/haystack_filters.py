"""Haystack 2/3 filter dictionaries -> our backend-neutral ``Filter`` (a pure function).

Fields: ``meta.<key>`` (or a bare key) is the payload key, ``content`` the chunk text, ``id`` the
document id. Semantics follow Haystack's in-memory store: ``== None`` matches a missing/null field,
``!=`` also matches documents without the field, ``>``/``<``... need a number or an ISO 8601 date,
and a comparison with ``None`` matches nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from haystack.errors import FilterError

from ingest.store import schema as s
from ingest.store.filters import Condition, Filter, HasId, IsEmpty, Match, MatchAny, Range

NOTHING = Filter(must=[MatchAny(s.RECORD, [])])


def convert(filters: dict[str, Any] | None, point_id: Callable[[str], str]) -> Filter | None:
    """The ``Filter`` for a Haystack filter dict (``None``/``{}`` -> ``None``); ``point_id`` maps
    Haystack document ids to point ids. Raises ``FilterError`` on a malformed filter."""
    if not filters:
        return None
    cond = _node(filters, point_id)
    return cond if isinstance(cond, Filter) else Filter(must=[cond])


def _node(node: dict[str, Any], point_id: Callable[[str], str]) -> Condition:
    if not isinstance(node, dict):
        raise FilterError(f"a filter must be a dict, got {type(node).__name__}")
    if "field" not in node:
        return _logic(node, point_id)
    for key in ("operator", "value"):
        if key not in node:
            raise FilterError(f"comparison {node!r} has no '{key}'")
    return _comparison(str(node["field"]), str(node["operator"]), node["value"], point_id)


def _logic(node: dict[str, Any], point_id: Callable[[str], str]) -> Filter:
    if "operator" not in node:
        raise FilterError(f"logical filter {node!r} has no 'operator'")
    if "conditions" not in node:
        raise FilterError(f"logical filter {node!r} has no 'conditions'")
    conds = [_node(c, point_id) for c in node["conditions"]]
    op = node["operator"]
    if op == "AND":
        return Filter(must=conds)
    if op == "OR":
        return Filter(should=conds) if conds else NOTHING
    if op == "NOT":
        return Filter(must_not=[Filter(must=conds)])
    raise FilterError(f"unknown logical operator {op!r} (AND, OR, NOT)")


def _key(field: str) -> str:
    if field == "content":
        return s.TEXT
    return field[len("meta.") :] if field.startswith("meta.") else field


def _comparison(field: str, op: str, value: Any, point_id: Callable[[str], str]) -> Condition:
    if field == "id":
        return _id_comparison(op, value, point_id)
    key = _key(field)
    if op == "==":
        return IsEmpty(key) if value is None else _equals(key, value)
    if op == "!=":
        return Filter(must_not=[IsEmpty(key) if value is None else _equals(key, value)])
    if op in ("in", "not in"):
        if not isinstance(value, list):
            raise FilterError(f"'{op}' needs a list, got {type(value).__name__}")
        any_ = _any(key, value)
        return any_ if op == "in" else Filter(must_not=[any_])
    if op in (">", ">=", "<", "<="):
        return _range(key, op, value)
    raise FilterError(f"unknown comparison operator {op!r}")


def _equals(key: str, value: Any) -> Condition:
    if isinstance(value, (bool, int, str)):
        return Match(key, value)
    if isinstance(value, float):
        return Range(key, gte=value, lte=value)
    raise FilterError(f"cannot compare '{key}' with a {type(value).__name__}")


def _any(key: str, values: list[Any]) -> Condition:
    if all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in values):
        return MatchAny(key, values)
    return Filter(should=[_equals(key, v) for v in values]) if values else NOTHING


def _range(key: str, op: str, value: Any) -> Condition:
    if value is None:
        return NOTHING
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise FilterError(f"'{op}' needs a number or an ISO 8601 date, got {type(value).__name__}")
    if isinstance(value, str):
        try:
            datetime.fromisoformat(value)
        except ValueError as exc:
            raise FilterError(f"'{op}' needs a number or an ISO 8601 date, got {value!r}") from exc
    bound = {">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}[op]
    return Range(key, **{bound: value})


def _id_comparison(op: str, value: Any, point_id: Callable[[str], str]) -> Condition:
    if op in ("==", "!="):
        cond = HasId([point_id(str(value))])
    elif op in ("in", "not in") and isinstance(value, list):
        cond = HasId([point_id(str(v)) for v in value])
    else:
        raise FilterError(f"'id' supports ==, !=, in and not in, not {op!r}")
    return cond if op in ("==", "in") else Filter(must_not=[cond])
