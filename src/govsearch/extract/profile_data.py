"""Profiles as data: a CMS family's fingerprint and selectors read from TOML, so adding a portal needs no Python.

The built-in families live in profiles/builtin.toml; a portal file in crawl_seeds/ may carry its own
[profile] table or name files of [[profile]] tables. The keys are documented at the top of builtin.toml.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from soupsieve import SelectorSyntaxError

from .profile import Page, Profile

BUILTIN = Path(__file__).with_name("profiles") / "builtin.toml"

_SELECTOR_KEYS = ("title", "date", "author", "lead", "body", "breadcrumb", "captions", "drop", "listing_items")
_MATCH_KEYS = ("generator", "hosts", "url", "classes", "ids", "id_prefixes", "scripts", "links", "attributes",
               "selectors")
_KNOWN = {"name", "match", "not_article_url", "url_rewrite", *_SELECTOR_KEYS}


class ProfileError(ValueError):
    """A profile description is malformed (unknown key, bad regex, bad selector)."""


def _strings(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(f"{where}: {key} must be a list of strings")
    return tuple(value)


def _regex(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ProfileError(f"{where}: bad regex {pattern!r}: {exc}") from None


def _check_selectors(selectors: Iterable[str], where: str) -> None:
    from bs4 import BeautifulSoup

    probe = BeautifulSoup("<p></p>", "lxml")
    for selector in selectors:
        try:
            probe.select_one(selector)
        except (SelectorSyntaxError, ValueError, NotImplementedError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ProfileError(f"{where}: bad CSS selector {selector!r}: {reason}") from None


def _matcher(rules: dict[str, Any], where: str) -> Callable[[Page], bool]:
    unknown = set(rules) - set(_MATCH_KEYS)
    if unknown:
        raise ProfileError(f"{where}: unknown match keys {sorted(unknown)} (known: {', '.join(_MATCH_KEYS)})")
    generator = tuple(g.lower() for g in _strings(rules, "generator", where))
    hosts = tuple(h.lower().lstrip(".") for h in _strings(rules, "hosts", where))
    urls = tuple(_regex(u, where) for u in _strings(rules, "url", where))
    classes = tuple(tuple(c.split()) for c in _strings(rules, "classes", where))
    ids = _strings(rules, "ids", where)
    id_prefixes = _strings(rules, "id_prefixes", where)
    scripts = _strings(rules, "scripts", where)
    links = _strings(rules, "links", where)
    attributes: list[dict[str, Any]] = []  # Any: what bs4's attrs= takes (a str or True per name)
    for spec in _strings(rules, "attributes", where):
        name, _, value = spec.partition("=")
        if not name:
            raise ProfileError(f"{where}: attributes entries are 'name' or 'name=value', got {spec!r}")
        attributes.append({name: value or True})
    selectors = _strings(rules, "selectors", where)
    _check_selectors(selectors, where)

    def matches(page: Page) -> bool:
        if generator and any(g in page.generator.lower() for g in generator):
            return True
        if any(page.host == h or page.host.endswith("." + h) for h in hosts):
            return True
        if any(u.search(page.url) for u in urls):
            return True
        if any(page.has_class(*names) for names in classes):
            return True
        if any(i in page.by_id for i in ids) or any(i.startswith(id_prefixes) for i in page.by_id if id_prefixes):
            return True
        if scripts and any(s in page.scripts for s in scripts):
            return True
        if links and any(any(x in str(link.get("href", "")) for x in links) for link in page.soup.find_all("link")):
            return True
        if any(page.soup.find(None, attrs=a) is not None for a in attributes):
            return True
        # CSS walks the whole tree in Python: the costliest rule, so the last.
        return any(page.soup.select_one(s) is not None for s in selectors)

    return matches


def _rewriter(pairs: Any, where: str) -> Callable[[str], str]:
    if not isinstance(pairs, list) or not all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in pairs):
        raise ProfileError(f"{where}: url_rewrite must be a list of [regex, replacement] pairs")
    compiled = [(_regex(a, where), b) for a, b in pairs]

    def fix(url: str) -> str:
        for pattern, replacement in compiled:
            url = pattern.sub(replacement, url, count=1)
        return url

    return fix


def profile_from_dict(data: dict[str, Any], where: str = "profile") -> Profile:
    """A Profile from one [profile] table; ProfileError names the file and key at fault."""
    if not isinstance(data, dict):
        raise ProfileError(f"{where}: a profile must be a table")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ProfileError(f"{where}: a profile needs a name")
    where = f"{where} [{name}]"
    unknown = set(data) - _KNOWN
    if unknown:
        raise ProfileError(f"{where}: unknown keys {sorted(unknown)}")
    fields = {key: _strings(data, key, where) for key in _SELECTOR_KEYS}
    _check_selectors([s for values in fields.values() for s in values], where)
    match = data.get("match", {})
    if not isinstance(match, dict):
        raise ProfileError(f"{where}: [profile.match] must be a table")
    not_article = data.get("not_article_url")
    if not_article is not None and not isinstance(not_article, str):
        raise ProfileError(f"{where}: not_article_url must be a regex string")
    kwargs: dict[str, Any] = dict(fields)
    if "url_rewrite" in data:
        kwargs["fix_url"] = _rewriter(data["url_rewrite"], where)
    return Profile(name=name, matches=_matcher(match, where),
                   not_article_url=_regex(not_article, where) if not_article else None,
                   source=(data, where.rsplit(" [", 1)[0]), **kwargs)


def profiles_from_toml(text: str, where: str) -> tuple[Profile, ...]:
    """Profiles in a TOML text: [[profile]] tables, or a single [profile] table."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{where}: {str(exc).splitlines()[0]}") from None
    tables = data.get("profile", [])
    if isinstance(tables, dict):
        tables = [tables]
    return tuple(profile_from_dict(t, where) for t in tables)


def load_profiles(path: str | Path) -> tuple[Profile, ...]:
    """The profiles in one TOML file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read profiles file: {exc.strerror or exc}") from None
    return profiles_from_toml(text, str(path))


@lru_cache(maxsize=1)
def builtin_profiles() -> tuple[Profile, ...]:
    """The families shipped with govsearch, in the order they are tried (the most specific first)."""
    return load_profiles(BUILTIN)
