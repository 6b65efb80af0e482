"""Response headers that keep the portal's pages from being framed, sniffed or made to run foreign script,
and the cap on request bodies.

The Content-Security-Policy allows script from the portal itself and the inline scripts Dash writes into
its page (its renderer start-up and the clientside callbacks), each by its SHA-256 hash
(``app.csp_hashes()``), never ``'unsafe-inline'``. It allows ``'unsafe-eval'``: plotly.js draws Scattergl
(the beeswarms on /global) with regl, which compiles its shaders' glue with ``new Function``; without it
chromium reported a ``script-src eval`` violation per beeswarm on the churn demo. Eval runs only code the
portal's own scripts build; with inline script refused, injected markup still cannot start any. Styles do
need ``'unsafe-inline'``: plotly.js and the Dash components set ``style`` attributes and inject ``<style>``
elements as they draw, which no hash can name; an injected style cannot run script. ``data:``/``blob:`` images
are plotly's own (its PNG download and some markers). Everything else, fonts and connections included, comes
from the portal or nowhere.

A callback request carries ids, options and short text; 1 MB is far above any the pages send and far below
what would tie up a worker (a 5 MB list took 12.9 s and answered 20 MB before the cap).
"""

from __future__ import annotations

import dash
import flask
from werkzeug.exceptions import RequestEntityTooLarge

MAX_BODY_BYTES = 1024 * 1024
TOO_LARGE = "request too large: the portal accepts bodies up to 1 MB\n"


def content_security_policy(app: dash.Dash) -> str:
    """The policy for ``app``, whose inline scripts (clientside callbacks) must all be registered already."""
    scripts = " ".join(dict.fromkeys(app.csp_hashes()))  # each already quoted: 'sha256-...'
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'unsafe-eval' {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def secure_headers(app: dash.Dash) -> None:
    """Send the security headers on every response and answer an oversized body with 413 and one line."""
    headers = {
        "Content-Security-Policy": content_security_policy(app),
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    app.server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES

    @app.server.after_request
    def _headers(response: flask.Response) -> flask.Response:
        response.headers.update(headers)
        return response

    @app.server.errorhandler(RequestEntityTooLarge)
    def _too_large(_error: RequestEntityTooLarge) -> flask.Response:
        return flask.Response(TOO_LARGE, status=413, mimetype="text/plain")
