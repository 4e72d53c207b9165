"""A local 46elks for tests: an HTTP server on a loopback port that speaks its SMS API.

`POST /a1/sms` with HTTP basic auth and form fields `from`, `to`, `message` and the optional `dontlog` and
`whendelivered`, checked the way 46elks checks them (E.164 `to`; `from` a text sender ID of 2–11 letters or
digits, starting with a letter, or an E.164 number; each field at most once). It answers 200 with JSON like
46elks's (`id`, `status` "created", `to`, `from`, `parts`, `cost`, and `message` only without dontlog=message);
401 for wrong credentials, 400 with a plain-text reason for a bad field, as 46elks does.

`mode` makes it misbehave: "bad_number" (400 "Invalid to number", a number the network refuses), "server_error"
(503), "hang" (reads the request, then answers nothing for `hang_seconds`), "not_json" (200, not JSON),
"redirect" (302 elsewhere), "hang_after_headers" (200, then nothing for `hang_seconds`).
Every request that reached it is in `requests` (the parsed fields), whatever it answered.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

E164 = re.compile(r"\+[1-9][0-9]{6,14}")
TEXT_SENDER = re.compile(r"[A-Za-z][A-Za-z0-9]{1,10}")
FIELDS = {"from", "to", "message", "dontlog", "whendelivered"}


class ElksStandIn:
    def __init__(self, *, username: str = "elks-user", password: str = "elks-secret") -> None:
        self.username = username
        self.password = password
        self.mode = "ok"
        self.hang_seconds = 10.0
        self.requests: list[dict[str, str]] = []
        self.accepted: list[dict[str, str]] = []  # those answered 200, with the id given
        self.hits: list[str] = []  # every request: "METHOD /path"
        self._release = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="elks-standin", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> ElksStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()  # a hanging answer ends now
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002  (quiet test output)
                return

            def do_GET(self) -> None:  # noqa: N802  (http.server's name)
                standin.hits.append(f"GET {self.path}")
                return self._answer(405, "Method not allowed")

            def do_POST(self) -> None:  # noqa: N802  (http.server's name)
                standin.hits.append(f"POST {self.path}")
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                if urlsplit(self.path).path.lower() != "/a1/sms":
                    return self._answer(404, "Not found")
                expected = base64.b64encode(f"{standin.username}:{standin.password}".encode()).decode()
                if self.headers.get("Authorization") != f"Basic {expected}":
                    return self._answer(401, "Authorization required")
                if self.headers.get_content_type() != "application/x-www-form-urlencoded":
                    return self._answer(400, "Expected form-encoded data")
                parsed = parse_qs(body, keep_blank_values=True, strict_parsing=bool(body))
                if set(parsed) - FIELDS or any(len(values) != 1 for values in parsed.values()):
                    return self._answer(400, "Unknown or repeated parameter")
                fields = {name: values[0] for name, values in parsed.items()}
                standin.requests.append(fields)
                if refused := self._refusal(fields):
                    return self._answer(400, refused)
                if standin.mode == "hang":
                    standin._release.wait(standin.hang_seconds)
                    return self._answer(503, "Gave up")
                if standin.mode == "server_error":
                    return self._answer(503, "Service temporarily unavailable")
                if standin.mode == "bad_number":
                    return self._answer(400, f"Invalid to number {fields['to']}")
                if standin.mode == "not_json":
                    return self._answer(200, "OK")
                if standin.mode == "hang_after_headers":  # took it, said 200, then the line went quiet
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "100")
                    self.end_headers()
                    self.wfile.flush()
                    standin._release.wait(standin.hang_seconds)
                    return None
                if standin.mode == "redirect":  # 46elks never redirects; a client that followed would re-send
                    return self._answer(302, "Moved", location=f"{standin.url}/a1/elsewhere")
                message_id = f"s{uuid.uuid4().hex}"
                standin.accepted.append({**fields, "id": message_id})
                answer = {
                    "status": "created",
                    "direction": "outgoing",
                    "from": fields["from"],
                    "to": fields["to"],
                    "created": "2026-11-24T10:00:00.000000",
                    "parts": 1,
                    "cost": 3500,
                    "id": message_id,
                }
                if fields.get("dontlog") != "message":
                    answer["message"] = fields["message"]
                return self._answer(200, json.dumps(answer), "application/json")

            @staticmethod
            def _refusal(fields: dict[str, str]) -> str:
                for name in ("from", "to", "message"):
                    if not fields.get(name):
                        return f"Missing key {name}"
                if not E164.fullmatch(fields["to"]):
                    return "Invalid to number"
                if not (TEXT_SENDER.fullmatch(fields["from"]) or E164.fullmatch(fields["from"])):
                    return "Invalid from"
                if "dontlog" in fields and fields["dontlog"] != "message":
                    return "Invalid dontlog"
                if "whendelivered" in fields and urlsplit(fields["whendelivered"]).scheme not in ("http", "https"):
                    return "Invalid whendelivered"
                return ""

            def _answer(self, status: int, body: str, content_type: str = "text/plain", location: str = "") -> None:
                data = body.encode("utf-8")
                try:
                    self.send_response(status)
                    if location:
                        self.send_header("Location", location)
                    self.send_header("Content-Type", f"{content_type}; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client gave up (its timeout): nothing to answer
                    pass

        return Handler
