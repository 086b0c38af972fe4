from datetime import datetime, timezone


def utc_now() -> str:
    """ISO 8601 UTC with microseconds, e.g. 2026-11-26T09:51:16.123456Z."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
