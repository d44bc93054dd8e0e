#!/usr/bin/env bash
# The Debian packages `make run` and `make test` need, and their installation when missing.
#
#   scripts/system_packages.sh run [test] [ci] [bench]
#
# The list below is the only one: the Makefile and .ci/run both call this script. Missing packages
# are installed with apt-get when run as root, with `sudo -n` when that is allowed without a
# password; otherwise the script stops and prints the exact command to run.
set -euo pipefail

# groups  present when              packages
#   command:NAME   NAME is on PATH, whoever installed it
#   library:NAME   dpkg knows the package NAME as installed
#   python:venv    the Python that make uses ($PYTHON, else python3) can create a venv
PACKAGES='
run,ci  command:make                make
run     python:venv                 python3-venv
run     library:libpango-1.0-0      libpango-1.0-0
run     library:libpangoft2-1.0-0   libpangoft2-1.0-0
run     library:libharfbuzz-subset0 libharfbuzz-subset0
test    command:chromium            chromium
test    command:chromium-headless-shell chromium-headless-shell
test    command:qpdf                qpdf
test    command:pdftoppm            poppler-utils
test    command:soffice             libreoffice-writer-nogui
test    command:npm                 nodejs npm
test,ci command:redis-server        redis-server
ci      command:git                 git
ci      command:curl                curl
bench   command:wrk                 wrk
'
# chromium-headless-shell is the same Chromium without a browser window around the page, which the
# browser tests drive (a third of the CPU per page and per new context that the full browser takes,
# tests/browser/conftest.py); the full chromium stays for looking at pages by hand.
# libreoffice-writer-nogui is LibreOffice without its window system: the tests convert every demo
# Word export with `soffice --headless` to prove that LibreOffice opens and re-saves it (issue 17).
# npm is asked for by command, not by package: NodeSource's nodejs brings npm itself and conflicts
# with Debian's npm, which apt would then refuse to install.

present() {
  local probe=$1
  case $probe in
    command:*) command -v "${probe#command:}" >/dev/null 2>&1 ;;
    library:*)
      [[ $(dpkg-query -W -f='${Status}' "${probe#library:}" 2>/dev/null) == "install ok installed" ]]
      ;;
    python:venv) "${PYTHON:-python3}" -c 'import ensurepip, venv' >/dev/null 2>&1 ;;
    *) echo "system_packages.sh: unknown probe $probe" >&2 && return 2 ;;
  esac
}

# The packages of the given groups whose probe fails, one word each, in the order of the list.
missing_packages() {
  local groups probe packages wanted
  while read -r groups probe packages; do
    for wanted in "$@"; do
      if [[ ,$groups, == *,$wanted,* ]]; then
        present "$probe" || printf '%s\n' $packages
        break
      fi
    done
  done <<<"$PACKAGES"
}

main() {
  if (($# == 0)); then
    echo "usage: $0 run|test|ci ..." >&2
    return 2
  fi
  local missing
  mapfile -t missing < <(missing_packages "$@")
  ((${#missing[@]})) || return 0

  local install="apt-get install --no-install-recommends ${missing[*]}"
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "These Debian packages are missing: ${missing[*]}" >&2
    echo "There is no apt-get here: install their equivalents with the system's package manager." >&2
    return 1
  fi
  local as_root=()
  if [[ $(id -u) != 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      as_root=(sudo -n)
    else
      echo "These system packages are missing: ${missing[*]}" >&2
      echo "Install them as root, then run make again:" >&2
      if command -v sudo >/dev/null 2>&1; then
        echo "  sudo $install" >&2
      else
        echo "  su -c '$install'" >&2
      fi
      return 1
    fi
  fi
  echo "== Installing the system packages ${missing[*]}"
  "${as_root[@]}" apt-get update -q
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    --no-install-recommends "${missing[@]}"

  hash -r # look for the new commands, not the remembered absence of them
  mapfile -t missing < <(missing_packages "$@")
  if ((${#missing[@]})); then
    echo "Still missing after apt-get install: ${missing[*]}" >&2
    return 1
  fi
}

main "$@"
