"""The portal in a real browser: languages, phone widths, a clean console under the CSP, the
installable app (manifest, service worker) and the offline page."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Tab

OFFLINE_TITLE_KO = "인터넷에 연결되어 있지 않습니다"

pytestmark = pytest.mark.xdist_group("browser")


def test_home_page_renders_in_korean_without_errors(tab: Tab) -> None:
    tab.goto("/")

    assert tab.html_lang() == "ko"
    assert "정부24" in tab.page.title()
    assert tab.page.locator("#krds-masthead").is_visible()
    assert tab.page.locator("main#main h1").first.is_visible()
    assert not tab.scrolls_sideways()
    tab.assert_clean()


def test_language_switch_sets_the_cookie_and_the_page_language(tab: Tab) -> None:
    tab.goto("/offline")
    assert tab.html_lang() == "ko"

    tab.page.locator(".portal-language a[hreflang='en']").click()
    tab.page.wait_for_url(tab.server("/offline"))

    assert tab.html_lang() == "en"
    assert "offline" in tab.page.title().lower()
    cookies = {cookie["name"]: cookie["value"] for cookie in tab.context.cookies()}
    assert cookies.get("lang") == "en"
    english = tab.page.locator(".portal-language a[hreflang='en']")
    assert english.get_attribute("aria-current") == "true"

    tab.goto("/")
    assert tab.html_lang() == "en"
    assert not tab.scrolls_sideways()

    tab.page.locator(".portal-language a[hreflang='ko']").click()
    tab.page.wait_for_url(tab.server("/"))
    assert tab.html_lang() == "ko"
    tab.assert_clean()


def test_offline_page_renders(phone: Tab) -> None:
    phone.goto("/offline")

    assert phone.html_lang() == "ko"
    assert phone.page.locator("main#main h1").is_visible()
    assert phone.page.locator("main#main a[href='/']").is_visible()
    assert not phone.scrolls_sideways()
    phone.assert_clean()


def test_manifest_and_service_worker_make_the_portal_installable(desktop: Tab) -> None:
    desktop.goto("/")

    href = desktop.page.locator("link[rel='manifest']").get_attribute("href")
    assert href == "/manifest.webmanifest"
    manifest = desktop.context.request.get(desktop.server(href))
    assert manifest.ok
    assert manifest.json()["display"] == "standalone"

    scope = desktop.page.evaluate(
        "navigator.serviceWorker.ready.then((registration) => registration.scope)"
    )
    assert scope == desktop.server("/")
    desktop.assert_clean()


def test_service_worker_shows_the_offline_page_without_a_network(desktop: Tab) -> None:
    desktop.goto("/")
    desktop.page.evaluate("navigator.serviceWorker.ready")
    desktop.page.reload()
    assert desktop.page.evaluate("navigator.serviceWorker.controller !== null")

    desktop.context.set_offline(True)
    try:
        desktop.page.goto(desktop.server("/"))
        assert desktop.page.url == desktop.server("/")
        assert desktop.page.locator("main#main a[href='/']").is_visible()
        assert desktop.page.locator("main#main h1").inner_text() == OFFLINE_TITLE_KO
    finally:
        desktop.context.set_offline(False)
