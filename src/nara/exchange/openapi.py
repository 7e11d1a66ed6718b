"""OpenAPI 3 descriptions of the services agencies offer, generated from their declarations.

A service's parameters are its handler's keyword arguments (their type hints become the
JSON Schema of the request body); its purposes, their lawful bases, statutes and views are
listed under `x-nara-purposes`. The directory stores the text with each service (the
GovStack `getOpenAPI` answer), refreshed at every start-up sync.
"""

from __future__ import annotations

import inspect
import json
import typing
from typing import Any

from pydantic import create_model

from nara.exchange.services import Service
from nara.exchange.trust.identifiers import ServiceId

_HEADERS = (
    ("X-Road-Client", "The calling subsystem, INSTANCE/CLASS/MEMBER/SUBSYSTEM.", True),
    ("X-Road-Id", "The message id; unique per client (a replay is refused).", False),
    ("X-Road-UserId", "The official or user on whose behalf the call is made.", False),
    ("X-Road-Issue", "The case, application or document behind the call (free text).", False),
    (
        "X-Road-Purpose",
        "The purpose of a personal-data read: one of the service's purposes.",
        False,
    ),
    ("X-Road-Represented-Party", "[CLASS/]CODE of a party the client acts for.", False),
)


def _request_schema(service: Service) -> dict[str, Any]:
    hints = typing.get_type_hints(service.handler)
    fields: dict[str, Any] = {}
    for name, parameter in inspect.signature(service.handler).parameters.items():
        if parameter.kind is not inspect.Parameter.KEYWORD_ONLY:
            continue
        default = ... if parameter.default is inspect.Parameter.empty else parameter.default
        fields[name] = (hints.get(name, Any), default)
    model = create_model(f"{service.code.title().replace('-', '')}Request", **fields)
    return model.model_json_schema()


def service_openapi(service: Service, service_id: ServiceId) -> dict[str, Any]:
    """The OpenAPI 3.0 document of one service, as the exchange offers it."""
    path = f"/r1/{service_id.subsystem}/{service_id.service_code}"
    purposes = [
        {
            "code": p.code,
            "lawfulBasis": p.lawful_basis,
            "legalReference": p.legal_reference,
            "fields": sorted(p.fields),
            "description": {"en": p.en, "ko": p.ko},
        }
        for p in service.purposes
    ]
    error = {
        "description": "Refused or failed: `X-Road-Error` names the error type.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": str(service_id),
            "version": service_id.version or "1",
            "description": service.description,
        },
        "paths": {
            path: {
                "post": {
                    "operationId": service.code,
                    "summary": service.description,
                    "parameters": [
                        {
                            "in": "header",
                            "name": name,
                            "required": required,
                            "description": text,
                            "schema": {"type": "string"},
                        }
                        for name, text, required in _HEADERS
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _request_schema(service)}},
                    },
                    "responses": {
                        "200": {
                            "description": "The answer, with only the fields of the purpose's "
                            "view; signed by the provider (`X-Nara-Signature`).",
                            "content": {"application/json": {"schema": {}}},
                        },
                        "400": error,
                        "401": error,
                        "403": error,
                        "404": error,
                        "422": error,
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["type", "message", "code"],
                    "properties": {
                        "type": {"type": "string", "example": "Server.ServerProxy.AccessDenied"},
                        "message": {"type": "string"},
                        "message_ko": {"type": "string"},
                        "detail": {"type": "string", "description": "The message id."},
                        "code": {"type": "string", "example": "access_denied"},
                        "status": {"type": "integer"},
                    },
                }
            }
        },
        "x-nara-personal": service.personal,
        "x-nara-purposes": purposes,
    }


_TEXTS: dict[tuple[Service, str], str] = {}
"""Descriptions already generated in this process, by declaration and X-Road id: a
declaration does not change while the process runs, and generating one costs milliseconds
(every start-up's directory sync asks for each)."""


def service_openapi_text(service: Service, service_id: ServiceId) -> str:
    key = (service, str(service_id))
    text = _TEXTS.get(key)
    if text is None:
        text = json.dumps(service_openapi(service, service_id), ensure_ascii=False, indent=1)
        _TEXTS[key] = text
    return text
