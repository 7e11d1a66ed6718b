"""Nara: an open-source e-government platform."""

__version__ = "0.1.0"
