"""Browser-facing hardening: security headers, trusted Host names, cross-origin writes.

- Every response carries a Content-Security-Policy (scripts and styles from this server
  only), `X-Content-Type-Options: nosniff` and a `Referrer-Policy`. `frame-ancestors`
  says who may embed the pages (`'self'` unless `--frame-ancestors` names a learning
  platform). A response that sets its own policy (the API reference pages, whose inline
  script is allowed by its hash) keeps it.
- The Host header must name this server (`--allowed-hosts`), so a DNS-rebinding page cannot
  reach a server on 127.0.0.1. An IP literal can never be a rebinding name, so when the
  server listens on every interface (0.0.0.0), any IP literal is accepted too.
- A browser may not change anything from another origin, not even with a "simple"
  (text/plain, form) request that skips CORS preflight: unsafe methods whose `Origin` is
  neither this server nor listed in `--cors-origins` get 403. Requests without `Origin`
  (curl, scripts) are not browsers' cross-site requests and pass.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
import socket
from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import error_response

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
REFERRER_POLICY = "same-origin"
INLINE = re.compile(rb"<(script|style)>(.*?)</\1>", re.DOTALL)


def policy(frame_ancestors: str, script: str = "'self'", style: str = "'self'") -> str:
    """The Content-Security-Policy: everything from this server, nothing inline by default.

    `style-src-attr 'unsafe-inline'` lets the page position elements with style attributes
    (they cannot run code); `img-src data:` lets Swagger UI draw its icons.
    """
    return "; ".join((
        "default-src 'self'", f"script-src {script}", f"style-src {style}",
        "style-src-attr 'unsafe-inline'", "img-src 'self' data:", "font-src 'self'",
        "connect-src 'self'", "worker-src 'self' blob:", "object-src 'none'",
        "base-uri 'self'", "form-action 'self'", f"frame-ancestors {frame_ancestors}"))


def inline_hashes(html: bytes, kind: str) -> list[str]:
    """CSP sources ('sha256-…') allowing exactly the inline <script> or <style> blocks."""
    return [f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'"
            for tag, body in INLINE.findall(html) if tag.decode() == kind]


def allow_own_inline(response: Response, frame_ancestors: str,
                     dynamic_styles: bool = False) -> Response:
    """Give an HTML page of a third-party builder (Swagger UI, ReDoc) a policy of its own.

    Its inline script is allowed by hash; with `dynamic_styles` (ReDoc writes <style>
    elements at run time, whose text no hash can know) inline styles are allowed.
    """
    html = bytes(response.body)
    scripts = " ".join(["'self'", *inline_hashes(html, "script")])
    styles = "'self' 'unsafe-inline'" if dynamic_styles else " ".join(
        ["'self'", *inline_hashes(html, "style")])
    response.headers["content-security-policy"] = policy(frame_ancestors, scripts, styles)
    return response


class SecurityHeaders:
    """Adds the security headers to every HTTP response that does not set them itself."""

    def __init__(self, app: ASGIApp, frame_ancestors: str) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", policy(frame_ancestors).encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", REFERRER_POLICY.encode()),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", ())}
                message["headers"] = [*message.get("headers", ()),
                                      *(h for h in self.headers if h[0] not in present)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def default_allowed_hosts(host: str) -> list[str]:
    """The names this server answers to: `--host` (or this machine's names when it listens
    on every interface) and the loopback names."""
    names = [host] if host not in WILDCARD_HOSTS else [socket.gethostname(), socket.getfqdn()]
    return list(dict.fromkeys([*names, *LOOPBACK_NAMES]))


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def _host_name(headers: Headers) -> str:
    """The Host header without its port (an IPv6 literal keeps its brackets stripped)."""
    host = headers.get("host", "")
    if host.startswith("["):
        return host[1:].split("]")[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class HostCheck(TrustedHostMiddleware):
    """Starlette's TrustedHostMiddleware, answering in the API's JSON error shape, and
    (for a server on every interface) letting any IP literal through."""

    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str], any_ip: bool) -> None:
        super().__init__(app, allowed_hosts=[h.strip("[]") for h in allowed_hosts])
        self.any_ip = any_ip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self.allow_any:
            await self.app(scope, receive, send)
            return
        name = _host_name(Headers(scope=scope))
        if (self.any_ip and _is_ip(name)) or any(
                name == pattern or (pattern.startswith("*.") and name.endswith(pattern[1:]))
                for pattern in self.allowed_hosts):
            await self.app(scope, receive, send)
            return
        text = (f"Host {name[:64]!r} is not one of this server's names; the server's "
                "--allowed-hosts lists them")
        await error_response(400, text)(scope, receive, send)


def _same_origin(origin: str, scope: Scope) -> bool:
    """Origin names this server (host and port; the scheme may differ behind a TLS proxy)."""
    return origin.split("://", 1)[-1] == Headers(scope=scope).get("host", "")


class CrossOriginWrites:
    """403 for a browser's unsafe request from another origin not in `--cors-origins`."""

    def __init__(self, app: ASGIApp, cors_origins: Iterable[str]) -> None:
        self.app = app
        self.allowed = frozenset(o.rstrip("/") for o in cors_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
            origin = Headers(scope=scope).get("origin")
            if origin is not None and not _same_origin(origin, scope) and "*" not in self.allowed \
                    and origin.rstrip("/") not in self.allowed:
                text = (f"cross-origin request from {origin[:100]!r} refused: this server "
                        "accepts changes from its own pages, and from the origins its "
                        "--cors-origins lists")
                await error_response(403, text)(scope, receive, send)
                return
        await self.app(scope, receive, send)
