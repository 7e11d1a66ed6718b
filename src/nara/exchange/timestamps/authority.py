"""Time-stamp authorities: the platform's own (local) or an external one over HTTP."""

from __future__ import annotations

import asyncio
import threading
from typing import Protocol

from asn1crypto import tsp  # type: ignore[import-untyped]

from nara.core.clock import Clock
from nara.core.settings import Settings
from nara.exchange.timestamps.tokens import request_for, sign_token, token_from_response
from nara.exchange.trust.keystore import Keystore


class TimeStampAuthority(Protocol):
    """Something that time-stamps a SHA-256 digest (RFC 3161)."""

    @property
    def name(self) -> str:
        """A short description for logs: `local` or the authority's URL."""
        ...

    def stamp(self, digest: bytes) -> bytes:
        """A DER `TimeStampToken` over `digest` (32 bytes of SHA-256)."""
        ...


class LocalAuthority:
    """The platform's own TSA: its key and certificate come from the keystore (issued by the
    platform CA on first use, see `Keystore.time_stamping_key`); time is the clock's."""

    name = "local"

    def __init__(self, keystore: Keystore, clock: Clock) -> None:
        self._keystore = keystore
        self._clock = clock

    def respond(self, request: tsp.TimeStampReq) -> tsp.TimeStampResp:
        """Answer an RFC 3161 request (what an HTTP front end of this authority serves)."""
        key, certificate = self._keystore.time_stamping_key()
        return sign_token(request, key=key, certificate=certificate, now=self._clock.now())

    def stamp(self, digest: bytes) -> bytes:
        request = request_for(digest)
        return token_from_response(self.respond(request), request)


class HTTPAuthority:
    """An external TSA reached over HTTP (`application/timestamp-query`), via pyHanko's
    `HTTPTimeStamper`. Raises `OSError` (including pyHanko's `TimestampRequestError`) when the
    authority cannot be reached or refuses."""

    def __init__(self, url: str, *, timeout: float = 10) -> None:
        self.url = url
        self.name = url
        self._timeout = timeout

    def stamp(self, digest: bytes) -> bytes:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        stamper = HTTPTimeStamper(self.url, timeout=self._timeout)

        async def run() -> bytes:
            token = await stamper.async_timestamp(digest, "sha256")
            return bytes(token.dump())

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(run())
        # Called from inside an event loop: run the request on a loop of its own thread.
        result: list[bytes] = []
        errors: list[BaseException] = []

        def target() -> None:
            try:
                result.append(asyncio.run(run()))
            except BaseException as error:  # noqa: BLE001  (re-raised in the caller's thread)
                errors.append(error)

        thread = threading.Thread(target=target, name="nara-tsa-request")
        thread.start()
        thread.join()
        if errors:
            raise errors[0]
        return result[0]


def authority_from_settings(
    settings: Settings, keystore: Keystore, clock: Clock | None = None
) -> TimeStampAuthority:
    """`HTTPAuthority(settings.exchange_tsa_url)` when set, else the local authority (whose
    time is `clock`, by default the keystore's)."""
    if settings.exchange_tsa_url:
        return HTTPAuthority(settings.exchange_tsa_url)
    return LocalAuthority(keystore, clock or keystore.clock)


__all__ = ["HTTPAuthority", "LocalAuthority", "TimeStampAuthority", "authority_from_settings"]
