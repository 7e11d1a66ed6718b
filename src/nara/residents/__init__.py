"""Resident registration register (주민등록): persons, addresses, households, residence history."""
