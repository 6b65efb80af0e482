"""Logins and roles over HTTP, with the fake project: with [auth] mode = "basic" every route asks for a login,
and every callback of app.callback_map refuses a role below its own with 403 and an empty body."""

from __future__ import annotations

import flask
import pytest

from portal.config import AuthConfig, new_user, write_users
from portal.web import ADMIN, ANALYST, VIEWER, Registrar, Role, UndeclaredRole
from portal.web._roles import UPDATE_ROUTE
from portal.web.app import create_app
from tests.fakes import FakeServices

PASSWORDS = {"vera": "viewer-pw", "anna": "analyst-pw", "adam": "admin-pw"}
LOGIN = {VIEWER: ("vera", "viewer-pw"), ANALYST: ("anna", "analyst-pw"), ADMIN: ("adam", "admin-pw")}
PASSED = 299  # the test's own hook answers this once the portal's checks let a callback request through
PAGES = ("/", "/global", "/local", "/feature", "/performance", "/interactions", "/fairness", "/monitoring")
ROW_VALUES = ("whatif", "row-search", "similar", "disagreement", "declined", "adverse", "reasons-download", "force")
ROW_VALUES += (
    "waterfall-pane",
    "row-picker",
    "decision",
    "dependence",
    "beeswarm",
    "stacked",
    "cohort.data",
    "interaction-result",
)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("auth")
    users = {name: new_user(name, role.name.lower(), PASSWORDS[name]) for role, (name, _pw) in LOGIN.items()}
    write_users(folder / "users.toml", users)
    app = create_app(FakeServices(), auth=AuthConfig("basic", users=folder / "users.toml"), secret_dir=folder)

    @app.server.before_request
    def _stop_before_dash():  # runs after the login and the role check: the callbacks themselves never run
        if flask.request.path.endswith(UPDATE_ROUTE):
            return flask.Response(b"", status=PASSED)
        return None

    return app


def _call(app, key: str, login: tuple[str, str] | None):
    body = {"output": key, "outputs": [], "inputs": [], "changedPropIds": [], "state": []}
    return app.server.test_client().post(f"/{UPDATE_ROUTE}", json=body, auth=login)


def _lowest_role(app, key: str) -> Role:
    """The lowest role a callback lets through; every role below it must get 403 and nothing else."""
    answers = {role: _call(app, key, LOGIN[role]) for role in Role}
    allowed = [role for role, answer in answers.items() if answer.status_code == PASSED]
    refused = [role for role, answer in answers.items() if answer.status_code == 403]
    assert sorted(allowed + refused) == list(Role), (key, {r.name: a.status_code for r, a in answers.items()})
    assert all(answers[role].data == b"" for role in refused), key
    assert ADMIN in allowed and all(role < min(allowed) for role in refused), key
    return min(allowed)


def test_every_route_asks_an_unknown_visitor_to_log_in(app) -> None:
    client = app.server.test_client()
    for path in (*PAGES, "/_dash-layout", "/_dash-dependencies", "/no-such-page"):
        answer = client.get(path)
        assert (path, answer.status_code) == (path, 401)
        assert "WWW-Authenticate" in answer.headers and b"_dash" not in answer.data
    for key in app.callback_map:
        assert _call(app, key, None).status_code == 401
    assert client.get("/", auth=("vera", "wrong")).status_code == 401
    assert client.get("/", headers={"Authorization": "Basic !!!not-base64"}).status_code == 401
    assert client.get("/", headers={"Authorization": "Bearer abc"}).status_code == 401


def test_a_user_with_the_right_password_gets_the_page(app) -> None:
    answer = app.server.test_client().get("/", auth=LOGIN[VIEWER])
    assert answer.status_code == 200 and b"_dash-config" in answer.data


def test_every_callback_refuses_a_lower_role_with_403_and_nothing(app) -> None:
    lowest = {key: _lowest_role(app, key) for key in app.callback_map}
    assert len(lowest) == len(app.callback_map) > 40
    for key, role in lowest.items():
        if any(part in key for part in ROW_VALUES):
            assert role >= ANALYST, f"{key} shows a row's values but lets a {role.name.lower()} through"
    job_actions = [key for key in lowest if key.startswith("progress-poll.disabled@")]  # cancel / resume buttons
    assert job_actions and all(lowest[key] == ADMIN for key in job_actions)
    report = [key for key in lowest if "report-download" in key]
    assert report and all(lowest[key] == ANALYST for key in report)
    for aggregate in ("importance-graph.figure", "page.children", "fairness-rates.figure", "confusion-graph.figure"):
        assert any(lowest[k] == VIEWER for k in lowest if aggregate in k), aggregate


