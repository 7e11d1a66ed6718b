"""Exchange configurations for the providers GovStack's Information Mediator suite asks about.

    python conformance/govstack/fixture.py TEST_DATA_JSON OUT_DIR

The suite's `test-data.json` names providers of other X-Road instances (`identifier/identifier/
alp4aNum3r1c/alp4aNum3r1c`, ...). A Nara node learns of another instance's providers as it
would in production: by importing that instance's signed configuration (federation,
`nara exchange trust import FILE --ca-fingerprint HEX`). This script plays each of those
instances: it makes the instance's CA and node key in a keystore of its own under OUT_DIR, and
writes `OUT_DIR/<instance>.json` (the signed document) and `OUT_DIR/<instance>.fingerprint`
(its CA's fingerprint, which the operator would get out of band).
"""

from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path
from typing import Any

from nara.core.clock import SystemClock
from nara.exchange.configuration import publish
from nara.exchange.directory_admin.platform import PublishedEntries
from nara.exchange.trust import Keystore, MemberId, SubsystemId, fingerprint


def _openapi(provider: SubsystemId, service_code: str) -> str:
    """A small OpenAPI description of one of the instance's REST services."""
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": f"{provider} {service_code}", "version": "1"},
        "paths": {
            "/records/{id}": {
                "get": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {"200": {"description": "The record."}},
                }
            }
        },
    }
    return json.dumps(document)


def instance_documents(test_data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The suite's providers grouped by instance."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for provider in test_data["data"]:
        grouped.setdefault(str(provider["GovStackInstance"]), []).append(provider)
    return grouped


def write_configuration(instance: str, providers: list[dict[str, Any]], out: Path) -> None:
    clock = SystemClock()
    keystore = Keystore(out / "keys" / instance, secrets.token_bytes(32), clock=clock)
    keystore.create_ca(name=f"{instance} exchange CA")
    members: dict[str, tuple[MemberId, str, str]] = {}
    subsystems: list[str] = []
    services: list[dict[str, Any]] = []
    for item in providers:
        member = MemberId(instance, str(item["memberClass"]), str(item["memberCode"]))
        label = member.member_code
        members[str(member)] = (member, f"Member {label}", f"회원 {label}")
        provider = SubsystemId(
            instance, member.member_class, member.member_code, str(item["applicationCode"])
        )
        subsystems.append(str(provider))
        for code in sorted({str(s["serviceCode"]) for s in item["service"]}):
            services.append(
                {
                    "id": f"{provider}/{code}",
                    "description": f"Records of {provider.subsystem_code}",
                    "enabled": True,
                    "openapi": _openapi(provider, code),
                }
            )
    document = publish(
        keystore,
        instance=instance,
        node=f"node.{instance}.example",
        now=clock.now(),
        members=list(members.values()),
        entries=PublishedEntries(subsystems=tuple(subsystems), services=tuple(services)),
    )
    (out / f"{instance}.json").write_text(json.dumps(document, ensure_ascii=False, indent=1))
    (out / f"{instance}.fingerprint").write_text(fingerprint(keystore.ca_certificate) + "\n")


def main(test_data_path: str, out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    test_data = json.loads(Path(test_data_path).read_text())
    for instance, providers in instance_documents(test_data).items():
        write_configuration(instance, providers, out)
        sys.stdout.write(f"{instance}\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
