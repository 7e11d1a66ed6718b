"""Structured logging (structlog), with resident registration numbers masked in every event."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

_RRN_IN_TEXT = re.compile(r"(?<!\d)(\d{6})-?([0-9])\d{6}(?!\d)")


def mask_identifiers(text: str) -> str:
    """Mask anything shaped like an RRN: `900101-1234567` → `900101-1******`."""
    return _RRN_IN_TEXT.sub(lambda m: f"{m.group(1)}-{m.group(2)}******", text)


def _mask_processor(
    _logger: Any, _name: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for key, value in event.items():
        if isinstance(value, str):
            event[key] = mask_identifiers(value)
    return event


def configure_logging(level: str = "INFO", *, json: bool = False) -> None:
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    logging.basicConfig(stream=sys.stderr, level=level.upper(), format="%(message)s")
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            _mask_processor,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
