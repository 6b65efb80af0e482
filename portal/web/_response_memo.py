"""Answers a repeated request for the same aggregate view from memory instead of drawing it again.

A /global figure depends only on what its request carries (the ticked models, the scale, the class, the cohort,
the page's record of which models are ready) and on how far the project's jobs have come. Everyone who opens
/global in its default state sends the same bodies, and drawing them again costs: measured on the churn demo
(one request at a time, everything cached), a beeswarm pane 60 ms, the stacked force panes 46 ms, the agreement
chart 23 ms and the importance chart 20 ms, about 0.3 s of a core per page view, most of what a /global view costs
the server. So the answer to a callback registered with ``memo=True`` is kept, keyed by

- the request body, byte for byte (its inputs, states and which of them changed: what the callback reads), and
- the project's state (:func:`job_state`: each model's jobs, their state and chunks done), so a job that ends or
  grows a chunk is a new key, never a stale figure,

and the next identical request within that state gets the same bytes without running the callback. The role is
checked before (the guard refuses a lower role first); the answer does not depend on who asks. Least recently
used answers are dropped beyond ``max_bytes``; each server process keeps its own.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable

import dash
import flask

from portal.web._roles import UPDATE_ROUTE
from portal.web._services import PortalServices

MAX_BYTES = 64 * 1024 * 1024  # the beeswarm answers are about 0.2 MB each: hundreds of views' worth


def job_state(services: PortalServices) -> Hashable:
    """What the project's answers depend on beyond a request: every model's own and common-scale job, its
    state and chunks done (about a millisecond: one index read per running job, one stat per finished one)."""
    state = []
    for name in services.model_names:
        own, common = services.progress(name), services.common_progress(name)
        state.append((name, own.state, own.done, None if common is None else (common.state, common.done)))
    return tuple(state)


class ResponseMemo:
    """Answer bytes by (request body, project state), least recently used dropped beyond ``max_bytes``."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._answers: OrderedDict[tuple[str, Hashable], tuple[bytes, str]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0

    def get(self, key: tuple[str, Hashable]) -> tuple[bytes, str] | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
                self.hits += 1
            return answer

    def put(self, key: tuple[str, Hashable], body: bytes, mimetype: str) -> None:
        if len(body) > self.max_bytes:
            return
        with self._lock:
            if key in self._answers:
                return
            self._answers[key] = (body, mimetype)
            self._bytes += len(body)
            while self._bytes > self.max_bytes:
                _, (dropped, _) = self._answers.popitem(last=False)
                self._bytes -= len(dropped)


def remember_responses(
    app: dash.Dash, keys: Collection[str], state_of: Callable[[], Hashable], memo: ResponseMemo | None = None
) -> ResponseMemo:
    """Serve the callbacks whose output keys are ``keys`` from ``memo`` when the same body comes again in the same
    ``state_of()``. Registered after the login check and the role guard, so only an allowed request is answered."""
    memo = memo or ResponseMemo()
    route = app.config.requests_pathname_prefix + UPDATE_ROUTE
    wanted = frozenset(keys)
    app.server.config["PORTAL_MEMOIZED"] = wanted  # which callbacks are answered from memory, for tests and operators

    def key_of_request() -> tuple[str, Hashable] | None:
        if flask.request.path != route or flask.request.method != "POST":
            return None
        body = flask.request.get_json(silent=True)
        if not isinstance(body, dict) or body.get("output") not in wanted:
            return None
        digest = hashlib.sha256(flask.request.get_data(cache=True)).hexdigest()
        return digest, state_of()

    @app.server.before_request
    def _answer_from_memory():
        key = key_of_request()
        flask.g.response_memo_key = key
        answer = None if key is None else memo.get(key)
        if answer is None:
            return None
        flask.g.response_memo_key = None  # nothing to keep: it came from here
        return flask.Response(answer[0], status=200, mimetype=answer[1])

    @app.server.after_request
    def _keep(response: flask.Response) -> flask.Response:
        key = flask.g.pop("response_memo_key", None)
        if key is not None and response.status_code == 200 and not response.direct_passthrough:
            memo.put(key, response.get_data(), response.mimetype)
        return response

    return memo
