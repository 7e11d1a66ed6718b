"""The per-address rate limit of sign-in attempts (`limits`, moving window, in memory).

One limiter per application (kept in `app.state`), so each process counts its own
attempts; behind several processes the effective limit is the setting times their number,
which the lockout per account bounds in any case.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from nara.core.access import ACCESS_MARK
from nara.identity import errors
from nara.identity.access import client_address

_STATE_KEY = "identity_rate_limiter"


class SignInLimiter:
    def __init__(self, rate: str) -> None:
        self.rate = rate
        self.item: RateLimitItem = parse(rate)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, address: str) -> bool:
        """Count one attempt from `address`; False when over the limit."""
        return self.limiter.hit(self.item, "identity-signin", address)


def limiter_of(request: Request) -> SignInLimiter:
    state = request.app.state
    limiter = getattr(state, _STATE_KEY, None)
    if (
        not isinstance(limiter, SignInLimiter)
        or limiter.rate != state.settings.identity_signin_rate
    ):
        limiter = SignInLimiter(state.settings.identity_signin_rate)
        setattr(state, _STATE_KEY, limiter)
    return limiter


def signin_attempt(reason: str) -> Callable[[Request], None]:
    """A dependency for the open sign-in routes: counts the attempt against the caller's
    address (429 `too_many_attempts` over the limit) and declares the route public."""

    def dependency(request: Request) -> None:
        if not limiter_of(request).hit(client_address(request)):
            raise errors.too_many_attempts()

    setattr(dependency, ACCESS_MARK, f"public:{reason}")
    return dependency
