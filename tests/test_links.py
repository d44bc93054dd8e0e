"""remiss.links.url_for gives exactly what reverse() gives, for every route of the portal whose
arguments are integer keys, also when the portal is served under a path prefix."""

import pytest
from django.urls import (
    NoReverseMatch,
    URLPattern,
    URLResolver,
    get_resolver,
    reverse,
    set_script_prefix,
)

from remiss.links import url_for


def routes_with_keys() -> list[tuple[str, int]]:
    """Every named route whose arguments are all integers, with their number."""
    found = []

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                converters = getattr(pattern.pattern, "converters", {})
                if converters and all(
                    type(converter).__name__ == "IntConverter" for converter in converters.values()
                ):
                    found.append((f"{namespace}{pattern.name}", len(converters)))

    walk(get_resolver().url_patterns, "")
    return sorted(found)


ROUTES = routes_with_keys()
KEYS = (1, 7, 10, 2_147_483_647)


def test_the_routes_the_tables_link_to_are_among_those_checked():
    assert {("recipient", 1), ("statement", 1), ("reply", 2), ("reply_register", 2)} <= set(ROUTES)


@pytest.mark.parametrize("prefix", ["/", "/remisser-stockholm/"])
def test_a_link_by_key_is_what_reverse_gives_for_every_route(prefix):
    set_script_prefix(prefix)
    try:
        wrong = [
            (name, keys, url_for(name, *keys), reverse(name, args=keys))
            for name, count in ROUTES
            for first in KEYS
            for keys in [(first, *KEYS[::-1][: count - 1])]
            if url_for(name, *keys) != reverse(name, args=keys)
        ]
    finally:
        set_script_prefix("/")
    assert not wrong


def test_a_route_asked_with_the_wrong_number_of_keys_is_refused():
    with pytest.raises(NoReverseMatch):
        url_for("reply", 1)
    with pytest.raises(ValueError, match="one to 3 keys"):
        url_for("reply")
