"""Links to objects by their primary key, for tables of many rows.

Django's reverse() walks its resolver and checks the arguments against the route's pattern on
every call: 20–40 µs each, two a row in the inbox's tables, a fifth of a row's rendering. A
route whose only argument is an integer key gives the same address for every key with only
the number changed, so `url_for` asks reverse() once per route (and script prefix and URL
configuration) and then puts the number in. tests/test_links.py holds it to reverse() for
every such route.
"""

from django.urls import get_script_prefix, get_urlconf, reverse

# A key no table reaches (it does not fit in a PostgreSQL integer), written in the route once
# to find where the key goes.
_MARK = 918_273_645_546_372_819
_routes: dict[tuple[str, str, object], tuple[str, str]] = {}


def url_for(name: str, pk: int) -> str:
    """reverse(name, args=[pk]), for a route with one integer argument."""
    key = (name, get_script_prefix(), get_urlconf())
    parts = _routes.get(key)
    if parts is None:
        before, mark, after = reverse(name, args=[_MARK]).partition(str(_MARK))
        if not mark or str(_MARK) in after:  # pragma: no cover - a route this cannot build
            raise ValueError(f"{name!r} does not take one integer key")
        parts = _routes[key] = (before, after)
    return f"{parts[0]}{int(pk)}{parts[1]}"
