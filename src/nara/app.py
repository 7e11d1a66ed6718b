"""The composition root: builds the FastAPI application from the kernel and the agencies."""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import State

import nara
from nara.applications.exchange import USES as APPLICATIONS_USES
from nara.applications.routes import router as applications_router
from nara.core.body_limit import BodyLimit
from nara.core.clock import Clock, SystemClock
from nara.core.db import make_engine, make_session_factory, unit_of_work
from nara.core.logging import configure_logging
from nara.core.pii import PiiCipher, cipher_from_settings, load_master_key
from nara.core.settings import Settings, get_settings
from nara.core.web import install_error_handlers
from nara.documents.exchange import USES as DOCUMENTS_USES
from nara.documents.routes import router as documents_router
from nara.exchange import Exchange
from nara.exchange.consent.acting import SignedInCitizen
from nara.exchange.consent.govstack import router as consent_govstack_router
from nara.exchange.consent.routes import router as consent_router
from nara.exchange.consent.service import register_agreements
from nara.exchange.directory_admin import platform as directory_platform
from nara.exchange.directory_admin.routes import router as exchange_router
from nara.exchange.http.consumer import router as xroad_router
from nara.exchange.http.metadata import router as metadata_router
from nara.exchange.http.transport import connect_peers
from nara.exchange.http.trust_routes import router as trust_router
from nara.exchange.members import AGENCY_MEMBERS
from nara.exchange.pubsub import RetryPolicy
from nara.exchange.pubsub.delivery import declared_event_types
from nara.exchange.pubsub.routes import router as pubsub_router
from nara.exchange.pubsub.service import subscribe_declared
from nara.exchange.trust import Keystore
from nara.exchange.usage_routes import router as usage_router
from nara.identity.access import check_csrf, current_principal
from nara.identity.routes import router as identity_router
from nara.identity.service import USES as IDENTITY_USES
from nara.lifeevents import birth_routes, death_routes, employment_routes, inheritance_routes
from nara.lifeevents import service as lifeevents_service
from nara.lifeevents.engine import CaseRunner
from nara.lifeevents.exchange import USES as LIFEEVENTS_USES
from nara.lifeevents.routes import router as lifeevents_router

AGENCIES: tuple[str, ...] = (
    "residents", "family", "land", "vehicles", "business", "tax", "welfare", "passports",
    "finance",
)  # fmt: skip
"""Agency packages mounted by this install, in the order the home page lists them."""

PLATFORM_EVENT_MODULES: tuple[str, ...] = (
    "nara.exchange.events",
    "nara.documents.exchange",
    "nara.applications.exchange",
    "nara.lifeevents.exchange",
)
"""Platform packages that declare `EVENTS` (and, for the worker, `CONSUMERS`)."""

SINGLE_WINDOW = "gov24"
"""The exchange subsystem of the single window (identity, documents, the portal)."""


def load_models() -> None:
    """Import every package's tables so that the shared MetaData knows them all."""
    for module in (
        "nara.core.outbox",
        "nara.core.idempotency",
        "nara.core.access",
        "nara.exchange.messagelog",
        "nara.exchange.directory_admin.models",
        "nara.exchange.consent.models",
        "nara.exchange.pubsub.models",
        "nara.exchange.timestamps",
        "nara.exchange.usage",
        "nara.identity.models",
        "nara.documents.models",
        "nara.applications.models",
        "nara.lifeevents.models",
    ):
        importlib.import_module(module)
    for agency in AGENCIES:
        importlib.import_module(f"nara.{agency}.models")


