"""Where ``demo`` and ``serve`` listen: the address is checked before any model trains, so a typo costs seconds.

``--port 99999`` used to listen on 34463 (the C library wraps the number) while the banner said 99999; a port in
use or a host that is not an address came out of waitress as a traceback after the models had trained.
"""

from __future__ import annotations

import errno
import socket

from portal.config import ConfigError

MAX_PORT = 65535
NOT_A_PORT = "{port} is not a port"
PORT_FIX = "use a number from 1 to 65535, e.g. --port 8050"
PORT_IN_USE = "port {port} on {host} is already in use"
IN_USE_FIX = "stop what listens there, or pick another port, e.g. --port {other}"
NOT_A_HOST = "cannot listen on {host!r} ({reason})"
HOST_FIX = "use an address of this machine, e.g. --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every one)"


def check_port(port: int) -> None:
    if not 1 <= port <= MAX_PORT:
        raise ConfigError("--port", NOT_A_PORT.format(port=port), PORT_FIX)


def check_address(host: str, port: int) -> None:
    """Bind ``host:port`` for a moment, as the server will: a ConfigError (``--port`` or ``--host``) if it can't."""
    check_port(port)
    try:
        family, kind, proto, _, where = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (OSError, UnicodeError) as error:
        raise ConfigError("--host", NOT_A_HOST.format(host=host, reason=_reason(error)), HOST_FIX) from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as waitress does: TIME_WAIT is no conflict
        try:
            probe.bind(where)
        except OSError as error:
            raise bind_error(error, host, port) from None


def bind_error(error: OSError, host: str, port: int) -> ConfigError:
    """The one line for a failed bind: the port taken, not allowed, or the host not this machine's."""
    if error.errno == errno.EADDRINUSE:
        other = port + 1 if port < MAX_PORT else port - 1
        return ConfigError("--port", PORT_IN_USE.format(port=port, host=host), IN_USE_FIX.format(other=other))
    if error.errno == errno.EACCES:
        return ConfigError("--port", f"port {port} needs administrator rights", "use a port from 1024 up, e.g. 8050")
    return ConfigError("--host", NOT_A_HOST.format(host=host, reason=_reason(error)), HOST_FIX)


def _reason(error: Exception) -> str:
    return getattr(error, "strerror", None) or str(error) or type(error).__name__
