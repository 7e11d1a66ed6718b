"""Browser test fixtures: a live server on a small nation, and Debian's Chromium via Playwright.

The server is the whole application (`create_app`) with demo settings on a temporary SQLite
file, served by uvicorn in a background thread on a free port, once per worker session. The
browser is `/usr/bin/chromium` (Debian's `chromium` package), never a browser Playwright
downloads; without it, or without the `playwright` package, the browser tests are skipped.

Each test gets a fresh browser context (cookies, storage and service workers of its own) in a
desktop or a 360 x 740 phone viewport, with its console errors, page errors and CSP violations
collected, and a full-page screenshot saved on the way out under
`test-artifacts/screenshots/<test name>.png`.
"""

from __future__ import annotations

import base64
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine, select

from nara.app import Platform, create_app
from nara.core.clock import SystemClock
from nara.core.db import make_engine, make_session_factory, unit_of_work
from nara.core.pii import PiiCipher
from nara.core.settings import Settings
from nara.identity.service import ensure_demo_accounts
from nara.migrations import upgrade
from nara.nation import build_nation
from nara.residents.models import Person
from tests.conftest import TEST_PII_KEY

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, CDPSession, ConsoleMessage, Page

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
RESIDENTS = 300
SEED = 7

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}

# Known problems that are not the page's own, each with its reason. KRDS's stylesheet bundles
# Swiper's CSS, which embeds the "swiper-icons" font as a data: URL; the portal's CSP has no
# font-src, so default-src 'self' refuses it. Remove once the CSP or the vendored CSS changes.
KNOWN_PROBLEMS: tuple[re.Pattern[str], ...] = ()

# Every page reports the CSP violations it sees into this list (read by `Tab.csp_violations`).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    event.violatedDirective + " " + (event.blockedURI || "inline") + " " + event.sourceFile
  );
});
"""


@dataclass
class LiveServer:
    """The application served over HTTP at `url` (http://localhost:<port>)."""

    url: str
    engine: Engine
    settings: Settings
    platform: Platform
    app: FastAPI

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{root / 'nara.db'}"
    upgrade(url)
    engine = make_engine(url)
    cipher = PiiCipher(base64.b64decode(TEST_PII_KEY))
    build_nation(engine, cipher, residents=RESIDENTS, seed=SEED)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        # The demo citizen is the first living resident of the nation.
        first = select(Person.id).where(Person.status == "alive").order_by(Person.id).limit(1)
        ensure_demo_accounts(session, clock=SystemClock(), person_id=session.scalars(first).one())

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    # "localhost", not 127.0.0.1: a secure context for service workers and a valid
    # relying-party id for passkeys (WebAuthn refuses IP addresses).
    base_url = f"http://localhost:{port}"
    settings = Settings(
        environment="demo",
        database_url=url,
        pii_key=TEST_PII_KEY,
        exchange_keys_dir=root / "keys",
        public_base_url=base_url,
        webauthn_rp_id="localhost",
    )
    platform = Platform(settings, engine, factory, cipher=cipher)
    app = create_app(platform)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="live-server", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started, "the live server did not start"
    try:
        yield LiveServer(base_url, engine, settings, platform, app)
    finally:
        server.should_exit = True
        thread.join(10)
        listener.close()
        engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium for one test module. Module-scoped because Playwright's sync API keeps an
    event loop running in the test thread while it is open, which would make every later
    `asyncio.run` in the same worker fail."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (install Debian's chromium package)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Tab:
    """A page in a context of its own, with what went wrong in it collected."""

    context: BrowserContext
    page: Page
    server: LiveServer
    errors: list[str] = field(default_factory=list)

    def goto(self, path: str) -> None:
        response = self.page.goto(self.server(path))
        assert response is not None
        assert response.ok, f"{path}: HTTP {response.status}"

    def csp_violations(self) -> list[str]:
        violations: list[str] = self.page.evaluate("window.__cspViolations || []")
        return violations

    def assert_clean(self) -> None:
        """No console error, no uncaught exception, no CSP violation so far on this page."""
        assert _unknown(self.errors) == []
        assert _unknown(self.csp_violations()) == []

    def html_lang(self) -> str:
        lang: str = self.page.evaluate("document.documentElement.lang")
        return lang

    def scrolls_sideways(self) -> bool:
        wide: bool = self.page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        return wide


def _unknown(problems: list[str]) -> list[str]:
    return [p for p in problems if not any(known.search(p) for known in KNOWN_PROBLEMS)]


def _open_tab(
    browser: Browser, server: LiveServer, request: pytest.FixtureRequest, viewport: str
) -> Iterator[Tab]:
    context = browser.new_context(
        viewport=VIEWPORTS[viewport],  # type: ignore[arg-type]
        locale="ko-KR",
        is_mobile=viewport == "phone",
        has_touch=viewport == "phone",
        device_scale_factor=1,
    )
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    tab = Tab(context, page, server)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            tab.errors.append(f"console: {message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: tab.errors.append(f"page error: {error}"))
    try:
        yield tab
    finally:
        try:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
            if not name.endswith(viewport):
                name = f"{name}-{viewport}"
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        finally:
            context.close()


@pytest.fixture(params=list(VIEWPORTS))
def tab(browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Tab]:
    """A fresh page, once at desktop width and once at 360 px."""
    yield from _open_tab(browser, live_server, request, request.param)


@pytest.fixture
def desktop(
    browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[Tab]:
    yield from _open_tab(browser, live_server, request, "desktop")


@pytest.fixture
def phone(
    browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[Tab]:
    yield from _open_tab(browser, live_server, request, "phone")


@dataclass
class VirtualAuthenticator:
    """Chromium's virtual platform authenticator (a passkey store with user verification)."""

    cdp: CDPSession
    authenticator_id: str

    def credentials(self) -> list[dict[str, Any]]:
        answer = self.cdp.send(
            "WebAuthn.getCredentials", {"authenticatorId": self.authenticator_id}
        )
        credentials: list[dict[str, Any]] = answer["credentials"]
        return credentials


def enable_virtual_authenticator(tab: Tab) -> VirtualAuthenticator:
    """Give `tab`'s page a built-in passkey authenticator through the DevTools protocol:
    CTAP2, internal transport, resident keys, user verification that always succeeds."""
    cdp = tab.context.new_cdp_session(tab.page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    answer = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return VirtualAuthenticator(cdp, answer["authenticatorId"])
