"""robots.txt rules for one host, parsed with protego.

RFC 9309 semantics for the fetch outcome: a 4xx robots.txt means "no rules",
an unreachable or 5xx one means "stay out" (the site may be struggling).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from protego import Protego


@dataclass(slots=True)
class Robots:
    """What one host's robots.txt lets `user_agent` do."""

    user_agent: str
    parser: Protego | None = None
    # True when robots.txt could not be read at all (5xx): everything disallowed.
    unavailable: bool = False
    _token: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        # Matching uses the product token ("govsearch"), not the whole header.
        self._token = self.user_agent.split("/", 1)[0].split()[0] if self.user_agent.strip() else "*"

    @classmethod
    def from_text(cls, text: str, user_agent: str) -> Robots:
        return cls(user_agent=user_agent, parser=Protego.parse(text))

    @classmethod
    def allow_all(cls, user_agent: str) -> Robots:
        return cls(user_agent=user_agent)

    @classmethod
    def deny_all(cls, user_agent: str) -> Robots:
        return cls(user_agent=user_agent, unavailable=True)

    def allowed(self, url: str) -> bool:
        if self.unavailable:
            return False
        if self.parser is None:
            return True
        # robots.txt itself is always fetchable.
        if urlsplit(url).path == "/robots.txt":
            return True
        return bool(self.parser.can_fetch(url, self._token))

    def disallows_everything(self, base_url: str) -> bool:
        parts = urlsplit(base_url)
        return not self.allowed(f"{parts.scheme}://{parts.netloc}/")

    def crawl_delay(self) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(self._token)
        if delay is None:
            # Some sites only give Request-rate ("1/5" = one request per 5 s).
            rate = self.parser.request_rate(self._token)
            if rate is not None and rate.requests:
                return float(rate.seconds) / float(rate.requests)
            return None
        return float(delay)

    def sitemaps(self) -> list[str]:
        return list(self.parser.sitemaps) if self.parser is not None else []
