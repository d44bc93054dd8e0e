"""Whole numbers from requests, kept within what the database can hold.

A number a browser sends (a version, an id) is text; one that is not a number, or is larger than
the database's integers, is simply not a valid answer — never a server error.
"""

VERSION_MAX = 2**31 - 1  # PositiveIntegerField on PostgreSQL
ID_MAX = 2**63 - 1  # BigAutoField


def parse(value, *, maximum: int = ID_MAX) -> int | None:
    """The number in `value`, or None when it is missing, not a whole number or out of range."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 <= number <= maximum else None