def build_exchange(keystore: Keystore | None = None, settings: Settings | None = None) -> Exchange:
    """The exchange with the services every agency declares in its `exchange.py` (`SERVICES`),
    and the services each calls (`USES`), signing with `keystore`."""
    exchange = Exchange(keystore=keystore)
    if settings is not None:
        exchange.replay_window = dt.timedelta(seconds=settings.exchange_replay_window_seconds)
        exchange.local_agencies = frozenset(settings.exchange_node_agencies)
        exchange.max_body = settings.exchange_max_body_bytes
        exchange.ca_holder = settings.exchange_ca_holder
    for agency in AGENCIES:
        declarations = importlib.import_module(f"nara.{agency}.exchange")
        exchange.offer_all(declarations.SERVICES)
        exchange.uses[agency] = tuple(declarations.USES)
    exchange.uses[SINGLE_WINDOW] = tuple(
        dict.fromkeys([*IDENTITY_USES, *DOCUMENTS_USES, *APPLICATIONS_USES, *LIFEEVENTS_USES])
    )
    return exchange


def declared_subscriptions() -> dict[str, dict[str, str]]:
    """The events each agency follows with an in-process consumer (its `SUBSCRIPTIONS`)."""
    found: dict[str, dict[str, str]] = {}
    for agency in AGENCIES:
        follows = getattr(importlib.import_module(f"nara.{agency}.exchange"), "SUBSCRIPTIONS", {})
        if follows:
            found[agency] = dict(follows)
    return found


def event_sources() -> list[ModuleType]:
    """The modules declaring the event types of this install (`EVENTS`)."""
    modules = [importlib.import_module(name) for name in PLATFORM_EVENT_MODULES]
    modules += [importlib.import_module(f"nara.{agency}.exchange") for agency in AGENCIES]
    return modules


@dataclass
class Platform:
    """The running platform's shared parts, built once per process (or per test)."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    clock: Clock = field(default_factory=SystemClock)
    cipher: PiiCipher | None = None
    keystore: Keystore | None = None

    def ensure_keystore(self) -> Keystore:
        """The exchange keystore of these settings (its CA created on first use outside
        production), built once."""
        if self.keystore is None:
            self.keystore = Keystore.from_settings(
                self.settings, load_master_key(self.settings), clock=self.clock
            )
        return self.keystore

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Platform:
        settings = settings or get_settings()
        engine = make_engine(settings.database_url, echo=settings.database_echo)
        return cls(
            settings=settings,
            engine=engine,
            session_factory=make_session_factory(engine),
            cipher=cipher_from_settings(settings),
        )


def sync_directory(platform: Platform, exchange: Exchange) -> None:
    """Register every agency and its declared services in the exchange directory.

    Idempotent (new services start disabled; existing ones keep their state and rights).
    Skipped on a database whose directory tables do not exist yet (not migrated).
    Two processes starting together may race; the loser retries once and finds the rows.
    """
    for attempt in (1, 2):
        try:
            with unit_of_work(platform.session_factory) as session:
                if directory_platform.directory_is_migrated(session):
                    directory_platform.register_platform(
                        session,
                        platform.clock,
                        exchange.services,
                        agencies=(*AGENCIES, SINGLE_WINDOW),
                        uses=exchange.uses,
                    )
                    register_agreements(
                        session,
                        platform.clock,
                        [(s.id, purpose) for s in exchange.services for purpose in s.purposes],
                    )

            return
        except IntegrityError:
            # Another process starting at the same moment registered the same rows first;
            # the second pass finds them.
            if attempt == 2:
                raise


def connected_exchange(platform: Platform) -> Exchange:
    """The exchange of a running process: every agency's services, signing with the
    platform's keystore, with the configured peers' transports.

    The node holding the CA makes the signing keys of the members whose agencies it serves
    (and more on first use); a node that joined another's exchange signs only with the keys
    it requested and installed (`nara exchange keys request`).
    """
    keystore = platform.ensure_keystore()
    exchange = build_exchange(keystore, platform.settings)
    if exchange.ca_holder:
        served = [a for a in AGENCY_MEMBERS if exchange.serves_locally(a)]
        for member in dict.fromkeys(AGENCY_MEMBERS[a].id for a in served):
            keystore.ensure_signer(member)
    connect_peers(exchange, platform.settings, keystore)
    return exchange


def case_runner(platform: Platform, exchange: Exchange | None = None) -> CaseRunner:
    """The runner of one-stop cases' steps, as `nara worker` runs it on every pass."""
    return CaseRunner(
        session_factory=platform.session_factory,
        clock=platform.clock,
        exchange=exchange or connected_exchange(platform),
        cipher=platform.cipher or cipher_from_settings(platform.settings),
        policy=RetryPolicy.from_settings(platform.settings),
        batch=platform.settings.worker_batch,
        on_finished=lifeevents_service.on_finished,
        on_step_done=lifeevents_service.on_step_done,
    )


