"""The exchange over HTTP: X-Road REST for information systems, mutual TLS between nodes."""
