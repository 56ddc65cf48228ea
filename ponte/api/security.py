"""API keys, roles and the per-caller rate limit."""
from __future__ import annotations

import hmac
import threading
import time
from pathlib import Path

from fastapi import Request

from ..errors import PonteError
from ..settings import Settings

ROLES = ("public", "staff", "admin")
RANK = {role: i for i, role in enumerate(ROLES)}


def load_keys(settings: Settings) -> list[tuple[str, str]]:
    """(key, role) pairs from PONTE_API_KEYS ("k1:staff,k2:admin") and/or PONTE_API_KEYS_FILE."""
    entries = [e for e in settings.api_keys.split(",") if e.strip()]
    if settings.api_keys_file:
        path = Path(settings.api_keys_file)
        if not path.exists():
            raise PonteError("invalid_setting", f"PONTE_API_KEYS_FILE {path} does not exist")
        entries += [ln for ln in path.read_text().splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    keys = []
    for entry in entries:
        key, sep, role = entry.strip().rpartition(":")
        if not sep or not key or role.strip() not in ("staff", "admin"):
            raise PonteError("invalid_setting", "API keys must look like 'key:staff' or 'key:admin'")
        keys.append((key, role.strip()))
    return keys


class KeyRing:
    def __init__(self, keys: list[tuple[str, str]]):
        self._keys = [(k.encode(), role) for k, role in keys]

    def role_of(self, request: Request) -> str:
        header = request.headers.get("authorization")
        if not header:
            return "public"
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise PonteError("unauthorized", "the Authorization header must be 'Bearer KEY'", 401)
        presented = token.strip().encode()
        role = None
        for key, key_role in self._keys:
            # Compare against every key, always, so timing reveals nothing about which matched.
            if hmac.compare_digest(presented, key):
                role = key_role
        if role is None:
            raise PonteError("unauthorized", "unknown API key", 401)
        return role


def caller_of(request: Request) -> str:
    """Who a request counts against for the rate limit: its bearer token (however the header is
    spelled: "Bearer", "bearer", extra spaces), else its client address."""
    header = (request.headers.get("authorization") or "").strip()
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "key:" + token.strip()
    return "addr:" + (request.client.host if request.client else "-")


def require(role: str, needed: str) -> None:
    if RANK[role] >= RANK[needed]:
        return
    if role == "public":
        raise PonteError("unauthorized", f"this route needs a {needed} API key (Authorization: Bearer KEY)", 401)
    raise PonteError("forbidden", f"this route needs the {needed} role; your key has {role}", 403)


class RateLimiter:
    """A fixed one-minute window per caller (API key or client address)."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._windows: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def check(self, caller: str) -> None:
        if self.per_minute <= 0:
            return
        now = time.monotonic()
        window = int(now // 60)
        with self._lock:
            start, count = self._windows.get(caller, (window, 0))
            if start != window:
                start, count = window, 0
            count += 1
            self._windows[caller] = (start, count)
            if len(self._windows) > 10000:  # forget idle callers
                self._windows = {c: v for c, v in self._windows.items() if v[0] == window}
        if count > self.per_minute:
            retry = max(1, int((window + 1) * 60 - now) + 1)
            raise PonteError("rate_limited", f"more than {self.per_minute} requests a minute; retry in {retry} s",
                             429, retry_after=retry)
