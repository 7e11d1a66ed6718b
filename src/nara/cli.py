"""The `nara` command: database, synthetic nation, tokens, and the web server."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import importlib
import json
import os
import signal
import threading
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from sqlalchemy import func, select

from nara import cli_exchange, cli_trust
from nara.cli_exchange import directory_app, keys_app
from nara.cli_exchange import upkeep as exchange_upkeep
from nara.core.access import issue_token
from nara.core.db import make_engine, unit_of_work
from nara.core.errors import NaraError
from nara.core.logging import configure_logging
from nara.core.pii import cipher_from_settings
from nara.core.settings import Settings, get_settings
from nara.exchange.pubsub import Consumers, build_worker, declared_consumers
from nara.exchange.pubsub.delivery import Worker

if TYPE_CHECKING:
    from nara.app import Platform
    from nara.nation import NationReport

# Locals are never printed with a traceback: they may hold keys or personal data.
app = typer.Typer(
    help="Nara e-government platform.", no_args_is_help=True, pretty_exceptions_show_locals=False
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
nation_app = typer.Typer(help="The synthetic nation.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for officials' systems.", no_args_is_help=True)
exchange_app = typer.Typer(
    help="The information exchange: directory, keys and the message log.", no_args_is_help=True
)
exchange_app.add_typer(keys_app, name="keys")
exchange_app.add_typer(directory_app, name="directory")
exchange_app.add_typer(cli_trust.ca_app, name="ca")
exchange_app.add_typer(cli_trust.node_app, name="node")
exchange_app.add_typer(cli_trust.trust_app, name="trust")
keys_app.command("request")(cli_trust.keys_request)
keys_app.command("install")(cli_trust.keys_install)
exchange_app.command("upkeep")(exchange_upkeep)
exchange_app.command("init-ca")(cli_exchange.init_ca)
exchange_app.command("verify-log")(cli_exchange.verify_log)
exchange_app.command("evidence")(cli_exchange.evidence)
app.add_typer(exchange_app, name="exchange")
app.add_typer(db_app, name="db")
app.add_typer(nation_app, name="nation")
app.add_typer(token_app, name="token")

console = Console()


def app_root() -> ModuleType:
    """The composition root, imported when a command needs the application (it is the
    slowest import of all: the CLI's other commands start without it)."""
    return importlib.import_module("nara.app")


DEMO_TOKEN_NAME = "demo-registrar"  # noqa: S105  (a name, not a secret)
DEMO_SCOPES = [
    "residents:*",
    "family:*",
    "land:*",
    "vehicles:*",
    "business:*",
    "exchange:*",
    "consent:*",
]


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Migrate the database at NARA_DATABASE_URL to the latest schema, then register this
    install's agencies, services and data agreements in the exchange directory."""
    from nara.migrations import upgrade

    settings = get_settings()
    upgrade(settings.database_url, revision)
    console.print(f"[green]Database at revision {revision}.[/green]")
    if revision == "head":
        app_root().load_models()
        platform = app_root().Platform.from_settings(settings)
        try:
            app_root().sync_directory(platform, app_root().build_exchange())
            app_root().install_subscriptions(platform)
        finally:
            platform.engine.dispose()
        console.print("This install's agencies and services are in the exchange directory.")


@nation_app.command("build")
def nation_build(
    residents: Annotated[int, typer.Option(min=1, help="Number of residents.")] = 10_000,
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed builds the same nation.")
    ] = 2026,
) -> None:
    """Build a deterministic synthetic nation into an empty, migrated database."""
    settings = get_settings()
    try:
        report = _build(settings, residents=residents, seed=seed)
    except ValueError as refused:
        console.print(f"[red]Not built:[/red] {refused}")
        raise typer.Exit(code=1) from None
    table = Table("table", "rows", title=f"Nation built in {report.seconds:.1f} s")
    for name, rows in sorted(report.rows.items()):
        table.add_row(name, f"{rows:,}")
    console.print(table)


