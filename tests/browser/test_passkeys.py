"""Sign-in, the account page and passkeys in a real browser, with Chromium's virtual
authenticator standing in for the device: the demo citizen registers a passkey on the account
page, signs out, and signs in again with the passkey alone."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import Tab, enable_virtual_authenticator

LANDINGS = {"/mydata", "/account"}
TIMEOUT_MS = 10_000

pytestmark = pytest.mark.xdist_group("browser")


def _signed_in(url: str) -> bool:
    """Whether the browser is on a page a sign-in lands on (`/signin?next=/account` is not)."""
    return urlsplit(url).path in LANDINGS


def test_virtual_authenticator_makes_passkeys_for_this_site(desktop: Tab) -> None:
    authenticator = enable_virtual_authenticator(desktop)
    desktop.goto("/")

    credential_type = desktop.page.evaluate(
        """() => navigator.credentials.create({publicKey: {
            rp: {id: "localhost", name: "Nara"},
            user: {id: new Uint8Array([1, 2, 3]), name: "test", displayName: "Test"},
            challenge: new Uint8Array(32),
            pubKeyCredParams: [{type: "public-key", alg: -7}],
            authenticatorSelection: {residentKey: "required", userVerification: "required"},
        }}).then((credential) => credential.type)"""
    )

    assert credential_type == "public-key"
    [stored] = authenticator.credentials()
    assert stored["rpId"] == "localhost"
    assert stored["isResidentCredential"] is True


def test_signin_and_account_pages_fit_a_phone(phone: Tab) -> None:
    phone.goto("/signin")
    assert phone.page.locator("#passkey-signin").is_visible()
    assert not phone.scrolls_sideways()

    phone.page.locator("#signin-demo-citizen").click()
    phone.page.wait_for_url(_signed_in, timeout=TIMEOUT_MS)
    assert not phone.scrolls_sideways()

    phone.goto("/account")
    assert phone.page.locator("#passkey-register").is_visible()
    assert not phone.scrolls_sideways()
    phone.assert_clean()


def test_citizen_registers_a_passkey_and_signs_in_with_it(desktop: Tab) -> None:
    page = desktop.page
    authenticator = enable_virtual_authenticator(desktop)

    # The demo citizen signs in with one click and opens the account page.
    desktop.goto("/signin")
    page.locator("#signin-demo-citizen").click()
    page.wait_for_url(_signed_in, timeout=TIMEOUT_MS)
    desktop.goto("/account")
    assert page.locator("#passkey-list").count() == 0

    # Registers a passkey: the device now holds it and the account page lists it.
    page.locator("#passkey-register").click()
    page.locator("#passkey-list li").first.wait_for(timeout=TIMEOUT_MS)
    [credential] = authenticator.credentials()
    assert credential["rpId"] == "localhost"
    assert credential["isResidentCredential"] is True

    # Signs out: the account page sends the visitor to sign in again.
    page.locator("#signout").click()
    page.wait_for_url(desktop.server("/"), timeout=TIMEOUT_MS)
    desktop.goto("/account")
    assert page.url == desktop.server("/signin?next=/account")

    # Signs in with the passkey alone (no login typed: the device offers the passkey).
    page.locator("#passkey-signin").click()
    page.wait_for_url(_signed_in, timeout=TIMEOUT_MS)
    desktop.goto("/account?lang=en")
    this_session = page.locator("#sessions tbody tr", has_text="this session")
    assert "Passkey" in this_session.inner_text()
    assert page.locator("#passkey-list li").count() == 1
    assert authenticator.credentials()[0]["signCount"] >= 1
    desktop.assert_clean()
