"""Values from requests, kept within what the database can hold.

A number a browser sends (a version, an id) is text; one that is not a number, or is larger than
the database's integers, is simply not a valid answer — never a server error. Free text read
straight from a request loses NUL characters, which PostgreSQL cannot store (form fields refuse
them with a message of their own).
"""

VERSION_MAX = 2**31 - 2  # PositiveIntegerField on PostgreSQL, less one: a save adds one
ID_MAX = 2**63 - 1  # BigAutoField


def parse(value, *, maximum: int = ID_MAX) -> int | None:
    """The number in `value`, or None when it is missing, not a whole number or out of range."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 <= number <= maximum else None


def text(value) -> str:
    """Free text from a request, without NUL characters."""
    return str(value or "").replace("\x00", "")


def without_nul(data: dict[str, list[str]]) -> dict[str, list[str]]:
    """A posted form (as lists) without NUL characters in keys or values, e.g. for jsonb."""
    return {text(key): [text(value) for value in values] for key, values in data.items()}
