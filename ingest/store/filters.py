"""Backend-neutral payload filters; each backend translates them into its own Qdrant types.

``Filter`` follows Qdrant's semantics: every ``must`` holds, no ``must_not`` holds, and (when
``should`` is not empty) at least one ``should`` holds. Conditions nest (a ``Filter`` is a condition).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeAlias

Scalar: TypeAlias = str | int | bool


@dataclass(frozen=True)
class Match:
    """``key == value`` (for a list payload: the list contains ``value``)."""

    key: str
    value: Scalar


@dataclass(frozen=True)
class MatchAny:
    """``key`` equals one of ``values`` (an empty ``values`` matches nothing)."""

    key: str
    values: tuple[Scalar, ...]

    def __init__(self, key: str, values: Iterable[Scalar]) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "values", tuple(values))


@dataclass(frozen=True)
class Range:
    """Numeric range; ISO 8601 strings as bounds make it a datetime range. ``None`` = unbounded."""

    key: str
    gte: float | str | None = None
    lte: float | str | None = None
    gt: float | str | None = None
    lt: float | str | None = None

    @property
    def is_datetime(self) -> bool:
        return any(isinstance(v, str) for v in (self.gte, self.lte, self.gt, self.lt))


@dataclass(frozen=True)
class IsEmpty:
    """``key`` is missing, null or an empty list."""

    key: str


@dataclass(frozen=True)
class HasId:
    """The point id is one of ``ids``."""

    ids: tuple[str, ...]

    def __init__(self, ids: Iterable[str]) -> None:
        object.__setattr__(self, "ids", tuple(ids))


@dataclass(frozen=True)
class Filter:
    must: tuple[Condition, ...] = ()
    must_not: tuple[Condition, ...] = ()
    should: tuple[Condition, ...] = ()

    def __init__(
        self,
        must: Iterable[Condition] = (),
        must_not: Iterable[Condition] = (),
        should: Iterable[Condition] = (),
    ) -> None:
        object.__setattr__(self, "must", tuple(must))
        object.__setattr__(self, "must_not", tuple(must_not))
        object.__setattr__(self, "should", tuple(should))

    @property
    def is_empty(self) -> bool:
        return not (self.must or self.must_not or self.should)


Condition: TypeAlias = "Match | MatchAny | Range | IsEmpty | HasId | Filter"


def all_of(*conditions: Condition | None) -> Filter:
    """A filter requiring every given condition (``None`` entries are skipped, filters nest)."""
    return Filter(must=[c for c in conditions if c is not None and not _empty(c)])


def any_of(*conditions: Condition) -> Filter:
    return Filter(should=conditions)


def none_of(*conditions: Condition) -> Filter:
    return Filter(must_not=conditions)


def where(**equals: Scalar | Iterable[Scalar] | None) -> Filter:
    """Shorthand for the UI: ``where(jurisdiction="GE", language=["en", "ka"], year=None)``.

    A scalar gives ``Match``, a list/tuple/set ``MatchAny``; ``None`` values are ignored.
    """
    conds: list[Condition] = []
    for key, value in equals.items():
        if value is None:
            continue
        if isinstance(value, (str, int, bool)):
            conds.append(Match(key, value))
        else:
            conds.append(MatchAny(key, value))
    return Filter(must=conds)


def _empty(c: Condition) -> bool:
    return isinstance(c, Filter) and c.is_empty
