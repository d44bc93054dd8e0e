"""Check that WeasyPrint finds the system libraries the portal needs, and say how to install them.

The packages are listed once, in scripts/system_packages.sh (which `make run` runs first).
"""

import sys


def main() -> int:
    try:
        import weasyprint  # noqa: F401 - importing loads Pango through cffi
    except OSError as error:
        print(
            "WeasyPrint cannot load Pango, which it needs to make PDFs:\n"
            f"  {error}\n"
            "Install the system packages with (as root, or through sudo):\n"
            "  scripts/system_packages.sh run",
            file=sys.stderr,
        )
        return 1
    from weasyprint.text.ffi import pango

    version = pango.pango_version()
    if version < 14400:
        print(
            f"Pango {version // 10000}.{version // 100 % 100} is too old for WeasyPrint "
            "(1.44 or newer is needed): use Debian 12, Ubuntu 22.04 or newer.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
