"""Check the system libraries the portal needs, and say which Debian packages to install."""

import sys

PANGO = "libpango-1.0-0 libpangoft2-1.0-0"


def main() -> int:
    try:
        import weasyprint  # noqa: F401 - importing loads Pango through cffi
    except OSError as error:
        print(
            "WeasyPrint cannot load Pango, which it needs to make PDFs:\n"
            f"  {error}\n"
            "Install it with:\n"
            f"  sudo apt-get install {PANGO} libharfbuzz-subset0",
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
