"""A local stand-in for a Web Push service (RFC 8030), on a loopback port, that checks what a real one checks.

Each subscription is a real P-256 key pair and auth secret, as a browser makes them (`PushManager.subscribe`), bound
to the application server key it was made for. A POST to its endpoint is accepted (201) only when:

- `Authorization: vapid t=<JWT>, k=<public key>` (RFC 8292) carries an ES256 JWT whose signature verifies with `k`,
  `k` is the key the subscription was made for (else 403, as FCM answers), `aud` is the endpoint's origin, `exp` is in
  the future and at most 24 hours away, and `sub` is a mailto: or https: URI (else 401);
- a `TTL` header is present (else 400);
- the body is at most 4096 bytes (else 413) and decrypts as `aes128gcm` (RFC 8291) with the subscription's private key
  and auth secret (else 400).

What it decrypted is kept (`received`) with the claims and headers. A subscription can instead answer as a push service
does when the subscription is gone (404, 410), when it refuses the request (400, 413), when it fails (500), send the
request on elsewhere (307), or hang without answering until the stand-in stops.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

OK = "ok"
HANG = "hang"
MODES = {
    OK: 201,
    "gone": 410,
    "not_found": 404,
    "too_large": 413,
    "bad_request": 400,
    "error": 500,
    "redirect": 307,  # to another address of the stand-in's host (as a forged one could, to an internal service)
    HANG: None,
}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Subscription:
    """What a browser keeps for one subscription: its key pair and auth secret; `p256dh` and `auth` are what it
    hands to the site (PushSubscription.toJSON().keys)."""

    token: str
    endpoint: str
    server_key: str  # the applicationServerKey it was made with
    mode: str
    private_key: ec.EllipticCurvePrivateKey = field(repr=False)
    auth_secret: bytes = field(repr=False)

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)


@dataclass
class Received:
    token: str
    payload: dict[str, Any]
    claims: dict[str, Any]
    headers: dict[str, str]


class PushServiceStandIn:
    def __init__(self) -> None:
        self.subscriptions: dict[str, Subscription] = {}
        self.received: list[Received] = []  # accepted and decrypted
        self.refused: list[tuple[str, int, str]] = []  # (token, status, why)
        self.requests: list[str] = []  # every POST's token, in order
        # Called (in the server's thread) after a message was accepted, before the answer goes back.
        self.on_accept: Callable[[Received], None] | None = None
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"

    def subscribe(self, *, server_key: str, mode: str = OK) -> Subscription:
        """A new subscription, as a browser makes one for a site with this application server key."""
        assert mode in MODES
        token = secrets.token_urlsafe(16)
        subscription = Subscription(
            token=token,
            endpoint=f"{self.origin}/wpush/v2/{token}",
            server_key=server_key,
            mode=mode,
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth_secret=os.urandom(16),
        )
        self.subscriptions[token] = subscription
        return subscription

    def received_by(self, subscription: Subscription) -> list[Received]:
        return [r for r in self.received if r.token == subscription.token]

    @contextlib.contextmanager
    def running(self) -> Iterator[PushServiceStandIn]:
        thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.stop.set()  # lets hanging answers go
            self.server.shutdown()
            self.server.server_close()
            thread.join(timeout=2)

    # --- What a push service checks -----------------------------------------------------------------------------

    def answer(self, token: str, headers: dict[str, str], body: bytes) -> tuple[int | None, str]:
        with self.lock:
            self.requests.append(token)
        subscription = self.subscriptions.get(token)
        if subscription is None:
            return 404, "no such subscription"
        status = MODES[subscription.mode]
        if subscription.mode != OK:
            return status, subscription.mode
        try:
            claims = self.verify_vapid(headers.get("authorization", ""), subscription)
        except PermissionError as refused:
            return 403, str(refused)
        except ValueError as invalid:
            return 401, str(invalid)
        if "ttl" not in headers or not headers["ttl"].isdigit():
            return 400, "TTL header missing"
        if len(body) > 4096:
            return 413, "payload too large"
        if headers.get("content-encoding") != "aes128gcm":
            return 400, "not aes128gcm"
        try:
            plain = http_ece.decrypt(
                body, private_key=subscription.private_key, auth_secret=subscription.auth_secret, version="aes128gcm"
            )
            payload = json.loads(plain)
        except Exception as exc:  # noqa: BLE001  (anything that does not decrypt is a bad request)
            return 400, f"payload does not decrypt: {exc!r}"
        received = Received(token=token, payload=payload, claims=claims, headers=headers)
        with self.lock:
            self.received.append(received)
        if self.on_accept is not None:
            self.on_accept(received)
        return 201, "created"

    def verify_vapid(self, authorization: str, subscription: Subscription) -> dict[str, Any]:
        scheme, _, params = authorization.partition(" ")
        if scheme.lower() != "vapid":
            raise ValueError("not a vapid Authorization")
        parts = dict(part.strip().split("=", 1) for part in params.split(",") if "=" in part)
        token, key = parts.get("t", ""), parts.get("k", "")
        try:
            header_b64, claims_b64, signature_b64 = token.split(".")
            header = json.loads(unb64url(header_b64))
            claims = json.loads(unb64url(claims_b64))
            signature = unb64url(signature_b64)
            public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        except (ValueError, binascii.Error) as exc:
            raise ValueError(f"malformed VAPID token: {exc}") from exc
        if header.get("alg") != "ES256" or len(signature) != 64:
            raise ValueError("not an ES256 JWT")
        der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
        try:
            public_key.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature as exc:
            raise ValueError("the JWT's signature does not verify with k") from exc
        if key.rstrip("=") != subscription.server_key:
            raise PermissionError("k is not the key this subscription was made for")
        if claims.get("aud") != self.origin:
            raise ValueError(f"aud {claims.get('aud')!r} is not {self.origin}")
        expires = claims.get("exp")
        if not isinstance(expires, int) or not time.time() < expires <= time.time() + 24 * 3600:
            raise ValueError("exp is not within the next 24 hours")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https://")):
            raise ValueError("sub is not a mailto: or https: URI")
        return claims

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802  (http.server's name)
                token = self.path.rsplit("/", 1)[-1]
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {name.lower(): value for name, value in self.headers.items()}
                status, why = standin.answer(token, headers, body)
                if status is None:  # took the request, never answers
                    standin.stop.wait(30)
                    return
                if status != 201:
                    with standin.lock:
                        standin.refused.append((token, status, why))
                self.send_response(status)
                if status == 201:
                    self.send_header("Location", f"{standin.origin}/m/{secrets.token_urlsafe(8)}")
                if status == 307:
                    self.send_header("Location", f"{standin.origin}/internal/admin")
                self.send_header("Content-Length", str(len(why.encode())))
                self.end_headers()
                self.wfile.write(why.encode())

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        return Handler
