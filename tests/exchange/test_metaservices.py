"""The metaservices: `listClients`, and `listMethods`, `allowedMethods`, `getOpenAPI` through
`/r1` (PR-MREST) and on the GovStack IM paths, in JSON and XML."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from fastapi.testclient import TestClient

from tests.exchange.world import LAND, World

ANNEX = Path(__file__).parent / "data" / "pr-mrest-annex-a.yaml"


def _strict(schema: Any) -> Any:
    """The annex's schema with no field it does not name (`additionalProperties: false`)."""
    if isinstance(schema, dict):
        found = {key: _strict(value) for key, value in schema.items()}
        if found.get("type") == "object" and "properties" in found:
            found["additionalProperties"] = False
        return found
    if isinstance(schema, list):
        return [_strict(item) for item in schema]
    return schema


def _annex_schema() -> dict[str, Any]:
    document = yaml.safe_load(ANNEX.read_text())
    schemas = _strict(copy.deepcopy(document["components"]["schemas"]))
    root = dict(schemas["restServiceDetailsListType"])
    root["required"] = ["member"]
    root["components"] = {"schemas": schemas}
    return root


def _xroad(world: World, path: str, **headers: str) -> Any:
    with TestClient(world.local) as http:
        return http.get(
            path,
            headers={"Authorization": f"Bearer {world.token}", "X-Road-Client": LAND, **headers},
        )


def test_list_clients_in_json_and_xml(world: World) -> None:
    with TestClient(world.local) as http:
        as_json = http.get("/listClients")
        as_xml = http.get("/listClients", headers={"Accept": "application/xml"})
        elsewhere = http.get("/listClients", params={"instanceId": "EE"})

    assert as_json.status_code == 200
    assert as_json.headers["content-type"] == "application/json; charset=utf-8"
    members = as_json.json()["member"]
    assert {
        "id": {
            "member_class": "GOV",
            "member_code": "MOIS",
            "object_type": "SUBSYSTEM",
            "subsystem_code": "residents",
            "xroad_instance": "KR",
        },
        "name": "Ministry of the Interior and Safety",
    } in members
    assert any(m["id"]["object_type"] == "MEMBER" for m in members)
    assert as_xml.headers["content-type"] == "application/xml; charset=utf-8"
    root = ET.fromstring(as_xml.content)
    assert root.tag == "{http://x-road.eu/xsd/xroad.xsd}clientList"
    assert len(root) == len(members)
    assert elsewhere.json() == {"member": []}


def test_list_methods_validates_against_the_annex_schema(world: World) -> None:
    answer = _xroad(world, "/r1/KR/GOV/MOIS/residents/listMethods")

    assert answer.status_code == 200, answer.text
    document = answer.json()
    jsonschema.validate(document, _annex_schema())
    codes = {item["serviceCode"] for item in document["member"]}
    assert {"person-summaries", "household-members", "echo"} <= codes
    summaries = next(i for i in document["member"] if i["serviceCode"] == "person-summaries")
    assert summaries["endpointList"]["member"] == [{"method": "POST", "path": "/"}]
    assert (summaries["xRoadInstance"], summaries["subsystemCode"]) == ("KR", "residents")
    assert "listMethods" not in codes  # the metaservices list no metaservice
    xml_answer = _xroad(world, "/r1/KR/GOV/MOIS/residents/listMethods", Accept="text/xml")
    root = ET.fromstring(xml_answer.content)
    assert root.tag == "restServiceDetailsList"
    assert len(root.findall("member")) == len(document["member"])


def test_allowed_methods_lists_only_what_the_client_may_call(world: World) -> None:
    listed = _xroad(world, "/r1/KR/GOV/MOIS/residents/listMethods").json()
    allowed = _xroad(world, "/r1/KR/GOV/MOIS/residents/allowedMethods").json()

    jsonschema.validate(allowed, _annex_schema())
    codes = {item["serviceCode"] for item in allowed["member"]}
    assert "person-summaries" in codes  # granted to land at install (its USES)
    assert "echo" in codes  # granted by the test
    assert "household-members" not in codes
    assert codes < {item["serviceCode"] for item in listed["member"]}


def test_get_openapi_describes_one_service(world: World) -> None:
    answer = _xroad(world, "/r1/KR/GOV/MOIS/residents/getOpenAPI?serviceCode=person-summaries")
    missing = _xroad(world, "/r1/KR/GOV/MOIS/residents/getOpenAPI")

    assert answer.status_code == 200, answer.text
    described = answer.json()
    assert described["openapi"].startswith("3.")
    assert any("person-summaries" in path for path in described["paths"])
    assert missing.status_code == 400
    assert missing.headers["X-Road-Error"] == "Client.BadRequest"
    assert missing.json()["code"] == "service_code_invalid"


def test_the_govstack_paths_answer_in_govstack_names(world: World) -> None:
    with TestClient(world.local) as http:
        listed = http.get(
            "/KR/GOV/MOIS/residents/listMethods",
            headers={"Information-Mediator-Client": "eGovStack/GOV/90000009/digitalregistries"},
        )
        anonymous = http.get("/KR/GOV/MOIS/residents/allowedMethods")
        mine = http.get(
            "/KR/GOV/MOIS/residents/allowedMethods",
            headers={"Authorization": f"Bearer {world.token}", "Information-Mediator-Client": LAND},
        )
        openapi = http.get(
            "/KR/GOV/MOIS/residents/getOpenAPI", params={"serviceCode": "person-summaries"}
        )
        unknown = http.get("/KR/GOV/ACME/shop/listMethods")
        invalid = http.get("/KR/GOV/MOIS/_residents/getOpenAPI", params={"serviceCode": "x"})

    assert listed.status_code == 200
    item = listed.json()["member"][0]
    assert set(item) == {
        "objectType",
        "serviceType",
        "GovStackInstance",
        "memberClass",
        "memberCode",
        "applicationCode",
        "serviceCode",
        "endpointList",
    }
    assert anonymous.json() == {"member": []}
    assert "person-summaries" in {i["serviceCode"] for i in mine.json()["member"]}
    assert openapi.headers["content-type"] == "application/json; charset=utf-8"
    assert json.loads(openapi.json())["openapi"].startswith("3.")
    assert unknown.status_code == 400
    assert invalid.status_code == 400
    assert isinstance(invalid.json(), str)


def test_allowed_methods_of_an_anonymous_caller_are_none_whatever_the_path(world: World) -> None:
    quoted = '/"KR"/"GOV"/"MOIS"/"residents"/allowedMethods'
    with TestClient(world.local) as http:
        anonymous = http.get(quoted)
        identified = http.get(quoted, headers={"Authorization": f"Bearer {world.token}"})

    assert anonymous.status_code == 200
    assert anonymous.json() == {"member": []}
    assert identified.status_code == 400
    assert identified.headers["X-Road-Error"] == "Client.BadRequest"


@pytest.mark.parametrize("path", ["listMethods", "allowedMethods", "getOpenAPI"])
def test_metaservices_are_logged_like_calls(world: World, path: str) -> None:
    message = f"meta-{path}-0001"
    answer = _xroad(
        world,
        f"/r1/KR/GOV/MOIS/residents/{path}?serviceCode=person-summaries",
        **{"X-Road-Id": message},
    )

    assert answer.status_code == 200
    assert [e.service for e in world.entries(message)] == [f"KR/GOV/MOIS/residents/{path}"]
