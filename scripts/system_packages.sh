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
#   ?PROBE         optional: installed with the others where the archive has it (Debian), never
#                  asked for where it has not (Ubuntu), so its absence stops nothing
PACKAGES='
run,ci  command:make                make
run     python:venv                 python3-venv
run     library:libpango-1.0-0      libpango-1.0-0
run     library:libpangoft2-1.0-0   libpangoft2-1.0-0
run     library:libharfbuzz-subset0 libharfbuzz-subset0
test    command:chromium            chromium
test    ?command:chromium-headless-shell chromium-headless-shell
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
# browser tests drive where it is installed (far less CPU per page and per new context than the
# full browser: tests/browser/conftest.py); without it they drive chromium.
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

# The packages of the given groups whose probe fails, one word each, in the order of the list:
# `missing_packages no GROUP…` the required ones, `missing_packages yes GROUP…` the optional ones.
missing_packages() {
  local optional=$1 groups probe packages wanted is_optional
  shift
  while read -r groups probe packages; do
    is_optional=no
    if [[ $probe == '?'* ]]; then
      is_optional=yes
      probe=${probe:1}
    fi
    [[ $is_optional == "$optional" ]] || continue
    for wanted in "$@"; do
      if [[ ,$groups, == *,$wanted,* ]]; then
        present "$probe" || printf '%s\n' $packages
        break
      fi
    done
  done <<<"$PACKAGES"
}

# Of the packages named, those the archive offers (as far as apt's package lists know).
offered() {
  local package
  command -v apt-cache >/dev/null 2>&1 || return 0
  for package in "$@"; do
    apt-cache show --no-all-versions "$package" >/dev/null 2>&1 && printf '%s\n' "$package"
  done
  return 0
}

main() {
  if (($# == 0)); then
    echo "usage: $0 run|test|ci ..." >&2
    return 2
  fi
  local missing optional
  mapfile -t missing < <(missing_packages no "$@")
  mapfile -t optional < <(offered $(missing_packages yes "$@"))
  ((${#missing[@]} + ${#optional[@]})) || return 0

  local wanted=("${missing[@]}" "${optional[@]}")
  local install="apt-get install --no-install-recommends ${wanted[*]}"
  if ! command -v apt-get >/dev/null 2>&1; then
    ((${#missing[@]})) || return 0
    echo "These Debian packages are missing: ${missing[*]}" >&2
    echo "There is no apt-get here: install their equivalents with the system's package manager." >&2
    return 1
  fi
  local as_root=() as_root_command="su -c '$install'"
  command -v sudo >/dev/null 2>&1 && as_root_command="sudo $install"
  if [[ $(id -u) != 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      as_root=(sudo -n)
    elif ((${#missing[@]} == 0)); then
      echo "Optional, for faster browser tests: $as_root_command" >&2
      return 0
    else
      echo "These system packages are missing: ${missing[*]}" >&2
      echo "Install them as root, then run make again:" >&2
      echo "  $as_root_command" >&2
      return 1
    fi
  fi
  echo "== Installing the system packages ${wanted[*]}"
  "${as_root[@]}" apt-get update -q
  # The fresh package lists may offer an optional package the old ones did not know.
  mapfile -t optional < <(offered $(missing_packages yes "$@"))
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    --no-install-recommends "${missing[@]}" "${optional[@]}"

  hash -r # look for the new commands, not the remembered absence of them
  mapfile -t missing < <(missing_packages no "$@")
  if ((${#missing[@]})); then
    echo "Still missing after apt-get install: ${missing[*]}" >&2
    return 1
  fi
}

main "$@"