@nation_app.command("digest")
def nation_digest_command() -> None:
    """Print the SHA-256 digest of every registry's content (same seed, same digest)."""
    from nara.nation import nation_digest

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        console.print(nation_digest(engine, cipher_from_settings(settings)))
    finally:
        engine.dispose()


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Option(help="Who holds the token (system or official).")],
    scope: Annotated[list[str], typer.Option(help="Scope such as residents:read; repeatable.")],
    client: Annotated[
        str | None,
        typer.Option(
            help="The exchange subsystem the token calls as, e.g. KR/GOV/SCOURT/land "
            "(required with the scope exchange:call)."
        ),
    ] = None,
) -> None:
    """Issue an API token. It is shown once; only its digest is stored."""
    from nara.cli_trust import checked_client

    app_root().load_models()
    platform = app_root().Platform.from_settings()
    try:
        with unit_of_work(platform.session_factory) as session:
            bound = None if client is None else checked_client(session, client)
            token = issue_token(
                session, name=name, scopes=scope, now=dt.datetime.now(dt.UTC), client=bound
            )
    except NaraError as refused:
        console.print(f"[red]{refused.code}[/red]: {refused.message.en}")
        raise typer.Exit(code=2) from None
    finally:
        platform.engine.dispose()
    console.print(token)


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    node: Annotated[
        bool,
        typer.Option(
            "--node",
            help="Also serve the exchange node's mutual-TLS listener on NARA_EXCHANGE_NODE_PORT.",
        ),
    ] = False,
    tls: Annotated[
        bool,
        typer.Option(
            "--tls",
            help="Serve the platform over HTTPS with this node's certificate; information "
            "systems may then call /r1 with a client certificate of their subsystem.",
        ),
    ] = False,
    node_name: Annotated[
        str | None,
        typer.Option(help="This node's name in its TLS certificate (default: the host name)."),
    ] = None,
) -> None:
    """Serve the platform over HTTP or HTTPS (and, with --node, the exchange node over
    mutual TLS)."""
    import asyncio

    import uvicorn

    from nara.exchange.http.node import create_node_app, node_config
    from nara.exchange.http.tls import node_name as default_node_name
    from nara.exchange.http.tls import web_tls_options

    settings = get_settings()
    platform = app_root().Platform.from_settings(settings)
    web = app_root().create_app(platform)
    app_root().install_subscriptions(platform)
    bind = host or settings.host
    name = default_node_name(node_name or settings.exchange_node_name)
    options = web_tls_options(platform.ensure_keystore(), name) if tls else {}
    web_config = uvicorn.Config(
        web,
        host=bind,
        port=port or settings.port,
        log_level=settings.log_level.lower(),
        **options,
    )
    servers = [uvicorn.Server(web_config)]
    if node:
        node_app = create_node_app(
            web.state.exchange, platform.session_factory, platform.clock, web.state.cipher
        )
        servers.append(
            uvicorn.Server(
                node_config(
                    node_app,
                    platform.ensure_keystore(),
                    name=name,
                    host=bind,
                    port=settings.exchange_node_port,
                    log_level=settings.log_level.lower(),
                )
            )
        )
    if len(servers) == 1:
        servers[0].run()
        return

    async def both() -> None:
        # One signal handler stops both servers (each would otherwise take over the other's).
        def stop() -> None:
            for server in servers:
                server.should_exit = True

        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop)
        for server in servers:
            server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign,assignment]
        await asyncio.gather(*(server.serve() for server in servers))

    asyncio.run(both())


def _exchange_upkeep(platform: Platform) -> None:
    from nara.exchange.timestamps import authority_from_settings
    from nara.exchange.upkeep import run_upkeep

    authority = authority_from_settings(
        platform.settings, platform.ensure_keystore(), platform.clock
    )
    run_upkeep(platform.session_factory, platform.clock, platform.settings, authority)


WORKER_PERIODIC: list[Callable[[Platform], None]] = [_exchange_upkeep]
"""Tasks `nara worker` runs once per pass, after fan-out and deliveries; each decides itself
whether it is due (the hook for the message log's batch time-stamp). A failing task is
logged and does not stop the worker."""

WORKER_PLUGINS_ENV = "NARA_WORKER_PLUGINS"
"""Comma-separated modules whose `CONSUMERS` (name → consumer) `nara worker` also loads
(tests and local extensions; see docs/pubsub.md)."""


