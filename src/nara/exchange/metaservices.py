"""The exchange's metaservices (X-Road PR-MREST, GovStack IM directory services).

- `GET /listClients[?instanceId=X]` lists the members and subsystems a client may call
  (X-Road's shape, JSON or XML by `Accept`; answered by the client's own node).
- `GET /r1/{provider subsystem}/listMethods`, `/allowedMethods` and
  `/getOpenAPI?serviceCode=S` are delivered to the provider's node like any call (signed,
  logged) and answered by its gateway from the directory: every enabled REST service of the
  provider with its endpoints; those the calling client holds a right on; the OpenAPI
  description of one service. The JSON follows the PR-MREST annex schema (`member`, each a
  service with `objectType`, `serviceType`, `xRoadInstance`, ..., `endpointList`).
- The GovStack IM test suite's paths (`/{instance}/{class}/{member}/{application}/...`,
  without `/r1`) answer the same from this node's directory, in GovStack's field names
  (`GovStackInstance`, `applicationCode`); `getOpenAPI` there is a JSON string, as its API
  says.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import parse_qs

from sqlalchemy.orm import Session

from nara.exchange import errors
from nara.exchange.directory_admin import repository
from nara.exchange.directory_admin.models import ExchangeSubsystem
from nara.exchange.errors import JSON_TYPE, XML_TYPE, refused, to_xml, wants_xml
from nara.exchange.messages import H_ACCEPT, Reply, Request
from nara.exchange.trust.identifiers import ALLOWED, MAX_PART_LENGTH, SubsystemId

LIST_METHODS: Final = "listMethods"
ALLOWED_METHODS: Final = "allowedMethods"
GET_OPENAPI: Final = "getOpenAPI"
CODES: Final = frozenset({LIST_METHODS, ALLOWED_METHODS, GET_OPENAPI})

ANY_ENDPOINT: Final = ({"method": "*", "path": "**"},)
"""The endpoints of a REST service described by no OpenAPI document."""


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str


@dataclass(frozen=True)
class ServiceDetails:
    """One REST service of a provider, as listMethods describes it."""

    subsystem: SubsystemId
    code: str
    service_type: str
    endpoints: tuple[Endpoint, ...]
    row_id: int

    def xroad(self) -> dict[str, Any]:
        """PR-MREST annex A's `xroadRestServiceDetailsType`."""
        return {
            "objectType": {"object_type": "SERVICE"},
            "serviceType": self.service_type,
            "xRoadInstance": self.subsystem.instance,
            "memberClass": self.subsystem.member_class,
            "memberCode": self.subsystem.member_code,
            "subsystemCode": self.subsystem.subsystem_code,
            "serviceCode": self.code,
            "endpointList": {
                "member": [{"method": e.method, "path": e.path} for e in self.endpoints]
            },
        }

    def govstack(self) -> dict[str, Any]:
        """The GovStack IM API's `restServiceDetailsType`."""
        found = self.xroad()
        found["GovStackInstance"] = found.pop("xRoadInstance")
        found["applicationCode"] = found.pop("subsystemCode")
        return found


def endpoints_of(openapi_text: str | None) -> tuple[Endpoint, ...]:
    """The method and path of every operation an OpenAPI (JSON) document describes."""
    try:
        document = json.loads(openapi_text or "")
    except ValueError:
        document = None
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        return tuple(Endpoint(e["method"], e["path"]) for e in ANY_ENDPOINT)
    found = []
    for path, operations in document["paths"].items():
        if not isinstance(operations, dict):
            continue
        for method in operations:
            if method.lower() in {"get", "put", "post", "delete", "patch", "head", "options"}:
                found.append(Endpoint(method.upper(), _service_path(str(path))))
    return tuple(found)


def _service_path(path: str) -> str:
    """An operation's path after the service code (`/r1/<id>/<code>` is the service itself)."""
    parts = path.split("/")
    if len(parts) >= 7 and parts[1] == "r1":
        return "/" + "/".join(parts[7:]) if len(parts) > 7 else "/"
    return path or "/"


def services_of(session: Session, subsystem: SubsystemId) -> list[ServiceDetails] | None:
    """The enabled services of a subsystem in this node's directory; None: no such subsystem."""
    row = repository.find_subsystem(session, subsystem)
    if row is None:
        return None
    services = repository.enabled_services_of(session, row.id)
    return [
        ServiceDetails(
            subsystem,
            service.service_code,
            "OPENAPI" if service.openapi_text else "REST",
            endpoints_of(service.openapi_text),
            service.id,
        )
        for service in services
    ]


def allowed_of(
    session: Session, services: list[ServiceDetails], client: SubsystemId | None
) -> list[ServiceDetails]:
    """The services, narrowed to the endpoints `client` holds a right on (none for nobody)."""
    if client is None or not services:
        return []
    rights = repository.rights_on(session, client, [s.row_id for s in services])
    allowed = []
    for service in services:
        mine = [(method, path) for row_id, method, path in rights if row_id == service.row_id]
        if not mine:
            continue
        if any(method is None and path is None for method, path in mine):
            allowed.append(service)
            continue
        endpoints = tuple(Endpoint((method or "*").upper(), path or "**") for method, path in mine)
        allowed.append(
            ServiceDetails(
                service.subsystem, service.code, service.service_type, endpoints, service.row_id
            )
        )
    return allowed


