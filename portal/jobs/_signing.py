"""Signed work: an HMAC-SHA256 over every Celery task and result, keyed by the secret the portal and its workers share.

A chunk's message names the files a worker loads; anyone who can write to Redis could otherwise queue one that names
any file, or plant a result that the portal commits to its cache. So the portal signs each task's payload and the
worker checks the signature before it reads anything; the worker signs its result, bound to the task's id, and the
portal checks that before it decodes anything. The signature covers a canonical serialization (sorted keys, no
spaces, ASCII, no NaN), so the JSON that kombu re-encodes on the way through signs the same.

Why not kombu's message signing (Celery's ``auth`` serializer): it needs an X.509 key and certificate for every
sender and a certificate store on every worker, plus the ``cryptography`` package, and it replaces the JSON
serializer that the one JSON-only configuration (:mod:`portal.jobs._celery_config`) forbids choosing. Its one gain,
that a worker cannot forge work for another, does not matter here: every worker reads the same data anyway. One
random value in one environment variable is what a team can deploy; ``hmac.compare_digest`` keeps the comparison
constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from typing import Any

from portal.config import ConfigError

TASK_SECRET_ENV = "PORTAL_TASK_SECRET"
MIN_SECRET_CHARS = 32  # secrets.token_hex(16): a guessable secret would sign nothing
SECRET_FIX = (
    f"set {TASK_SECRET_ENV} to the same random value for the portal and every Celery worker, e.g. "
    f"export {TASK_SECRET_ENV}=$(python -c 'import secrets; print(secrets.token_hex(32))')"
)
NO_SECRET = "is not set: Celery workers only run tasks signed with it"
SHORT_SECRET = "has {n} characters; at least {min} are needed"


def task_secret() -> bytes:
    """The shared secret from the environment; a ConfigError naming the fix when it is unset or too short."""
    secret = os.environ.get(TASK_SECRET_ENV, "")
    if not secret:
        raise ConfigError(TASK_SECRET_ENV, NO_SECRET, SECRET_FIX)
    if len(secret) < MIN_SECRET_CHARS:
        raise ConfigError(TASK_SECRET_ENV, SHORT_SECRET.format(n=len(secret), min=MIN_SECRET_CHARS), SECRET_FIX)
    return secret.encode()


def canonical(value: Any) -> bytes:
    """The one byte string a JSON value signs as: equal values give equal bytes, whoever encoded them."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode()


def sign(value: Any, secret: bytes) -> str:
    """The hex HMAC-SHA256 of ``value``'s canonical form."""
    return hmac.new(secret, canonical(value), hashlib.sha256).hexdigest()


def verify(value: Any, signature: Any, secret: bytes) -> bool:
    """True when ``signature`` is ``value``'s; False for a missing, malformed or other signature."""
    if not isinstance(signature, str):
        return False
    try:
        expected = sign(value, secret)
    except (TypeError, ValueError):  # not JSON (a NaN, an object): nothing the portal signs
        return False
    return hmac.compare_digest(expected, signature)
