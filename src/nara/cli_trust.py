"""`nara exchange ca | keys request/install | node | client-cert | trust` for operators.

How nodes and information systems come to trust each other without sharing a secret: each
makes its own keys and sends a certificate signing request to the node holding the platform
CA (`nara exchange ca sign`, or `POST /api/exchange/ca/certificates`); the CA's holder sends
back a certificate; each node publishes its certificates (`GET /api/exchange/configuration`)
and imports the others' (`nara exchange trust import`). No file holding a private key ever
leaves the node that made it. docs/exchange-nodes.md walks through it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from nara.core.clock import SystemClock
from nara.core.errors import Invalid, Message, NaraError
from nara.core.pii import load_master_key
from nara.core.settings import get_settings
from nara.exchange.directory_admin.service import get_subsystem
from nara.exchange.trust import Keystore, SubsystemId, fingerprint
from nara.exchange.trust import requests as csr

console = Console()
ca_app = typer.Typer(help="The platform CA (on the node that holds it).", no_args_is_help=True)
node_app = typer.Typer(help="This node's TLS certificate.", no_args_is_help=True)
trust_app = typer.Typer(help="Other nodes' published configuration.", no_args_is_help=True)


def keystore() -> Keystore:
    settings = get_settings()
    return Keystore.from_settings(settings, load_master_key(settings), clock=SystemClock())


def refuse(error: NaraError) -> typer.Exit:
    console.print(f"[red]{error.code}[/red]: {error.message.en}")
    return typer.Exit(code=2)


def checked_client(session: Session, text: str) -> str:
    """A subsystem of the exchange directory, as a token's binding (422 otherwise)."""
    try:
        subsystem = SubsystemId.parse(text)
        get_subsystem(session, subsystem)
    except NaraError as error:
        raise Invalid(
            "token_client_invalid",
            Message(
                f"{text!r} is not a subsystem of the exchange directory: {error.message.en}",
                f"{text!r}은(는) 정보공유 디렉터리의 시스템이 아닙니다: {error.message.ko}",
            ),
            {"field": "client"},
        ) from None
    return str(subsystem)


def _write(out: Path | None, data: bytes) -> None:
    if out is None:
        typer.echo(data.decode(), nl=False)
    else:
        out.write_bytes(data)
        console.print(f"written to {out}")


@ca_app.command("sign")
def ca_sign(
    kind: Annotated[str, typer.Option(help="member, node or client.")],
    name: Annotated[
        str,
        typer.Option(
            help="What the certificate is for: a member id (KR/GOV/SCOURT), a node's host "
            "name, or an information system's subsystem (KR/GOV/SCOURT/land)."
        ),
    ],
    request: Annotated[Path, typer.Option("--csr", help="The PEM signing request.")],
    out: Annotated[Path | None, typer.Option(help="Where to write the certificate.")] = None,
) -> None:
    """Certify a key made elsewhere, from its signing request (this node holds the CA)."""
    try:
        certificate = csr.certify(keystore(), request.read_bytes(), kind=kind, name=name)  # type: ignore[arg-type]
    except NaraError as error:
        raise refuse(error) from None
    _write(out, certificate)


def keys_request(
    member: Annotated[str, typer.Option(help="A member of this node, e.g. KR/GOV/SCOURT.")],
    out: Annotated[Path | None, typer.Option(help="Where to write the request.")] = None,
) -> None:
    """Make a new signing key for a member (kept here) and its request to the CA's holder."""
    try:
        _write(out, csr.request_member_key(keystore(), member))
    except (NaraError, ValueError) as error:
        raise _plain(error) from None


def keys_install(
    member: Annotated[str, typer.Option(help="The member the certificate is for.")],
    certificate: Annotated[Path, typer.Option(help="The PEM certificate the CA sent back.")],
) -> None:
    """Install the certificate of a member's requested key: it becomes the active key."""
    try:
        kid = csr.install_member_certificate(keystore(), member, certificate.read_bytes())
    except (NaraError, ValueError) as error:
        raise _plain(error) from None
    console.print(f"{member}: active key {kid}")


@node_app.command("request")
def node_request(
    name: Annotated[str, typer.Option(help="This node's host name, as peers reach it.")],
    out: Annotated[Path | None, typer.Option(help="Where to write the request.")] = None,
) -> None:
    """Make this node's TLS key (kept here) and its request to the CA's holder."""
    try:
        _write(out, csr.request_node_key(keystore(), name))
    except (NaraError, ValueError) as error:
        raise _plain(error) from None


@node_app.command("install")
def node_install(
    name: Annotated[str, typer.Option(help="This node's host name.")],
    certificate: Annotated[Path, typer.Option(help="The PEM certificate the CA sent back.")],
) -> None:
    """Install this node's TLS certificate for its requested key."""
    try:
        csr.install_node_certificate(keystore(), name, certificate.read_bytes())
    except (NaraError, ValueError) as error:
        raise _plain(error) from None
    console.print(f"node {name}: TLS certificate installed")


@trust_app.command("import")
def trust_import(
    source: Annotated[
        str, typer.Argument(help="A node's published configuration: a URL or a file.")
    ],
    ca_fingerprint: Annotated[
        str,
        typer.Option(help="The SHA-256 fingerprint of the platform CA, got from its holder."),
    ],
) -> None:
    """Trust the CA (once, by its fingerprint) and import a node's published certificates."""
    from nara.app import Platform, load_models
    from nara.core.db import unit_of_work
    from nara.exchange.configuration import fetch, import_configuration

    load_models()
    platform = Platform.from_settings()
    try:
        document = fetch(source)
        with unit_of_work(platform.session_factory) as session:
            report = import_configuration(
                session,
                platform.clock,
                platform.ensure_keystore(),
                document,
                ca_fingerprint=ca_fingerprint,
            )
    except NaraError as error:
        raise refuse(error) from None
    finally:
        platform.engine.dispose()
    console.print(
        f"CA {report.ca_fingerprint[:16]}…; {report.certificates} member certificates, "
        f"{report.members} members, {report.subsystems} subsystems, "
        f"{report.services} services imported"
    )


@trust_app.command("fingerprint")
def trust_fingerprint() -> None:
    """Print the SHA-256 fingerprint of the CA this node trusts (to give to other nodes)."""
    try:
        typer.echo(fingerprint(keystore().ca_certificate))
    except NaraError as error:
        raise refuse(error) from None


def _plain(error: Exception) -> typer.Exit:
    if isinstance(error, NaraError):
        return refuse(error)
    console.print(f"[red]refused[/red]: {error}")
    return typer.Exit(code=2)


def dump(document: object) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1)
