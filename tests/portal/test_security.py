"""The security headers middleware, for mounting on a whole application."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.testclient import TestClient

from nara.portal.security import CONTENT_SECURITY_POLICY, SecurityHeadersMiddleware


def _app() -> FastAPI:
    app = FastAPI(docs_url="/docs")

    @app.get("/page", response_class=HTMLResponse)
    def page() -> str:
        return "<p>page</p>"

    @app.get("/text", response_class=PlainTextResponse)
    def text() -> str:
        return "text"

    app.add_middleware(SecurityHeadersMiddleware)
    return app


def test_html_gets_the_policy_and_everything_gets_nosniff() -> None:
    client = TestClient(_app())
    page = client.get("/page").headers
    assert page["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert page["x-content-type-options"] == "nosniff"
    text = client.get("/text").headers
    assert "content-security-policy" not in text
    assert text["referrer-policy"] == "same-origin"


def test_the_api_docs_are_exempt() -> None:
    docs = TestClient(_app()).get("/docs")
    assert docs.status_code == 200
    assert "content-security-policy" not in docs.headers
