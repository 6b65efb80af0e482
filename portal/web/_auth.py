"""Logins with dash-auth: who the request's user is, and which portal role they hold.

dash-auth 2.3.0 (Plotly's own) puts a login check before every Flask route, Dash's callback route included,
and brings the OIDC dance through Authlib; what it does not do is per-callback refusal with a status code
(its ``protected_callback`` answers with a placeholder output), so roles are the portal's own
(:mod:`portal.web._roles`), fed by :func:`protect`'s ``role_of``.

- ``none``: no login; the single local user is admin (the CLI refuses to listen beyond loopback then).
- ``basic``: the users file (:class:`portal.web._accounts.Accounts`); role from the user's entry.
- ``oidc``: the provider's login; role from the highest portal role named in the ``roles_claim`` claim.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import dash
import flask
from dash_auth import BasicAuth, OIDCAuth

from portal.config import AuthConfig, ConfigError
from portal.web._accounts import Accounts
from portal.web._roles import ADMIN, UPDATE_ROUTE, Role
from portal.web._secret import session_secret

PROVIDER = "portal"
RoleOf = Callable[[], Role | None]


def protect(app: dash.Dash, auth: AuthConfig, secret_dir: Path) -> RoleOf:
    """Put ``auth``'s login before every route of ``app``; return how to read the current user's role."""
    if auth.mode == "none":
        return lambda: ADMIN
    _refuse_malformed_callbacks(app)  # before dash-auth's check, which reads the body's "output" unguarded
    app.server.secret_key = session_secret(secret_dir)
    app.server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
    if auth.mode == "basic":
        return _basic(app, Accounts(auth.users))
    return _oidc(app, auth)


class _UsersFileAuth(BasicAuth):
    """dash-auth's BasicAuth, checking the users file; the header is parsed by werkzeug, so a malformed one
    is a 401 rather than a server error."""

    def __init__(self, app: dash.Dash, accounts: Accounts) -> None:
        self.accounts = accounts
        super().__init__(app, auth_func=accounts.verify)

    def is_authorized(self) -> bool:
        given = flask.request.authorization
        if given is None or given.type != "basic" or not given.username or given.password is None:
            return False
        return self.accounts.verify(given.username, given.password)


def _basic(app: dash.Dash, accounts: Accounts) -> RoleOf:
    _UsersFileAuth(app, accounts)

    def role_of() -> Role | None:
        given = flask.request.authorization
        user = accounts.user(given.username) if given and given.username else None
        return Role.named(user.role) if user else None

    return role_of


def _oidc(app: dash.Dash, auth: AuthConfig) -> RoleOf:
    secret = os.environ.get(auth.client_secret_env)
    if not secret:
        raise ConfigError("[auth] client_secret_env", f"${auth.client_secret_env} is not set", "export it")
    login = OIDCAuth(  # the key again: dash-auth 2.3.0's default (typing's Optional[None], not None) replaces it
        app, secret_key=app.server.secret_key, secure_session=auth.issuer.startswith("https://")
    )
    login.register_provider(
        PROVIDER,
        client_id=auth.client_id,
        client_secret=secret,
        server_metadata_url=f"{auth.issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile"},
    )

    def role_of() -> Role | None:
        claimed = flask.session.get("user", {}).get(auth.roles_claim, [])
        names = [claimed] if isinstance(claimed, str) else list(claimed or [])
        held = [Role.named(name) for name in names if isinstance(name, str) and name.upper() in Role.__members__]
        return max(held, default=None)

    return role_of


def _refuse_malformed_callbacks(app: dash.Dash) -> None:
    route = app.config.requests_pathname_prefix + UPDATE_ROUTE

    @app.server.before_request
    def _malformed():
        if flask.request.path == route:
            body = flask.request.get_json(silent=True)
            if (
                not isinstance(body, dict)
                or not isinstance(body.get("output"), str)
                or not isinstance(body.get("inputs"), list)
            ):
                return flask.Response("a callback request needs a JSON body with its output\n", status=400)
        return None