def test_an_unknown_callback_or_malformed_body_is_refused(app) -> None:
    client = app.server.test_client()
    assert _call(app, "made-up.children", LOGIN[ADMIN]).status_code == 403
    answer = client.post(f"/{UPDATE_ROUTE}", data=b"{not json", auth=LOGIN[ADMIN], content_type="application/json")
    assert answer.status_code == 400 and len(answer.data.splitlines()) == 1


def test_the_viewer_navigation_offers_only_the_viewer_pages(app) -> None:
    client = app.server.test_client()

    def hidden(login: tuple[str, str]) -> set[str]:
        layout = client.get("/_dash-layout", auth=login).get_json()
        return {href for href, css in _nav_items(layout) if css and "d-none" in css}

    assert hidden(LOGIN[VIEWER]) - hidden(LOGIN[ANALYST]) == {"/local", "/feature", "/interactions"}
    assert hidden(LOGIN[ADMIN]) == hidden(LOGIN[ANALYST])


def _nav_items(node) -> list[tuple[str, str | None]]:
    """(href, className) of every NavItem in a layout's JSON."""
    found = []
    if isinstance(node, dict):
        props = node.get("props", {})
        child = props.get("children")
        if node.get("type") == "NavItem" and isinstance(child, dict):
            found.append((child["props"]["href"], props.get("className")))
        for value in props.values():
            found += _nav_items(value)
    elif isinstance(node, list):
        for item in node:
            found += _nav_items(item)
    return found


def test_a_callback_without_a_role_fails_registration() -> None:
    import dash
    from dash import Input, Output

    registrar = Registrar(dash.Dash(__name__))
    with pytest.raises(UndeclaredRole, match="declares no role"):
        registrar.callback(Output("a", "children"), Input("b", "value"))
    registrar.callback(VIEWER, Output("a", "children"), Input("b", "value"))(lambda v: v)
    registrar.check_complete()
    registrar.app.callback(Output("c", "children"), Input("b", "value"))(lambda v: v)  # around the registrar
    with pytest.raises(UndeclaredRole, match="c.children"):
        registrar.check_complete()


def test_roles_are_the_config_roles_in_order() -> None:
    from portal.config import ROLES

    assert tuple(role.name.lower() for role in Role) == ROLES
    assert [Role.named(name) for name in ROLES] == [VIEWER, ANALYST, ADMIN]


def test_without_auth_the_local_user_is_admin_everywhere() -> None:
    from portal.config import default_cache_dir

    app = create_app(FakeServices())
    hits = []

    @app.server.before_request
    def _stop():
        hits.append(flask.request.path)
        return flask.Response(b"", status=PASSED) if flask.request.path.endswith(UPDATE_ROUTE) else None

    assert app.server.test_client().get("/").status_code == 200
    job = next(key for key in app.callback_map if key.startswith("progress-poll.disabled@"))
    assert _call(app, job, None).status_code == PASSED
    assert not (default_cache_dir() / "session-secret").exists()  # no login, no session key


def test_a_body_over_the_cap_gets_413_even_before_the_login_check(app) -> None:
    big = b'{"output": "page.children", "inputs": ["' + b"x" * 2_000_000 + b'"]}'
    client = app.server.test_client()
    for login in (None, LOGIN[ADMIN]):
        answer = client.post(f"/{UPDATE_ROUTE}", data=big, content_type="application/json", auth=login)
        assert answer.status_code == 413 and b"up to 1 MB" in answer.data


def test_oidc_takes_the_role_from_the_claim(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_OIDC_CLIENT_SECRET", "not-in-the-file")
    auth = AuthConfig("oidc", issuer="https://id.example.com", client_id="portal", roles_claim="roles")
    app = create_app(FakeServices(), auth=auth, secret_dir=tmp_path)

    @app.server.before_request
    def _stop_before_dash():
        return flask.Response(b"", status=PASSED) if flask.request.path.endswith(UPDATE_ROUTE) else None

    client = app.server.test_client()
    route = next(key for key in app.callback_map if key == "page.children")  # viewer
    job = next(key for key in app.callback_map if key.startswith("progress-poll.disabled@"))  # admin
    body = {"outputs": [], "inputs": [], "changedPropIds": [], "state": []}
    assert client.post(f"/{UPDATE_ROUTE}", json={"output": route, **body}).status_code != PASSED  # not logged in
    for claim, route_status, job_status in (
        (["analyst", "other"], PASSED, 403),
        ("admin", PASSED, PASSED),
        ([], 403, 403),
    ):
        with client.session_transaction() as session:
            session["user"] = {"email": "a@example.com", "roles": claim}
        assert client.post(f"/{UPDATE_ROUTE}", json={"output": route, **body}).status_code == route_status, claim
        assert client.post(f"/{UPDATE_ROUTE}", json={"output": job, **body}).status_code == job_status, claim
