"""Real local stand-ins for a service that is down in the two ways that matter: nothing listens (the connection is
refused at once), or something accepts the connection and never answers (a frozen mail server, a hung Redis,
a database host whose process stopped): only a timeout ends the wait."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def frozen_server() -> Iterator[tuple[int, list[socket.socket]]]:
    """A TCP server on a loopback port that accepts every connection, reads nothing and answers nothing.
    Yields (port, the accepted sockets)."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.1)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                client, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            accepted.append(client)

    thread = threading.Thread(target=serve, name="frozen-server", daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], accepted
    finally:
        stop.set()
        thread.join(timeout=2)
        server.close()
        for client in accepted:
            client.close()
