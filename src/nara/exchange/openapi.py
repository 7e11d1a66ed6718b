"""OpenAPI 3 descriptions of the services agencies offer, generated from their declarations.

A typed service is described from its contract (`nara.exchange.contracts`): the request model
is the JSON body of `POST /r1/<service id>`, the answer type the 200 body (a purpose's view
may leave fields out: those have defaults), and the two kinds of refusal have their schemas —
the service's own (a problem document with Nara's `code`, status 400/404/409/422, no
`X-Road-Error`) and the exchange's (`X-Road-Error` and `{type, message, detail, code, ...}`,
status 400 `Client.*` or 500 `Server.*`). A REST service gives its own text (else any body
is described). Its purposes, their lawful bases, statutes and views are listed under
`x-nara-purposes`. The directory stores the text with each service (the `getOpenAPI`
answer), refreshed at every start-up sync.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from nara.exchange.services import Service
from nara.exchange.trust.identifiers import ServiceId

_REF = "#/components/schemas/{model}"
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
_SCHEMAS: dict[str, Any] = {
    "XRoadError": {
        "type": "object",
        "description": "A refusal or failure of the exchange (`X-Road-Error` is set).",
        "required": ["type", "message", "detail", "code"],
        "properties": {
            "type": {"type": "string", "example": "Server.ServerProxy.AccessDenied"},
            "message": {"type": "string"},
            "message_ko": {"type": "string"},
            "detail": {"type": "string", "description": "The message id."},
            "code": {"type": "string", "example": "consent_missing"},
            "status": {"type": "integer", "description": "The status Nara's APIs give it."},
        },
    },
    "Problem": {
        "type": "object",
        "description": "The service's own refusal (RFC 9457, with Nara's stable `code`).",
        "required": ["code", "status", "message"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "code": {"type": "string", "example": "person_not_alive"},
            "detail": {"type": "string"},
            "message": {"type": "string"},
            "message_ko": {"type": "string"},
        },
    },
}


def _schemas(service: Service) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The request body's schema, the answer's, and the components they refer to."""
    components: dict[str, Any] = {}
    if service.contract is None:  # a REST service without an OpenAPI text of its own
        return {}, {}, components
    request = service.contract.request.model_json_schema(ref_template=_REF)
    answer = TypeAdapter(service.contract.answer).json_schema(ref_template=_REF)
    for schema in (request, answer):
        components.update(schema.pop("$defs", {}))
    return request, answer, components


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
    request, answer, components = _schemas(service)

    def refusal(schema: str, text: str) -> dict[str, Any]:
        media = "application/problem+json" if schema == "Problem" else "application/json"
        return {
            "description": text,
            "content": {media: {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
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
                        "content": {"application/json": {"schema": request}},
                    },
                    "responses": {
                        "200": {
                            "description": "The answer, with only the fields of the purpose's "
                            "view; signed by the provider (`X-Nara-Signature`).",
                            "content": {"application/json": {"schema": answer}},
                        },
                        "400": refusal(
                            "XRoadError",
                            "The request does not follow the protocol (`Client.*`), or the "
                            "service refuses a body it cannot read (a problem document).",
                        ),
                        "404": refusal("Problem", "The service found nothing it was asked for."),
                        "409": refusal("Problem", "The request contradicts the register."),
                        "422": refusal("Problem", "The parameters do not fit the contract."),
                        "500": refusal(
                            "XRoadError",
                            "Refused or failed by the exchange (`Server.ClientProxy.*`, "
                            "`Server.ServerProxy.*`: access, consent, signatures, network).",
                        ),
                    },
                }
            }
        },
        "components": {"schemas": {**components, **_SCHEMAS}},
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
