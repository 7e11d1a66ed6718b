"""A moving-in report in a real browser, in Korean on a desktop and in English on a phone: a
citizen reports joining another household (the form first refuses a move reported too late),
the household head signs in and confirms it, the worker carries the case to the resident
register and the tax office, and the mover's case page shows each agency done.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import and_, func, or_, select

from nara.app import case_runner
from nara.core.clock import today
from nara.core.db import unit_of_work
from nara.family.models import Marriage
from nara.identity.repository import account_by_person
from nara.identity.service import register_citizen
from nara.residents.models import Address, Household, HouseholdMember, Person
from tests.browser.conftest import SCREENSHOTS, LiveServer, Tab, _open_tab

pytestmark = pytest.mark.xdist_group("browser")

PASSWORD = "Walk-through-2026!"


@dataclass(frozen=True)
class Resident:
    person_id: int
    rrn: str
    name_ko: str
    address: dict[str, str]


def _households(server: LiveServer) -> Iterator[Resident]:
    """Heads of one-person households (born before 2000), each given a citizen account."""
    platform = server.platform
    assert platform.cipher is not None
    size = (
        select(HouseholdMember.household_id, func.count().label("n"))
        .where(HouseholdMember.left_on.is_(None))
        .group_by(HouseholdMember.household_id)
        .subquery()
    )
    with unit_of_work(platform.session_factory) as session:
        rows = session.execute(
            select(Person, Address)
            .join(Household, Household.head_person_id == Person.id)
            .join(Address, Address.id == Household.address_id)
            .join(size, and_(size.c.household_id == Household.id, size.c.n == 1))
            .where(
                Person.status == "alive",
                Person.birth_date < dt.date(2000, 1, 1),
                Household.dissolved_on.is_(None),
            )
            .order_by(Person.id)
        ).all()
    for person, address in rows:
        rrn = platform.cipher.decrypt(person.rrn_cipher)
        with unit_of_work(platform.session_factory) as session:
            if account_by_person(session, person.id) is not None:
                continue
            register_citizen(
                session,
                exchange=server.app.state.exchange,
                clock=platform.clock,
                cipher=platform.cipher,
                rrn=rrn,
                name_ko=person.name_ko,
                birth_date=person.birth_date,
                password=PASSWORD,
            )
        yield Resident(
            person.id,
            rrn,
            person.name_ko,
            {
                "sigungu_code": address.sigungu_code,
                "road_name": address.road_name,
                "building_main": str(address.building_main),
                "building_sub": str(address.building_sub or ""),
                "address_detail": address.address_detail,
                "postcode": address.postcode,
            },
        )


@pytest.fixture(scope="module")
def residents(live_server: LiveServer) -> Iterator[Resident]:
    return _households(live_server)


def _shot(tab: Tab, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.page.screenshot(path=str(SCREENSHOTS / f"moving-in-{name}.png"), full_page=True)


def _sign_in(tab: Tab, rrn: str, language: str) -> None:
    tab.goto(f"/lang/{language}?next=/signin")
    tab.page.fill("#signin-rrn", rrn)
    tab.page.fill("#signin-password", PASSWORD)
    tab.page.click("#signin-submit")
    tab.page.wait_for_url(re.compile(r"/mydata"))


def _report(tab: Tab, head: Resident, language: str) -> str:
    """The mover files the report (after one refusal); the case page's path."""
    page = tab.page
    page.get_by_role("navigation", name=re.compile("주 메뉴|Main menu")).get_by_role(
        "link", name=re.compile("생애 신고|Life events")
    ).click()
    page.wait_for_url(re.compile(r"/life-events$"))
    page.click("#start-moving-in")
    page.wait_for_url(re.compile(r"/life-events/moving-in"))
    expect(page.locator("#current-label")).to_be_visible()  # from the resident register

    late = today(tab.server.platform.clock) - dt.timedelta(days=30)
    page.fill("#moved-on", late.isoformat())
    page.select_option("#address-district", head.address["sigungu_code"])
    page.fill("#address-road", head.address["road_name"])
    page.fill("#address-main", head.address["building_main"])
    page.fill("#address-sub", head.address["building_sub"])
    page.fill("#address-detail", head.address["address_detail"])
    page.fill("#address-postcode", head.address["postcode"])
    page.click("label[for=household-join]")  # KRDS draws the radio in its label
    page.fill("#head-name", head.name_ko)
    page.select_option("#relation", "cohabitant")
    page.click("#moving-in-submit")
    expect(page.locator(".portal-error-summary")).to_be_visible()
    expect(page.locator("#moved-on")).to_have_attribute("aria-invalid", "true")
    _shot(tab, f"{language}-1-too-late")
    assert all("422" in error for error in tab.errors)  # the refused form is answered 422
    tab.errors.clear()

    recent = today(tab.server.platform.clock) - dt.timedelta(days=2)
    page.fill("#moved-on", recent.isoformat())
    page.click("#moving-in-submit")
    page.wait_for_url(re.compile(r"/life-events/cases/\d+"))
    expect(page.locator("#case-steps")).to_have_attribute("data-state", "awaiting_confirmation")
    _shot(tab, f"{language}-2-awaiting")
    tab.assert_clean()
    return page.url.replace(tab.server(""), "")


