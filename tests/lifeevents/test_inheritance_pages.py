"""Safe Inheritance's pages: the form offers the deceased relatives, a refusal shows the error
summary, asking redirects to the case page, and the results are shown agency by agency."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from nara.lifeevents import service as cases
from nara.lifeevents.engine import CaseRunner
from nara.portal.i18n import translations
from nara.portal.rendering import environment
from tests.lifeevents.test_death import DIED_ON, Family, call, family
from tests.lifeevents.test_inheritance import died
from tests.support import count_rows

__all__ = ["call", "family"]


def test_the_form_offers_the_deceased_relatives(
    family: Family, call: Callable[..., Any], session: Session
) -> None:
    died(family, call)
    session.commit()
    page = family.son.get("/life-events/inheritance")
    assert page.status_code == 200
    assert f"김철수 (1960-03-03, † {DIED_ON})" in page.text
    assert 'id="simulated-note"' in page.text


def test_asking_from_the_form_opens_the_case_page_with_the_results(
    family: Family, call: Callable[..., Any], runner: CaseRunner, session: Session
) -> None:
    died(family, call)
    session.commit()
    asked = family.son.post(
        "/life-events/inheritance",
        data={"deceased_person_id": str(family.ids["father"])},
        follow_redirects=False,
    )
    assert asked.status_code == 303, asked.text
    assert family.son.get(asked.headers["location"]).status_code == 200
    runner.run_due()

    case_id = int(asked.headers["location"].rsplit("/", 1)[1])
    case = cases.get_case(session, case_id)
    session.refresh(case)
    english = translations("en")
    html = environment.get_template("portal/lifeevents/inheritance_results.html").render(
        case=case, language="en", _=english.gettext, gettext=english.gettext
    )
    assert 'id="assets-land"' in html
    assert 'id="assets-finance"' in html
    assert "simulated financial data source" in html


def test_a_stranger_sees_the_error_summary_and_nothing_is_asked(
    family: Family, call: Callable[..., Any], session: Session
) -> None:
    died(family, call)
    session.commit()
    refused = family.stranger.post(
        "/life-events/inheritance", data={"deceased_person_id": str(family.ids["father"])}
    )
    assert refused.status_code == 422
    assert "data-error-summary" in refused.text
    assert 'href="#deceased"' in refused.text
    assert "2nd rank" in refused.text or "2순위" in refused.text
    assert count_rows(session, "lifeevents_case") == 0


def test_no_choice_is_a_form_error_not_a_crash(family: Family) -> None:
    refused = family.son.post("/life-events/inheritance", data={})
    assert refused.status_code == 422
    assert 'href="#deceased"' in refused.text
