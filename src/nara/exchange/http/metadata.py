"""Service metadata on the main app: X-Road's `listClients`, and the GovStack IM paths.

`GET /listClients` answers from this node's directory (X-Road's `clientList`, JSON by default
or XML when `Accept` prefers it), optionally for one `instanceId`. The GovStack Information
Mediator's directory paths `/{GovStackInstance}/{memberClass}/{memberCode}/{applicationCode}/
listMethods | allowedMethods | getOpenAPI` answer likewise, in GovStack's field names:
identifiers that are not X-Road identifiers, or name no provider known here, are 400.
`allowedMethods` lists what the caller may call: the subsystem its bearer token is bound to
(`Information-Mediator-Client` or `X-GovStack-Client` must name it when given). A caller not
so identified may call nothing anywhere, so its answer is the empty list whatever the path
names: it is not read, and tells nothing of which providers exist. Service metadata is
public, as X-Road's global configuration is.
"""

from __future__ import annotations

import json
from typing import Annotated, Final

from fastapi import APIRouter, Depends, Query
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from nara.core.access import authenticate, public
from nara.core.db import unit_of_work
from nara.core.errors import NaraError
from nara.exchange import metaservices
from nara.exchange.errors import JSON_TYPE, XML_TYPE, ExchangeError, wants_xml
from nara.exchange.http.wire import error_response
from nara.exchange.trust.identifiers import SubsystemId

router = APIRouter(tags=["exchange metadata"])

Public = Depends(public("service metadata is public, as X-Road's global configuration is"))
CLIENT_HEADERS: Final = ("information-mediator-client", "x-govstack-client", "x-road-client")


@router.get("/listClients", dependencies=[Public], response_class=Response)
async def list_clients(
    request: Request,
    instance_id: Annotated[
        str | None, Query(alias="instanceId", description="Only this instance's clients.")
    ] = None,
) -> Response:
    """The members and subsystems of the exchange (X-Road `listClients`)."""

    def work() -> list[dict[str, object]]:
        with unit_of_work(request.app.state.session_factory) as session:
            return metaservices.list_clients(session, instance_id)

    clients = await run_in_threadpool(work)
    if wants_xml(request.headers.get("accept")):
        return Response(metaservices.clients_xml(clients), media_type=XML_TYPE)
    body = json.dumps({"member": clients}, ensure_ascii=False).encode()
    return Response(body, media_type=JSON_TYPE)


def _provider(instance: str, member_class: str, member_code: str, application: str) -> SubsystemId:
    try:
        return SubsystemId(instance, member_class, member_code, application)
    except NaraError:
        raise metaservices.subsystem_unknown(
            "/".join((instance, member_class, member_code, application))[:300]
        ) from None


def _client_of(request: Request) -> SubsystemId | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    with request.app.state.session_factory() as session:
        caller = authenticate(session, token.strip())
    if caller is None or not caller.client:
        return None
    bound = SubsystemId.parse(caller.client)
    for name in CLIENT_HEADERS:
        claimed = request.headers.get(name)
        if claimed and claimed != str(bound):
            return None
    return bound


_PATH = "/{instance}/{member_class}/{member_code}/{application}"


@router.get(_PATH + "/listMethods", dependencies=[Public], response_class=Response)
async def list_methods(
    request: Request, instance: str, member_class: str, member_code: str, application: str
) -> Response:
    """The REST services and endpoints of a provider (GovStack IM `listMethods`)."""
    provider = (instance, member_class, member_code, application)
    return await _methods(request, provider, allowed_only=False)


@router.get(_PATH + "/allowedMethods", dependencies=[Public], response_class=Response)
async def allowed_methods(
    request: Request, instance: str, member_class: str, member_code: str, application: str
) -> Response:
    """The services and endpoints of a provider the caller may call (`allowedMethods`)."""
    provider = (instance, member_class, member_code, application)
    return await _methods(request, provider, allowed_only=True)


async def _methods(
    request: Request, parts: tuple[str, str, str, str], *, allowed_only: bool
) -> Response:
    def work() -> list[dict[str, object]]:
        client = _client_of(request) if allowed_only else None
        if allowed_only and client is None:
            return []
        provider = _provider(*parts)
        with unit_of_work(request.app.state.session_factory) as session:
            services = metaservices.services_of(session, provider)
            if services is None:
                raise metaservices.subsystem_unknown(str(provider))
            if allowed_only:
                services = metaservices.allowed_of(session, services, client)
            return [service.govstack() for service in services]

    try:
        items = await run_in_threadpool(work)
    except ExchangeError as error:
        return error_response(error, "", request.headers.get("accept"))
    reply = metaservices.methods_reply(items, request.headers.get("accept"))
    return Response(reply.body, media_type=reply.content_type)


@router.get(_PATH + "/getOpenAPI", dependencies=[Public], response_class=Response)
async def get_openapi(  # noqa: PLR0917  (the path's four parts, as FastAPI passes them)
    request: Request,
    instance: str,
    member_class: str,
    member_code: str,
    application: str,
    service_code: Annotated[str | None, Query(alias="serviceCode")] = None,
) -> Response:
    """The OpenAPI description of one service, as a JSON string (GovStack IM `getOpenAPI`)."""

    def work() -> str:
        provider = _provider(instance, member_class, member_code, application)
        code = metaservices.check_service_code(service_code)
        with unit_of_work(request.app.state.session_factory) as session:
            if metaservices.services_of(session, provider) is None:
                raise metaservices.subsystem_unknown(str(provider))
            text = metaservices.openapi_of(session, provider, code)
        if text is None:
            raise metaservices.service_unknown(provider, code)
        return text

    try:
        text = await run_in_threadpool(work)
    except ExchangeError as error:
        return _string_error(error)
    return Response(json.dumps(text, ensure_ascii=False).encode(), media_type=JSON_TYPE)


def _string_error(error: ExchangeError) -> Response:
    """A refusal of GovStack's `getOpenAPI`, whose answers are JSON strings: the message, with
    the X-Road type in `X-Road-Error` and Nara's code in `X-Nara-Code`."""
    body = json.dumps(f"{error.xroad_type}: {error.message.en}", ensure_ascii=False).encode()
    return Response(
        body,
        status_code=error.http_status,
        media_type=JSON_TYPE,
        headers={"X-Road-Error": error.xroad_type, "X-Nara-Code": error.code},
    )
