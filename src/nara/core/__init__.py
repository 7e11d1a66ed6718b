"""The kernel: settings, database, errors, identifiers and PII, clock, outbox, logging.

Everything above depends on it; it depends on nothing of Nara's.
"""
