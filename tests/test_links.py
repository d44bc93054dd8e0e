"""remiss.links.url_for gives exactly what reverse() gives, for every route of the portal whose
one argument is an integer key, also when the portal is served under a path prefix."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse, set_script_prefix

from remiss.links import url_for


def routes_with_one_key() -> list[str]:
    found = []

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                converters = getattr(pattern.pattern, "converters", {})
                if list(converters) == ["pk"] and type(converters["pk"]).__name__ == "IntConverter":
                    found.append(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return sorted(found)


ROUTES = routes_with_one_key()


def test_the_routes_the_tables_link_to_are_among_those_checked():
    assert {"recipient", "statement"} <= set(ROUTES)


@pytest.mark.parametrize("prefix", ["/", "/remisser-stockholm/"])
def test_a_link_by_key_is_what_reverse_gives_for_every_route(prefix):
    set_script_prefix(prefix)
    try:
        wrong = [
            (name, pk, url_for(name, pk), reverse(name, args=[pk]))
            for name in ROUTES
            for pk in (1, 7, 10, 2_147_483_647)
            if url_for(name, pk) != reverse(name, args=[pk])
        ]
    finally:
        set_script_prefix("/")
    assert not wrong