def openapi_of(session: Session, subsystem: SubsystemId, code: str) -> str | None:
    return repository.enabled_openapi(session, subsystem, code)


def check_service_code(code: str | None) -> str:
    """A `serviceCode` query parameter: present and an X-Road identifier, else 400."""
    if not code or len(code) > MAX_PART_LENGTH or not ALLOWED.fullmatch(code):
        raise refused(
            errors.CLIENT_BAD_REQUEST,
            "service_code_invalid",
            "getOpenAPI needs the query parameter serviceCode, an X-Road service code.",
            "getOpenAPI에는 X-Road 서비스 코드인 serviceCode 질의 매개변수가 필요합니다.",
        )
    return code


def subsystem_unknown(subsystem: str) -> errors.ExchangeError:
    return refused(
        errors.CLIENT_BAD_REQUEST,
        "subsystem_unknown",
        f"No service provider {subsystem} is known here.",
        f"{subsystem} 서비스 제공자를 여기에서 알 수 없습니다.",
        nara_status=404,
        subsystem=subsystem,
    )


def service_unknown(subsystem: SubsystemId, code: str) -> errors.ExchangeError:
    return refused(
        errors.SERVER_UNKNOWN_SERVICE,
        "service_unknown",
        f"The provider {subsystem} offers no service {code}.",
        f"{subsystem} 제공자에는 {code} 서비스가 없습니다.",
        nara_status=404,
    )


def answer(exchange: Any, policy: Any, session: Session, request: Request) -> Reply:
    """A metaservice call delivered to this node's gateway (`/r1/<provider>/<metaservice>`)."""
    if request.method not in {"GET", "HEAD"}:
        raise refused(
            errors.CLIENT_INVALID_HTTP_METHOD,
            "method_not_allowed",
            f"The metaservice {request.service.service_code} answers GET.",
            f"메타서비스 {request.service.service_code}는 GET 요청에 답합니다.",
        )
    provider = request.service.subsystem
    accept = request.header(H_ACCEPT)
    services = services_of(session, provider)
    if services is None:
        raise subsystem_unknown(str(provider))
    code = request.service.service_code
    if code == GET_OPENAPI:
        wanted = check_service_code(parse_qs(request.query).get("serviceCode", [""])[-1])
        text = openapi_of(session, provider, wanted)
        if text is None:
            raise service_unknown(provider, wanted)
        return Reply(body=text.encode(), content_type=JSON_TYPE)
    if code == ALLOWED_METHODS:
        services = allowed_of(session, services, request.client)
    return methods_reply([s.xroad() for s in services], accept)


def methods_reply(items: list[dict[str, Any]], accept: str | None) -> Reply:
    document = {"member": items}
    if wants_xml(accept):
        return Reply(body=to_xml("restServiceDetailsList", document), content_type=XML_TYPE)
    return Reply(body=json.dumps(document, ensure_ascii=False).encode(), content_type=JSON_TYPE)


def list_clients(session: Session, instance: str | None) -> list[dict[str, Any]]:
    """The members and subsystems of the directory (of one instance when asked), in X-Road's
    `clientList` shape."""
    members, subsystems = repository.all_members_and_subsystems(session)
    by_member: dict[int, list[ExchangeSubsystem]] = {}
    for subsystem in subsystems:
        by_member.setdefault(subsystem.member_id, []).append(subsystem)
    found: list[dict[str, Any]] = []
    for member in members:
        if instance and member.instance != instance:
            continue
        identity = {
            "member_class": member.member_class,
            "member_code": member.member_code,
            "object_type": "MEMBER",
            "xroad_instance": member.instance,
        }
        found.append({"id": identity, "name": member.name_en})
        for subsystem in by_member.get(member.id, []):
            found.append(
                {
                    "id": {
                        **identity,
                        "object_type": "SUBSYSTEM",
                        "subsystem_code": subsystem.subsystem_code,
                    },
                    "name": member.name_en,
                }
            )
    return found


def clients_xml(clients: list[dict[str, Any]]) -> bytes:
    """X-Road's `clientList` XML (namespaces of PR-META)."""
    from xml.sax.saxutils import escape

    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<ns2:clientList xmlns:ns1="http://x-road.eu/xsd/identifiers" '
        'xmlns:ns2="http://x-road.eu/xsd/xroad.xsd">',
    ]
    for client in clients:
        identity = client["id"]
        parts.append(f'<ns2:member><ns2:id ns1:objectType="{identity["object_type"]}">')
        parts.append(f"<ns1:xRoadInstance>{escape(identity['xroad_instance'])}</ns1:xRoadInstance>")
        parts.append(f"<ns1:memberClass>{escape(identity['member_class'])}</ns1:memberClass>")
        parts.append(f"<ns1:memberCode>{escape(identity['member_code'])}</ns1:memberCode>")
        if "subsystem_code" in identity:
            parts.append(
                f"<ns1:subsystemCode>{escape(identity['subsystem_code'])}</ns1:subsystemCode>"
            )
        parts.append(f"</ns2:id><ns2:name>{escape(client['name'])}</ns2:name></ns2:member>")
    parts.append("</ns2:clientList>")
    return "".join(parts).encode()