def _confirm(tab: Tab, case_path: str, language: str) -> None:
    page = tab.page
    tab.goto("/life-events")
    page.locator("#confirmations a").first.click()
    page.wait_for_url(re.compile(re.escape(case_path)))
    _shot(tab, f"{language}-3-head")
    page.click("#confirm-button")
    page.wait_for_url(re.compile(re.escape(case_path)))
    expect(page.locator("#case-steps")).to_have_attribute("data-state", "running")
    tab.assert_clean()


@pytest.mark.parametrize(("language", "viewport"), [("ko", "desktop"), ("en", "phone")])
def test_a_moving_in_report_with_the_heads_confirmation(
    *,
    browser: Browser,
    live_server: LiveServer,
    residents: Iterator[Resident],
    request: pytest.FixtureRequest,
    language: str,
    viewport: str,
) -> None:
    head, mover = next(residents), next(residents)
    tabs = {role: _open_tab(browser, live_server, request, viewport) for role in ("mover", "head")}
    opened = {role: next(tab) for role, tab in tabs.items()}
    try:
        _sign_in(opened["mover"], mover.rrn, language)
        case_path = _report(opened["mover"], head, language)
        _sign_in(opened["head"], head.rrn, language)
        _confirm(opened["head"], case_path, language)

        case_runner(live_server.platform, live_server.app.state.exchange).run_due()

        page = opened["mover"].page
        # The page refreshes itself (htmx) while the case runs.
        expect(page.locator("#case-steps")).to_have_attribute("data-state", "done", timeout=15_000)
        expect(page.locator("#step-residents")).to_have_attribute("data-state", "done")
        expect(page.locator("#step-tax")).to_have_attribute("data-state", "done")
        _shot(opened["mover"], f"{language}-4-done")
        for tab in opened.values():
            tab.assert_clean()
            assert tab.html_lang() == language
            assert not tab.scrolls_sideways()
    finally:
        for tab in tabs.values():
            tab.close()


def _married_parent(server: LiveServer) -> Resident:
    """A living married resident, born before 2000, heading a household, given an account."""
    platform = server.platform
    assert platform.cipher is not None
    with unit_of_work(platform.session_factory) as session:
        rows = session.execute(
            select(Person, Address)
            .join(
                Marriage, or_(Marriage.spouse_a_id == Person.id, Marriage.spouse_b_id == Person.id)
            )
            .join(Household, Household.head_person_id == Person.id)
            .join(Address, Address.id == Household.address_id)
            .where(
                Person.status == "alive",
                Person.birth_date < dt.date(2000, 1, 1),
                Marriage.ended_on.is_(None),
                Household.dissolved_on.is_(None),
            )
            .order_by(Person.id)
        ).all()
    for person, _address in rows:
        with unit_of_work(platform.session_factory) as session:
            if account_by_person(session, person.id) is not None:
                continue
            rrn = platform.cipher.decrypt(person.rrn_cipher)
            register_citizen(
                session,
                exchange=server.app.state.exchange,
                clock=platform.clock,
                cipher=platform.cipher,
                rrn=rrn,
                name_ko=person.name_ko,
                birth_date=person.birth_date,
                password=PASSWORD,
            )
            return Resident(person.id, rrn, person.name_ko, {})
    raise AssertionError("no married head of household in the nation")


@pytest.mark.parametrize(("language", "viewport"), [("ko", "desktop"), ("en", "phone")])
def test_a_birth_report_with_the_happy_birth_bundle(
    *,
    browser: Browser,
    live_server: LiveServer,
    request: pytest.FixtureRequest,
    language: str,
    viewport: str,
) -> None:
    parent = _married_parent(live_server)
    opening = _open_tab(browser, live_server, request, viewport)
    tab = next(opening)
    try:
        page = tab.page
        _sign_in(tab, parent.rrn, language)
        tab.goto("/life-events")
        page.click("#start-birth")
        page.wait_for_url(re.compile(r"/life-events/birth"))
        born = today(live_server.platform.clock) - dt.timedelta(days=3)
        page.fill("#child-name-ko", "김하늘" if language == "ko" else "김바다")
        page.fill("#child-name-en", "Kim Haneul" if language == "ko" else "Kim Bada")
        page.click("label[for=child-sex-f]")
        page.fill("#birth-date", born.isoformat())
        for kind in ("parent_allowance", "child_allowance", "first_meeting_voucher"):
            expect(page.locator(f"#benefit-{kind}")).to_be_checked()
        page.click("#birth-submit")
        page.wait_for_url(re.compile(r"/life-events/cases/\d+"))
        expect(page.locator("#case-steps")).to_have_attribute("data-state", "running")
        _shot(tab, f"birth-{language}-1-filed")

        case_runner(live_server.platform, live_server.app.state.exchange).run_due()

        # The page polls while the case runs, and reloads itself once it is done.
        expect(page.locator("#birth-decisions")).to_be_visible(timeout=15_000)
        expect(page.locator("#case-steps")).to_have_attribute("data-state", "done")
        expect(page.locator("#decision-parent_allowance")).to_have_attribute(
            "data-decision", "granted"
        )
        expect(page.locator("#decision-first_meeting_voucher")).to_have_attribute(
            "data-decision", "granted"
        )
        expect(page.locator("#child-rrn")).to_contain_text("-")
        _shot(tab, f"birth-{language}-2-decided")
        tab.assert_clean()
        assert tab.html_lang() == language
        assert not tab.scrolls_sideways()
    finally:
        opening.close()
