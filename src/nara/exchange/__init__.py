"""Information sharing between agencies (행정정보 공동이용): the only door between registers.

An agency offers services in its `exchange.py`; the composition root registers them; another
agency calls them by identifier, never by import. This first part is the in-process service
directory; signing, consent, the message log and remote transports build on it.
"""

from nara.exchange.services import CallContext, Exchange, ExchangeDep, Service, date_param

__all__ = ["CallContext", "Exchange", "ExchangeDep", "Service", "date_param"]