def _worker_consumers() -> Consumers:
    """The in-process consumers: each agency's `exchange.CONSUMERS`, then the plugins'."""
    modules = [importlib.import_module(name) for name in app_root().PLATFORM_EVENT_MODULES]
    modules += [
        importlib.import_module(f"nara.{agency}.exchange") for agency in app_root().AGENCIES
    ]
    plugins = os.environ.get(WORKER_PLUGINS_ENV, "")
    modules += [
        importlib.import_module(name.strip()) for name in plugins.split(",") if name.strip()
    ]
    return declared_consumers(modules)


def _worker_for(platform: Platform) -> Worker:
    exchange = app_root().connected_exchange(platform)
    app_root().sync_directory(platform, exchange)
    app_root().install_subscriptions(platform)
    runner = app_root().case_runner(platform, exchange)
    return build_worker(
        platform.settings,
        session_factory=platform.session_factory,
        clock=platform.clock,
        consumers=_worker_consumers(),
        periodic=[functools.partial(task, platform) for task in WORKER_PERIODIC],
        # One batch of steps per pass, so that SIGTERM waits for one batch at most.
        jobs=[functools.partial(runner.run_due, limit=platform.settings.worker_batch)],
    )


@app.command("check")
def check(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Check that the registers agree with each other (addresses kept by tax and vehicles,
    one-stop cases); exit 1 when any disagreement is found."""
    from nara.lifeevents.consistency import check_registers

    settings = get_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    app_root().load_models()
    platform = app_root().Platform.from_settings(settings)
    try:
        exchange = app_root().connected_exchange(platform)
        app_root().sync_directory(platform, exchange)
        with Progress(
            TextColumn("[bold]Checking persons"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=as_json,
        ) as bar:
            task = bar.add_task("check", total=None)
            report = check_registers(
                platform.session_factory,
                platform.clock,
                exchange=exchange,
                cipher=platform.cipher or cipher_from_settings(settings),
                progress=lambda n: bar.advance(task, n),
            )
    finally:
        platform.engine.dispose()
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "persons_checked": report.persons_checked,
                    "disagreements": report.total,
                    "counts": report.counts,
                    "samples": report.samples,
                },
                ensure_ascii=False,
                default=str,
            )
        )
    else:
        console.print(f"Persons checked: {report.persons_checked:,}")
        if not report.total:
            console.print("[green]The registers agree.[/green]")
        for kind, count in sorted(report.counts.items()):
            console.print(f"[red]{kind}[/red]: {count:,}")
            for sample in report.samples[kind][:5]:
                console.print(f"  {sample}")
    if report.total:
        raise typer.Exit(1)


@app.command("worker")
def worker(
    once: Annotated[
        bool, typer.Option("--once", help="Run until nothing is due, then exit (tests, cron).")
    ] = False,
) -> None:
    """Deliver outbox events to subscribers: fan out, push with retries, run periodic tasks.

    Runs until SIGTERM or SIGINT, then finishes the pass under way and exits 0.
    """
    settings = get_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    app_root().load_models()
    platform = app_root().Platform.from_settings(settings)
    runner = _worker_for(platform)
    try:
        if once:
            runner.run_until_idle()
            return
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        runner.run_forever(stop)
    finally:
        platform.engine.dispose()


@app.command("demo")
def demo(
    host: Annotated[str | None, typer.Option(help="Address to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Migrate, build the demo nation if the database is empty, print logins, and serve.

    Runs as the `demo` environment (one-click demo accounts on) unless NARA_ENVIRONMENT
    says otherwise.
    """
    from nara.migrations import upgrade

    os.environ.setdefault("NARA_ENVIRONMENT", "demo")
    get_settings.cache_clear()
    settings = get_settings()
    upgrade(settings.database_url)
    platform = app_root().Platform.from_settings(settings)
    app_root().load_models()
    from nara.residents.models import Person

    with unit_of_work(platform.session_factory) as session:
        empty = not session.scalar(select(func.count()).select_from(Person))
    if empty:
        _build(settings, residents=settings.demo_residents, seed=settings.demo_seed)
    token = _demo_token(platform)
    _demo_accounts(platform)
    # The demo runs the worker in the same process: events are delivered and the exchange's
    # log chained and time-stamped while the demo is up.
    threading.Thread(
        target=_worker_for(platform).run_forever,
        args=(threading.Event(),),
        name="nara-worker",
        daemon=True,
    ).start()
    base = f"http://{host or settings.host}:{port or settings.port}"
    console.rule("[bold]Nara demo")
    for line in (
        f"Home page:        {base}/",
        f"API reference:    {base}/docs",
        f"Registrar token:  {token}",
        f"  scopes:         {', '.join(DEMO_SCOPES)}",
        f'  try: curl -H "Authorization: Bearer {token}" {base}/api/residents/persons/1',
        "Exchange call (X-Road REST, as the land registry):",
        f'  curl -X POST -H "Authorization: Bearer {token}" '
        '-H "X-Road-Client: KR/GOV/SCOURT/land" -H "X-Road-Issue: purpose=register-check" '
        f"-d '{{\"person_ids\": [1]}}' {base}/r1/KR/GOV/MOIS/residents/person-summaries",
        f"Who viewed person 1: {base}/api/exchange/data/myPersonalDataUsage?userId=1 "
        '(header "Information-Mediator-Client: KR/GOV/MOIS/portal")',
        f"Citizen portal:   {base}/signin (one-click demo citizen and official, marked 데모/Demo)",
        "  try: as the citizen, apply for 자동차등록증 재발급 (re-issue of a vehicle registration",
        "  card) at /services; as the official, approve it at /office/vehicles; the certificate",
        "  then waits in the citizen's /wallet, verifiable by anyone at /verify.",
        "  Life events: as the citizen, file a moving-in report at /life-events (within 14 days",
        "  of the move); the worker in this process carries it to the resident register, the tax",
        "  office and the vehicle register; follow each step on the case page. `nara check`",
        "  reports any disagreement between the registers.",
    ):
        console.print(line, soft_wrap=True, highlight=False, markup=False)
    console.rule()
    serve(host=host, port=port)


def _demo_accounts(platform: Platform) -> None:
    """The demo citizen and the demo official (of the vehicle register). The citizen is the
    first living adult who owns a vehicle, so that he can apply for the re-issue of its
    registration card, which the official approves (the first living resident if nobody
    owns one)."""
    from nara.core.clock import today
    from nara.identity.service import ensure_demo_accounts
    from nara.residents.models import Person
    from nara.vehicles.models import Vehicle

    adult = today(platform.clock) - dt.timedelta(days=19 * 366)
    living = select(Person.id).where(Person.status == "alive").order_by(Person.id).limit(1)
    owner = living.join(
        Vehicle, (Vehicle.owner_kind == "person") & (Vehicle.owner_id == Person.id)
    ).where(Person.birth_date <= adult)
    with unit_of_work(platform.session_factory) as session:
        person_id = session.scalar(owner) or session.scalar(living)
        if person_id is not None:
            ensure_demo_accounts(session, clock=platform.clock, person_id=person_id)


def _demo_token(platform: Platform) -> str:
    """A fresh token for the demo registrar (earlier demo tokens are revoked)."""
    from nara.core.access import ApiToken

    now = dt.datetime.now(dt.UTC)
    with unit_of_work(platform.session_factory) as session:
        for old in session.scalars(
            select(ApiToken).where(ApiToken.name.like(f"{DEMO_TOKEN_NAME}%"))
        ):
            if old.revoked_at is None:
                old.revoked_at = now
        return issue_token(
            session, name=f"{DEMO_TOKEN_NAME}-{now:%Y%m%d%H%M%S%f}", scopes=DEMO_SCOPES, now=now
        )


def _build(settings: Settings, *, residents: int, seed: int) -> NationReport:
    """Build a nation with a progress bar per stage."""
    from nara.nation import build_nation

    engine = make_engine(settings.database_url)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=console) as progress:
            tasks: dict[str, TaskID] = {}

            def on_progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = progress.add_task(stage, total=total)
                progress.update(tasks[stage], completed=done, total=total)

            return build_nation(
                engine,
                cipher_from_settings(settings),
                residents=residents,
                seed=seed,
                batch_rows=settings.bulk_batch_rows,
                on_progress=on_progress,
            )
    finally:
        engine.dispose()


def main() -> None:
    app()
