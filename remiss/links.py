"""Links to objects by their primary key, for tables of many rows.

Django's reverse() walks its resolver and checks the arguments against the route's pattern on
every call: 20–40 µs each, two a row in the inbox's tables, a fifth of a row's rendering. A
route whose arguments are integer keys gives the same address for every key with only the
numbers changed, so `url_for` asks reverse() once per route (and script prefix and URL
configuration) and then puts the numbers in. tests/test_links.py holds it to reverse() for
every such route.
"""

from django.urls import get_script_prefix, get_urlconf, reverse

# Keys no table reaches (they do not fit in a PostgreSQL integer), written in the route once to
# find where each key goes.
_MARKS = (918_273_645_546_372_819, 918_273_645_546_372_827, 918_273_645_546_372_833)
_routes: dict[tuple[str, int, str, object], tuple[str, ...]] = {}


def url_for(name: str, *pks: int) -> str:
    """reverse(name, args=pks), for a route whose arguments are integer keys (up to three)."""
    key = (name, len(pks), get_script_prefix(), get_urlconf())
    parts = _routes.get(key)
    if parts is None:
        parts = _routes[key] = _split(name, len(pks))
    if len(pks) == 1:  # the common case, without the loop
        return f"{parts[0]}{int(pks[0])}{parts[1]}"
    pieces = [parts[0]]
    for pk, after in zip(pks, parts[1:], strict=True):
        pieces += (str(int(pk)), after)
    return "".join(pieces)


def _split(name: str, count: int) -> tuple[str, ...]:
    """The route's address around its keys: the text before the first, between, after the
    last."""
    if not 1 <= count <= len(_MARKS):
        raise ValueError(f"url_for takes one to {len(_MARKS)} keys, not {count}")
    address = reverse(name, args=_MARKS[:count])
    parts = []
    for mark in map(str, _MARKS[:count]):
        before, found, address = address.partition(mark)
        if not found:  # pragma: no cover - a route this cannot build
            raise ValueError(f"{name!r} does not take {count} integer keys in order")
        parts.append(before)
    if any(str(mark) in address for mark in _MARKS):  # pragma: no cover
        raise ValueError(f"{name!r} repeats a key")
    return (*parts, address)