def install_subscriptions(platform: Platform) -> None:
    """Subscribe each agency's in-process consumers to the events it follows (its declared
    `SUBSCRIPTIONS`), once per install: `nara db upgrade`, `nara serve` and `nara worker` do
    it; an operator's later cancellation stands."""
    with unit_of_work(platform.session_factory) as session:
        if directory_platform.directory_is_migrated(session):
            subscribe_declared(
                session,
                clock=platform.clock,
                declared=declared_subscriptions(),
                event_types=declared_event_types(event_sources()),
            )


def create_app(platform: Platform | None = None) -> FastAPI:
    """Build the web application: every agency's API, the home page, problem+json errors."""
    return bind_platform(assemble_app(), platform or Platform.from_settings())


def assemble_app() -> FastAPI:
    """The application's routes, error handlers and static files, serving no platform yet.

    FastAPI prepares an included router's routes on the first request that reaches them;
    an app assembled once keeps that work (the tests bind one assembled app per process).
    """
    load_models()
    app = FastAPI(
        title="Nara",
        version=nara.__version__,
        summary="Open-source e-government platform: base registries and public services.",
        docs_url="/docs",
        redoc_url=None,
    )
    install_error_handlers(app)
    app.add_middleware(BodyLimit)
    app.include_router(exchange_router)
    app.include_router(usage_router)
    app.include_router(consent_router)
    app.include_router(consent_govstack_router)
    app.include_router(pubsub_router)
    app.include_router(xroad_router)
    app.include_router(metadata_router)
    app.include_router(trust_router)
    app.include_router(identity_router)
    app.include_router(documents_router)
    app.include_router(applications_router)
    app.include_router(lifeevents_router)
    for kind in (birth_routes, death_routes, inheritance_routes, employment_routes):
        app.include_router(kind.router)
    for agency in AGENCIES:
        routes = importlib.import_module(f"nara.{agency}.routes")
        app.include_router(routes.router)
    from nara.portal.routes import router as portal_router

    app.include_router(portal_router)
    app.mount(
        "/static", StaticFiles(directory=Path(__file__).parent / "portal" / "static"), name="static"
    )
    return app


async def signed_in_citizen(request: Request) -> SignedInCitizen | None:
    """The citizen signed in on a request (None without a live citizen session), his
    session's CSRF token checked for an unsafe method: how the consent API, which may not
    import `nara.identity`, learns who the individual is (`app.state.signed_in_citizen`)."""
    principal = await run_in_threadpool(current_principal, request)
    if principal is None or principal.kind != "citizen" or principal.person_id is None:
        return None
    await check_csrf(request)
    return SignedInCitizen(principal.person_id, principal.actor)


def bind_platform(app: FastAPI, platform: Platform) -> FastAPI:
    """Make an assembled app serve `platform`: its settings, database, clock, keys and
    exchange (in a fresh `app.state`); registers the install in the exchange directory."""
    from nara.portal.rendering import secured_error_page

    configure_logging(platform.settings.log_level, json=platform.settings.log_json)
    app.state = State()
    app.state.settings = platform.settings
    app.state.session_factory = platform.session_factory
    app.state.clock = platform.clock
    app.state.cipher = platform.cipher or cipher_from_settings(platform.settings)
    app.state.keystore = platform.ensure_keystore()
    app.state.exchange = connected_exchange(platform)
    app.state.pubsub_event_types = declared_event_types(event_sources())
    app.state.html_error_page = secured_error_page
    app.state.signed_in_citizen = signed_in_citizen
    sync_directory(platform, app.state.exchange)
    return app
