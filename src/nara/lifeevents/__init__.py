"""One-stop life events (Gov24): one report, every agency concerned updated, step by step."""
