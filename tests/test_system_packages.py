"""`make run` and `make test` on a bare Debian machine install the system packages they need.

A machine is simulated by a PATH holding only `make`, `bash` and `env` from this system and
stand-ins for `apt-get`, `apt-cache`, `dpkg-query`, `id`, `sudo` and `python3`: the stand-in
apt-get records how it was called and "installs" what it is asked for, so that dpkg-query and PATH
then find it; apt-cache knows every package but those the archive is told to lack.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
RUN_PACKAGES = ["python3-venv", "libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"]
TEST_PACKAGES = ["chromium", "qpdf", "poppler-utils", "libreoffice-writer-nogui"]
TEST_PACKAGES += ["nodejs", "npm", "redis-server"]
# Installed after the others, and only where the archive has it (Debian has, Ubuntu has not).
OPTIONAL = ["chromium-headless-shell"]
# The commands each package brings, as the stand-in apt-get puts them on PATH.
COMMANDS = {"make": "make", "chromium": "chromium", "qpdf": "qpdf", "poppler-utils": "pdftoppm"}
COMMANDS |= {
    "chromium-headless-shell": "chromium-headless-shell",
    "libreoffice-writer-nogui": "soffice",
    "npm": "npm",
    "redis-server": "redis-server",
    "git": "git",
    "curl": "curl",
}


class BareMachine:
    """A Debian machine with nothing installed but make, as far as the scripts can tell."""

    def __init__(self, root: Path):
        self.bin = root / "bin"
        self.state = root / "dpkg"  # one empty file per installed package
        self.log = root / "apt-get.log"
        self.lacking = root / "not-in-archive"  # one package a line
        self.lacking.touch()
        self.bin.mkdir()
        self.state.mkdir()
        for tool in ("make", "bash", "env"):
            real = shutil.which(tool)
            assert real, f"{tool} is needed to run make"
            (self.bin / tool).symlink_to(real)
        stubs = " ".join(f"{package}:{command}" for package, command in COMMANDS.items())
        self.script(
            "apt-get",
            f"""
            echo "$*" >> {self.log}
            [ "$1" = install ] || exit 0
            for package in "$@"; do
              case $package in -*|install) continue ;; esac
              : > {self.state}/$package
              for stub in {stubs}; do
                [ "${{stub%%:*}}" = "$package" ] || continue
                printf '#!/bin/sh\\n' > {self.bin}/${{stub#*:}}
                /bin/chmod +x {self.bin}/${{stub#*:}}
              done
            done
            """,
        )
        self.script(
            "apt-cache",
            f"""
            for package in "$@"; do :; done
            [ "$1" = show ] || exit 0
            while read -r lacking; do
              [ "$lacking" = "$package" ] && echo "E: No packages found" >&2 && exit 100
            done < {self.lacking}
            echo "Package: $package"
            """,
        )
        self.script(
            "dpkg-query",
            f"""
            for package in "$@"; do :; done
            if [ -e {self.state}/$package ]; then printf 'install ok installed'; exit 0; fi
            echo "dpkg-query: no packages found matching $package" >&2
            exit 1
            """,
        )
        # Python 3.13 without its venv module until python3-venv is installed.
        self.script(
            "python3",
            f"""
            case $2 in *ensurepip*) [ -e {self.state}/python3-venv ] ;; *) exit 0 ;; esac
            """,
        )
        self.user_id(0)

    def script(self, name: str, body: str) -> None:
        path = self.bin / name
        lines = [line.strip() for line in body.strip("\n").splitlines()]
        path.write_text("#!/bin/sh\n" + "\n".join(lines) + "\n")
        path.chmod(0o755)

    def user_id(self, uid: int) -> None:
        self.script("id", f"echo {uid}")

    def sudo(self, *, allowed: bool) -> None:
        """sudo that runs the command as root, or that wants a password (which -n refuses)."""
        if allowed:
            self.script(
                "sudo",
                f"""
                echo "sudo $*" >> {self.log}
                [ "$1" = -n ] && shift
                [ "$1" = true ] || exec "$@"
                """,
            )
        else:
            self.script("sudo", 'echo "sudo: a password is required" >&2\nexit 1')

    def archive_lacks(self, *packages: str) -> None:
        self.lacking.write_text("".join(f"{package}\n" for package in packages))

    def install(self, *packages: str) -> None:
        for package in packages:
            (self.state / package).touch()
            if package in COMMANDS:
                self.script(COMMANDS[package], "exit 0")

    def make(self, target: str) -> subprocess.CompletedProcess:
        return self.run("make", "--no-print-directory", target)

    def run(self, *command: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            command,
            cwd=PROJECT,
            env={"PATH": str(self.bin), "HOME": str(self.bin.parent), "LANG": "C.UTF-8"},
            capture_output=True,
            text=True,
            check=False,
        )

    def apt_get_calls(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []


@pytest.fixture
def machine(tmp_path) -> BareMachine:
    return BareMachine(tmp_path)


def apt_install(*packages: str) -> str:
    return "install -y -q --no-install-recommends " + " ".join(packages)


def test_as_root_make_run_installs_exactly_the_missing_packages_for_the_portal(machine):
    result = machine.make("packages-run")

    assert result.returncode == 0, result.stderr
    assert machine.apt_get_calls() == ["update -q", apt_install(*RUN_PACKAGES)]
    assert "Installing the system packages" in result.stdout


def test_as_root_make_test_adds_chromium_qpdf_poppler_libreoffice_and_node(machine):
    machine.install(*RUN_PACKAGES)

    result = machine.make("packages-test")

    assert result.returncode == 0, result.stderr
    assert machine.apt_get_calls() == ["update -q", apt_install(*TEST_PACKAGES, *OPTIONAL)]


def test_make_test_on_a_bare_machine_installs_both_lists_in_one_go(machine):
    result = machine.make("packages-test")

    assert result.returncode == 0, result.stderr
    assert machine.apt_get_calls() == [
        "update -q",
        apt_install(*RUN_PACKAGES, *TEST_PACKAGES, *OPTIONAL),
    ]


def test_node_from_elsewhere_counts_as_installed_so_debians_npm_is_not_forced_on_it(machine):
    machine.install(*RUN_PACKAGES)
    machine.script("npm", "exit 0")  # NodeSource's nodejs brings npm without Debian's package

    result = machine.make("packages-test")

    assert result.returncode == 0, result.stderr
    assert machine.apt_get_calls() == [
        "update -q",
        apt_install(
            "chromium",
            "qpdf",
            "poppler-utils",
            "libreoffice-writer-nogui",
            "redis-server",
            "chromium-headless-shell",
        ),
    ]


def test_only_what_is_missing_is_installed(machine):
    machine.install("libpango-1.0-0", "python3-venv", "chromium", "chromium-headless-shell", "npm")

    result = machine.make("packages-test")

    assert result.returncode == 0, result.stderr
    assert machine.apt_get_calls() == [
        "update -q",
        apt_install(
            "libpangoft2-1.0-0",
            "libharfbuzz-subset0",
            "qpdf",
            "poppler-utils",
            "libreoffice-writer-nogui",
            "redis-server",
        ),
    ]


def test_nothing_is_installed_and_nothing_said_when_every_package_is_there(machine):
    machine.install(*RUN_PACKAGES, *TEST_PACKAGES, *OPTIONAL)

    result = machine.make("packages-test")

    assert result.returncode == 0, result.stderr
    assert machine.apt_get_calls() == []
    assert result.stdout == result.stderr == ""


def test_an_archive_without_the_headless_shell_installs_the_rest_and_asks_no_more(machine):
    machine.archive_lacks("chromium-headless-shell")  # Ubuntu: the browser tests use chromium

    first = machine.make("packages-test")
    second = machine.make("packages-test")

    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert machine.apt_get_calls() == [
        "update -q",
        apt_install(*RUN_PACKAGES, *TEST_PACKAGES),
    ]
    assert second.stdout == second.stderr == ""


def test_only_the_headless_shell_missing_is_installed_as_root(machine):
    machine.install(*RUN_PACKAGES, *TEST_PACKAGES)

    result = machine.make("packages-test")

    assert result.returncode == 0, result.stderr
    assert machine.apt_get_calls() == ["update -q", apt_install(*OPTIONAL)]


def test_without_root_a_missing_headless_shell_is_a_hint_not_a_stop(machine):
    machine.install(*RUN_PACKAGES, *TEST_PACKAGES)
    machine.user_id(1000)
    machine.sudo(allowed=False)

    result = machine.make("packages-test")

    assert result.returncode == 0, result.stderr
    assert machine.apt_get_calls() == []
    assert result.stderr == (
        "Optional, for faster browser tests: "
        "sudo apt-get install --no-install-recommends chromium-headless-shell\n"
    )


def test_without_root_or_sudo_at_all_the_hint_says_su(machine):
    machine.install(*RUN_PACKAGES, *TEST_PACKAGES)
    machine.user_id(1000)

    result = machine.make("packages-test")

    assert result.returncode == 0, result.stderr
    hint = "su -c 'apt-get install --no-install-recommends chromium-headless-shell'"
    assert hint in result.stderr


def test_without_root_it_installs_through_sudo_when_sudo_needs_no_password(machine):
    machine.user_id(1000)
    machine.sudo(allowed=True)
    machine.install(*RUN_PACKAGES)

    result = machine.make("packages-test")

    assert result.returncode == 0, result.stderr
    assert machine.apt_get_calls() == [
        "sudo -n true",
        "sudo -n apt-get update -q",
        "update -q",
        "sudo -n env DEBIAN_FRONTEND=noninteractive "
        + "apt-get "
        + apt_install(*TEST_PACKAGES, *OPTIONAL),
        apt_install(*TEST_PACKAGES, *OPTIONAL),
    ]


@pytest.mark.parametrize("target", ["run", "test"])
def test_without_root_or_sudo_make_stops_first_with_the_exact_command(machine, target):
    machine.user_id(1000)
    machine.sudo(allowed=False)
    missing = RUN_PACKAGES if target == "run" else RUN_PACKAGES + TEST_PACKAGES
    optional = [] if target == "run" else OPTIONAL

    result = machine.make(target)

    assert result.returncode != 0
    assert machine.apt_get_calls() == []
    assert "These system packages are missing: " + " ".join(missing) + "\n" in result.stderr
    assert (
        "  sudo apt-get install --no-install-recommends " + " ".join(missing + optional) + "\n"
    ) in result.stderr
    assert "ruff" not in result.stdout + result.stderr  # nothing ran after the check
    assert "manage.py" not in result.stdout + result.stderr


def test_without_root_and_without_sudo_at_all_it_says_to_install_as_root(machine):
    machine.user_id(1000)

    result = machine.make("packages-run")

    assert result.returncode != 0
    assert machine.apt_get_calls() == []
    expected = "  su -c 'apt-get install --no-install-recommends " + " ".join(RUN_PACKAGES) + "'"
    assert expected in result.stderr


def test_ci_adds_redis_and_git_and_curl_for_its_check_of_make_run_in_a_fresh_clone(machine):
    result = machine.run("bash", "scripts/system_packages.sh", "ci")

    assert result.returncode == 0, result.stderr
    assert machine.apt_get_calls() == [
        "update -q",
        apt_install("redis-server", "git", "curl"),
    ]


def test_a_package_that_apt_get_leaves_missing_fails_the_step(machine):
    machine.script("apt-get", f'echo "$*" >> {machine.log}')  # reports success, installs nothing

    result = machine.make("packages-run")

    assert result.returncode != 0
    assert "Still missing after apt-get install: " + " ".join(RUN_PACKAGES) in result.stderr


def test_make_run_on_another_address_points_mail_links_at_it():
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/")}

    dry_run = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", "HOST=localhost", "PORT=8123"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    given = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", "PORT=8123"],
        cwd=PROJECT,
        env=env | {"SITE_URL": "https://remiss.example.se"},
        capture_output=True,
        text=True,
        check=True,
    )

    assert "SITE_URL='http://localhost:8123'" in dry_run.stdout
    assert "runserver localhost:8123" in dry_run.stdout
    assert "SITE_URL='https://remiss.example.se'" in given.stdout
