"""The single window end to end in a real browser, in Korean on a desktop and in English on a
phone: a citizen signs in and applies for the re-issue of his vehicle's registration (form,
attachment, simulated fee, summary, submit); an official of the vehicle register signs in
with two factors and approves it, which issues the vehicle register certificate; the citizen
downloads it from his document wallet and makes a link for a third party; the third party
opens the link once; a visitor checks the file on the public verification page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from nara.core.db import unit_of_work
from nara.identity.repository import account_by_person
from nara.identity.service import create_official, register_citizen
from nara.residents.models import Person
from nara.vehicles.models import Vehicle
from tests.browser.conftest import SCREENSHOTS, LiveServer, Tab, _open_tab

pytestmark = pytest.mark.xdist_group("browser")

PASSWORD = "Walk-through-2026!"
STATEMENT = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass(frozen=True)
class Citizen:
    rrn: str
    plate: str


@dataclass(frozen=True)
class Official:
    login: str
    totp: pyotp.TOTP


def _vehicle_owners(server: LiveServer) -> Iterator[Citizen]:
    """Living residents who own a vehicle, each opened a citizen account once."""
    platform = server.platform
    assert platform.cipher is not None
    with unit_of_work(platform.session_factory) as session:
        rows = session.execute(
            select(Person, Vehicle.plate)
            .join(Vehicle, (Vehicle.owner_kind == "person") & (Vehicle.owner_id == Person.id))
            .where(Person.status == "alive", Person.birth_date < dt.date(2000, 1, 1))
            .order_by(Person.id)
        ).all()
    seen: set[int] = set()
    for person, plate in rows:
        if person.id in seen:
            continue
        seen.add(person.id)
        rrn = platform.cipher.decrypt(person.rrn_cipher)
        with unit_of_work(platform.session_factory) as session:
            if account_by_person(session, person.id) is not None:
                continue  # the demo citizen
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
        yield Citizen(rrn, plate)


@pytest.fixture(scope="module")
def citizens(live_server: LiveServer) -> Iterator[Citizen]:
    return _vehicle_owners(live_server)


def _official(server: LiveServer, login: str) -> Official:
    """An official of the vehicle register with a password and a TOTP generator. One per
    walk: a TOTP code is accepted once, and both walks may fall within one 30-second step."""
    platform = server.platform
    assert platform.cipher is not None
    with unit_of_work(platform.session_factory) as session:
        _account, uri = create_official(
            session,
            clock=platform.clock,
            cipher=platform.cipher,
            actor="test",
            agency="vehicles",
            login=login,
            display_name="차량 담당",
            roles=["clerk"],
            password=PASSWORD,
        )
    totp = pyotp.parse_uri(uri)
    assert isinstance(totp, pyotp.TOTP)
    return Official(login, totp)


def _shot(tab: Tab, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.page.screenshot(path=str(SCREENSHOTS / f"walk-{name}.png"), full_page=True)


def _sign_in(tab: Tab, login: str, language: str) -> None:
    tab.goto(f"/lang/{language}?next=/signin")
    tab.page.fill("#signin-rrn", login)
    tab.page.fill("#signin-password", PASSWORD)
    tab.page.click("#signin-submit")


def _apply(tab: Tab, citizen: Citizen, language: str) -> str:
    """The citizen's part up to submission; the application's page path."""
    page = tab.page
    _sign_in(tab, citizen.rrn, language)
    page.wait_for_url(re.compile(r"/mydata"))

    page.get_by_role("navigation", name=re.compile("주 메뉴|Main menu")).get_by_role(
        "link", name=re.compile("민원서비스|Civil services")
    ).click()
    page.wait_for_url(re.compile(r"/services"))
    page.fill("#services-q", "자동차등록증" if language == "ko" else "registration card")
    # htmx searches as one types and swaps the results alone.
    expect(page.locator("#service-list .services-card")).to_have_count(1)
    expect(page.locator("#service-vehicle-certificate-reissue")).to_be_visible()
    page.locator("a[href='/services/vehicle-certificate-reissue']").first.click()
    _shot(tab, f"{language}-1-guide")
    page.click("#apply-submit")

    # Guide: what the registers filled in, then each step of the form.
    page.wait_for_url(re.compile(r"/applications/\d+/guide"))
    application_path = re.sub(r"/guide.*$", "", page.url.replace(tab.server(""), ""))
    page.click("#wizard-next")

    page.wait_for_url(re.compile(r"/steps/applicant"))
    expect(page.locator("#field-name_ko")).to_have_attribute("readonly", "")
    page.fill("#field-phone", "010-2345-6789")
    page.click("#step-submit")

    page.wait_for_url(re.compile(r"/steps/vehicle"))
    page.fill("#field-plate", "12가34567")  # one digit too many: the form says so
    page.click("label[for=field-reason-lost]")  # KRDS draws the radio in its label
    page.click("#step-submit")
    expect(page.locator(".portal-error-summary")).to_be_visible()
    expect(page.locator("#field-plate")).to_have_attribute("aria-invalid", "true")
    _shot(tab, f"{language}-2-form-error")
    # The refused form is answered 422, which Chromium logs as a failed load: expected here.
    assert all("422" in error for error in tab.errors)
    tab.errors.clear()
    page.fill("#field-plate", citizen.plate)
    page.click("#step-submit")

    # Documents: the signed statement of the loss.
    page.wait_for_url(re.compile(r"/documents"))
    page.set_input_files(
        "#file-signed_statement",
        {"name": "statement.pdf", "mimeType": "application/pdf", "buffer": STATEMENT},
    )
    page.click("#upload-signed_statement")
    expect(page.locator("#document-signed_statement")).to_contain_text("statement.pdf")
    page.click("#wizard-next")

    # Fee (simulated), summary, submit.
    page.wait_for_url(re.compile(r"/fee"))
    page.click("#fee-pay")
    expect(page.locator("#fee-receipt-number")).to_contain_text("SIM-")
    page.click("#wizard-next")
    page.wait_for_url(re.compile(r"/summary"))
    expect(page.locator("main")).to_contain_text(citizen.plate)
    _shot(tab, f"{language}-3-summary")
    page.click("#submit")
    expect(page.locator("main h2")).to_contain_text("접수 완료" if language == "ko" else "ubmitted")
    tab.assert_clean()
    return application_path


def _approve(tab: Tab, official: Official, application_path: str, language: str) -> None:
    page = tab.page
    _sign_in(tab, official.login, language)
    page.wait_for_url(re.compile(r"/signin"))
    page.fill("#signin-totp-code", official.totp.now())
    page.click("#signin-totp-submit")
    page.wait_for_url(re.compile(r"/account"))

    tab.goto("/office/vehicles")
    application_id = application_path.rsplit("/", 1)[-1]
    page.locator(f"#application-{application_id} a").first.click()
    page.wait_for_url(re.compile(rf"/office/vehicles/applications/{application_id}"))
    expect(page.locator("#approve-issues")).to_be_visible()
    with page.expect_download() as attachment:
        page.locator(".attachment-download").first.click()
    assert Path(attachment.value.path()).read_bytes() == STATEMENT
    _shot(tab, f"{language}-4-office")
    page.click("#decision-approve")
    expect(page.locator("#application-status")).to_have_attribute("data-status", "approved")
    expect(page.locator("#document-number")).to_be_visible()
    tab.assert_clean()


def _download_and_share(tab: Tab, application_path: str, language: str) -> tuple[bytes, str]:
    """The citizen finds his certificate in the wallet; the PDF, and a link for a bank."""
    page = tab.page
    tab.goto(application_path)
    expect(page.locator("#application-status")).to_have_attribute("data-status", "approved")
    page.click("#certificate-wallet")
    page.wait_for_url(re.compile(r"/wallet"))
    number = page.url.rsplit("#doc-", 1)[-1]
    document = page.locator(f"#doc-{number}")
    with page.expect_download() as download:
        document.locator(".wallet-download").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    document.locator("input[name=recipient_note]").fill("OO Bank loan desk")
    document.locator(".wallet-share").click()
    link = page.locator("#share-url").input_value()
    _shot(tab, f"{language}-5-wallet")
    tab.assert_clean()
    return pdf, link


def _third_party_opens(tab: Tab, link: str, language: str) -> None:
    page = tab.page
    tab.goto(f"/lang/{language}?next=/offline")
    page.goto(link)
    expect(page.locator("main")).to_contain_text("OO Bank loan desk")
    with page.expect_download() as download:
        page.locator("main").get_by_role("button").first.click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    again = page.goto(link)
    assert again is not None and again.status == 410  # the link was for one use
    _shot(tab, f"{language}-6-shared-used")


def _visitor_verifies(tab: Tab, pdf: bytes, language: str) -> None:
    page = tab.page
    tab.goto(f"/lang/{language}?next=/verify")
    page.set_input_files(
        "#verify-file", {"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": pdf}
    )
    page.click("#verify-upload-submit")
    expect(page.locator("#verify-outcome-value")).to_have_attribute("data-outcome", "verified")
    _shot(tab, f"{language}-7-verified")
    altered = bytearray(pdf)
    altered[len(altered) // 2] ^= 0x01
    tab.goto("/verify")
    page.set_input_files(
        "#verify-file",
        {"name": "altered.pdf", "mimeType": "application/pdf", "buffer": bytes(altered)},
    )
    page.click("#verify-upload-submit")
    expect(page.locator("#verify-outcome-value")).not_to_have_attribute("data-outcome", "verified")
    tab.assert_clean()


@pytest.mark.parametrize(("language", "viewport"), [("ko", "desktop"), ("en", "phone")])
def test_apply_approve_download_and_verify(
    *,
    browser: Browser,
    live_server: LiveServer,
    citizens: Iterator[Citizen],
    request: pytest.FixtureRequest,
    language: str,
    viewport: str,
) -> None:
    citizen = next(citizens)
    official = _official(live_server, f"vehicle-clerk-{language}")
    tabs = {
        role: _open_tab(browser, live_server, request, viewport)
        for role in ("citizen", "official", "third-party", "visitor")
    }
    opened = {role: next(tab) for role, tab in tabs.items()}
    try:
        application_path = _apply(opened["citizen"], citizen, language)
        _approve(opened["official"], official, application_path, language)
        pdf, link = _download_and_share(opened["citizen"], application_path, language)
        _third_party_opens(opened["third-party"], link, language)
        _visitor_verifies(opened["visitor"], pdf, language)
        for tab in opened.values():
            assert tab.html_lang() == language
            assert not tab.scrolls_sideways()
    finally:
        for tab in tabs.values():
            tab.close()
