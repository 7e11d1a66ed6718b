"""The life-event pages: the hub, the moving-in form with its error summary, a case's progress,
the household head's confirmation, and the officials' list of flagged steps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from nara.lifeevents.engine import CaseRunner
from tests.applications.conftest import Browser
from tests.lifeevents.conftest import SEOCHO
from tests.support import count_rows

FORM = {
    "moved_on": "2026-02-25",
    "sigungu_code": SEOCHO["sigungu_code"],
    "road_name": SEOCHO["road_name"],
    "building_main": str(SEOCHO["building_main"]),
    "address_detail": SEOCHO["address_detail"],
    "postcode": SEOCHO["postcode"],
    "household": "new",
}


def test_the_form_shows_what_the_registers_hold(
    resident: Callable[..., Browser], car: Callable[..., dict[str, Any]]
) -> None:
    mover = resident("김민준", "1990-01-01")
    car(mover.info["person_id"], "12가3456")
    page = mover.get("/life-events/moving-in")
    assert page.status_code == 200
    assert "테헤란로" in page.text  # the current address, from the resident register
    assert 'value="12가3456"' in page.text  # his vehicle, from the vehicle register


def test_filing_from_the_form_opens_the_case_page(
    resident: Callable[..., Browser], runner: CaseRunner
) -> None:
    mover = resident("김민준", "1990-01-01")
    filed = mover.post(
        "/life-events/moving-in", data={**FORM, "postal_forwarding": "yes"}, follow_redirects=False
    )
    assert filed.status_code == 303, filed.text
    case_path = filed.headers["location"]
    runner.run_due()
    page = mover.get(case_path)
    assert page.status_code == 200
    assert 'data-state="done"' in page.text
    assert mover.get("/life-events").text.count('class="case-row"') == 1


def test_a_late_move_shows_the_error_summary_and_files_nothing(
    resident: Callable[..., Browser], session: Session
) -> None:
    mover = resident("김민준", "1990-01-01")
    refused = mover.post("/life-events/moving-in", data={**FORM, "moved_on": "2026-01-02"})
    assert refused.status_code == 422
    assert "data-error-summary" in refused.text
    assert 'href="#moved-on"' in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert count_rows(session, "lifeevents_case") == 0


def test_a_bad_postcode_is_a_form_error_not_a_crash(resident: Callable[..., Browser]) -> None:
    mover = resident("김민준", "1990-01-01")
    refused = mover.post("/life-events/moving-in", data={**FORM, "postcode": "9"})
    assert refused.status_code == 422
    assert 'href="#address-postcode"' in refused.text


def test_the_head_confirms_on_the_case_page(
    resident: Callable[..., Browser], runner: CaseRunner
) -> None:
    head = resident("이서연", "1985-05-05", at=SEOCHO, sex="F")
    mover = resident("김민준", "1990-01-01")
    filed = mover.post(
        "/life-events/moving-in",
        data={**FORM, "household": "join", "head_name": "이서연", "relation": "spouse"},
        follow_redirects=False,
    )
    assert filed.status_code == 303, filed.text
    case_path = filed.headers["location"]
    assert "confirmation-row" in head.get("/life-events").text
    assert 'id="confirm-form"' in head.get(case_path).text
    assert 'id="confirm-form"' not in mover.get(case_path).text

    empty = head.post(f"{case_path}/decline", data={"reason": " "})
    assert empty.status_code == 422
    assert 'href="#decline-reason"' in empty.text

    confirmed = head.post(f"{case_path}/confirm", follow_redirects=False)
    assert confirmed.status_code == 303
    runner.run_due()
    assert 'data-state="done"' in mover.get(case_path).text
