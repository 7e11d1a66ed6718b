"""Information sharing between agencies (행정정보 공동이용): the only door between registers.

An agency offers services in its `exchange.py`; the composition root registers them; another
agency calls them by identifier, never by import. Every call is an X-Road REST message signed
both ways, checked against the directory's rights and the citizen's consent, answered with
its purpose's view and logged (docs/exchange.md).
"""

from nara.exchange.services import CallContext, Exchange, ExchangeDep, Service

__all__ = ["CallContext", "Exchange", "ExchangeDep", "Service"]
