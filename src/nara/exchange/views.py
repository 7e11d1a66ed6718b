"""Per-purpose views: the fields of a service's answer one purpose may see.

An answer is a record (a JSON object), a list of records, or a mapping from ids to records
(`{"17": {...}, "18": {...}}`); `project` keeps, in each record, only the fields named by
the purpose's view. A record field holding nested data (a person's parents) is kept or
dropped whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _record(value: Mapping[str, Any], fields: frozenset[str]) -> dict[str, Any]:
    return {key: item for key, item in value.items() if key in fields}


def project(answer: Any, fields: frozenset[str]) -> Any:
    """`answer` with only `fields` in each of its records."""
    if isinstance(answer, list):
        return [_record(item, fields) if isinstance(item, Mapping) else item for item in answer]
    if isinstance(answer, Mapping):
        if (
            answer
            and all(isinstance(item, Mapping) for item in answer.values())
            and not (set(answer) & fields)
        ):
            return {key: _record(item, fields) for key, item in answer.items()}
        return _record(answer, fields)
    return answer
