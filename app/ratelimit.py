"""Rate limits: no single client starves the class, and the server has a total it takes.

Built on the `limits` library (moving windows, in this process's memory). Each costly kind
of request has a limit per client address, and a total over all clients; training also has
one per network. The per-address limits are generous on purpose: a class of 64 students
often reaches the server from one school address (NAT), and must never see a 429 at
classroom pace. Beyond a limit: 429 with `Retry-After` (seconds until the window has room).

Steps, predictions and reads are not limited here: they are cheap, and a class makes many.
Behind a reverse proxy every request would come from the proxy's address; uvicorn takes the
client's from `X-Forwarded-For` when the proxy is 127.0.0.1 (or in FORWARDED_ALLOW_IPS).
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from app.errors import error_response
from app.settings import Settings


@dataclass(frozen=True)
class Rule:
    """A kind of request (by method and path) and its limits."""

    kind: str
    method: str
    path: re.Pattern[str]  # group 1, when present, is the network id
    what: str  # for the message: "creates", "training calls"…


RULES = (
    Rule("create", "POST", re.compile(r"^/api/(?:networks|datasets|rooms)$"), "creates"),
    Rule("import", "POST", re.compile(r"^/api/networks/import$"), "imports"),
    Rule("train", "POST", re.compile(r"^/api/networks/([^/]+)/train$"), "training calls"),
    Rule("circuit", "POST", re.compile(r"^/api/circuits/trace$"), "circuit traces"),
    Rule("circuit", "GET", re.compile(r"^/api/networks/([^/]+)/neurons/[^/]+/[^/]+/circuit$"),
         "circuit traces"),
)


def _parse(text: str) -> list[RateLimitItem]:
    return parse_many(text) if text.strip().lower() not in ("", "none") else []


class RateLimits:
    """429 + Retry-After for a request beyond its per-address, per-network or total limit."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self.per_address = {kind: _parse(getattr(settings, f"rate_{kind}"))
                            for kind in ("create", "import", "train", "circuit")}
        self.total = {kind: _parse(getattr(settings, f"rate_{kind}_total"))
                      for kind in ("create", "import", "train", "circuit")}
        self.per_network = {"train": _parse(settings.rate_train_network)}

    def _checks(self, rule: Rule, address: str, network: str | None
                ) -> list[tuple[RateLimitItem, tuple[str, ...], str]]:
        checks: list[tuple[RateLimitItem, tuple[str, ...], str]] = [
            (item, (rule.kind, "address", address), "from one address")
            for item in self.per_address[rule.kind]]
        if network is not None:
            checks += [(item, (rule.kind, "network", network), "on one network")
                       for item in self.per_network.get(rule.kind, [])]
        checks += [(item, (rule.kind, "total"), "in total on this server")
                   for item in self.total[rule.kind]]
        return checks

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for rule in RULES:
                match = rule.path.match(scope["path"])
                if match and scope["method"] == rule.method:
                    refusal = self._take(rule, scope, match.group(1) if match.groups() else None)
                    if refusal is not None:
                        await refusal(scope, receive, send)
                        return
                    break
        await self.app(scope, receive, send)

    def _take(self, rule: Rule, scope: Scope, network: str | None) -> JSONResponse | None:
        """Count the request against every limit it falls under, or the 429 if one is full."""
        address = (scope.get("client") or ("unknown", 0))[0]
        checks = self._checks(rule, address, network)
        for item, keys, where in checks:
            if not self.limiter.test(item, *keys):
                reset = self.limiter.get_window_stats(item, *keys).reset_time
                wait = max(1, math.ceil(reset - time.time()))
                text = (f"too many {rule.what} {where}: the limit is {item}; "
                        f"try again in {wait} s")
                return error_response(429, text, headers={"Retry-After": str(wait)})
        for item, keys, _ in checks:
            self.limiter.hit(item, *keys)
        return None
