"""The birth report's form: the Happy Birth benefits ticked, errors in the summary, filing
opens the case page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from nara.lifeevents.engine import CaseRunner
from tests.applications.conftest import Browser
from tests.support import count_rows

FORM: dict[str, Any] = {
    "name_ko": "김하늘",
    "name_en": "Kim Haneul",
    "sex": "F",
    "birth_date": "2026-02-20",
    "other_parent": "none",
    "benefits": ["parent_allowance", "child_allowance"],
}


def test_the_form_offers_every_benefit_ticked_with_its_explanation(
    resident: Callable[..., Browser],
) -> None:
    parent = resident("이서연", "1992-02-02", sex="F")
    page = parent.get("/life-events/birth")
    assert page.status_code == 200
    assert 'id="birth-form"' in page.text
    for kind in ("parent_allowance", "child_allowance", "childcare_allowance"):
        assert f'id="benefit-{kind}" name="benefits" value="{kind}"' in page.text
    assert page.text.count(" checked>") == 5  # the spouse, and the four benefits
    assert "첫만남이용권" in page.text or "First-meeting voucher" in page.text


def test_a_late_birth_shows_the_error_summary_and_files_nothing(
    resident: Callable[..., Browser], session: Session
) -> None:
    parent = resident("이서연", "1992-02-02", sex="F")
    refused = parent.post("/life-events/birth", data={**FORM, "birth_date": "2026-01-10"})
    assert refused.status_code == 422
    assert "data-error-summary" in refused.text
    assert 'href="#birth-date"' in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert 'value="김하늘"' in refused.text  # what was typed stays
    assert count_rows(session, "lifeevents_case") == 0


def test_a_name_not_in_hangul_is_a_form_error(resident: Callable[..., Browser]) -> None:
    parent = resident("이서연", "1992-02-02", sex="F")
    refused = parent.post("/life-events/birth", data={**FORM, "name_ko": "Haneul"})
    assert refused.status_code == 422
    assert 'href="#child-name-ko"' in refused.text


def test_filing_from_the_form_opens_the_case_page(
    resident: Callable[..., Browser], runner: CaseRunner
) -> None:
    parent = resident("이서연", "1992-02-02", sex="F")
    filed = parent.post("/life-events/birth", data=FORM, follow_redirects=False)
    assert filed.status_code == 303, filed.text
    case_path = filed.headers["location"]
    assert case_path.startswith("/life-events/cases/")
    runner.run_due()
    page = parent.get(case_path)
    assert page.status_code == 200
    assert 'data-state="done"' in page.text
