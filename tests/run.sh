#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine with Python 3.11,
# then runs every test (unit, CLI, notebooks under papermill and nbval, browser).
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages: Chromium for the browser tests and report.pdf, poppler for PDF checks,
# strace to count how often a run opens each input file, LibreOffice Impress (soffice) to
# render report.pptx to images, postgresql for the store on PostgreSQL, nginx for the reverse-proxy test (README, "Putting it online"; it is
# started by the test itself, as the current user, never as a system service).
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v strace >/dev/null 2>&1 || need+=(strace)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-impress)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
# PostgreSQL server binaries for the store's tests on PostgreSQL (tests/conftest.py pg_url starts a throwaway
# cluster under a temp folder on 127.0.0.1 and stops it at the end; the system service is never used).
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" fonts-dejavu-core >/dev/null
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# The versions CI tested (constraints.txt, refreshed on purpose: see the README).
.venv/bin/python -m pip install -q -e '.[test]' -c constraints.txt
.venv/bin/python -m ruff check playbook tests benchmarks
# One pytest run: the test suite plus nbval over every notebook. --dist loadfile keeps the cells
# of one notebook on one worker (nbval runs them in order in one kernel).
exec .venv/bin/python -m pytest -n 2 --dist loadfile -p no:cacheprovider tests --nbval-lax notebooks "$@"
