"""The death report's pages: the form offers the filer's living relatives, a refusal shows
the error summary, filing redirects to the case page."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from nara.lifeevents.engine import CaseRunner
from tests.lifeevents.test_death import DIED_ON, Family, family
from tests.support import count_rows

__all__ = ["family"]


def form(family: Family, **fields: str) -> dict[str, str]:
    return {"deceased_person_id": str(family.ids["father"]), "died_on": DIED_ON, **fields}


def test_the_form_offers_the_living_relatives_by_name(family: Family) -> None:
    page = family.son.get("/life-events/death")
    assert page.status_code == 200
    assert "김철수 (1960-03-03" in page.text
    assert f'value="{family.ids["mother"]}"' in page.text
    assert f'value="{family.ids["stranger"]}"' not in page.text


def test_filing_from_the_form_opens_the_case_page(family: Family, runner: CaseRunner) -> None:
    filed = family.son.post(
        "/life-events/death",
        data=form(family, new_head_person_id=str(family.ids["mother"])),
        follow_redirects=False,
    )
    assert filed.status_code == 303, filed.text
    runner.run_due()
    page = family.son.get(filed.headers["location"])
    assert page.status_code == 200
    assert 'data-state="done"' in page.text


def test_a_late_report_shows_the_error_summary_and_files_nothing(
    family: Family, session: Session
) -> None:
    refused = family.son.post("/life-events/death", data=form(family, died_on="2026-01-20"))
    assert refused.status_code == 422
    assert "data-error-summary" in refused.text
    assert 'href="#died-on"' in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert count_rows(session, "lifeevents_case") == 0


def test_a_missing_new_head_shows_the_members_who_stay(family: Family, session: Session) -> None:
    refused = family.son.post("/life-events/death", data=form(family))
    assert refused.status_code == 422
    assert 'href="#new-head"' in refused.text
    assert f'id="new-head-{family.ids["mother"]}"' in refused.text
    assert "이*희" in refused.text  # the member's name, masked
    assert count_rows(session, "lifeevents_case") == 0


def test_no_choice_is_a_form_error_not_a_crash(family: Family) -> None:
    refused: Any = family.son.post("/life-events/death", data={"died_on": DIED_ON})
    assert refused.status_code == 422
    assert 'href="#deceased"' in refused.text


def test_the_members_who_stay_are_shown_only_for_a_relative(family: Family) -> None:
    refused = family.stranger.post(
        "/life-events/death", data=form(family, new_head_person_id="not a number")
    )
    assert refused.status_code == 422
    assert 'href="#new-head"' in refused.text
    assert "이*희" not in refused.text  # the father's household is none of the stranger's business
