#!/usr/bin/env bash
# Installs what Cloud Bank needs on a Debian/Ubuntu machine; safe to run again (does only
# what is missing). Called by `make setup`, and so by `make demo` and `make test`.
set -euo pipefail
cd "$(dirname "$0")/../.."

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# --- OS packages (servers run as our child processes; nothing is enabled as a system service)
need=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql postgresql-contrib)
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
command -v wrk >/dev/null 2>&1 || need+=(wrk)  # the benchmarks' load generator (make bench)
# setfacl: as root, PostgreSQL runs as its own user, let through a private parent directory
command -v setfacl >/dev/null 2>&1 || need+=(acl)
if [ -f services/web/package.json ]; then  # the SPA and its browser tests
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v node >/dev/null 2>&1 || need+=(nodejs npm)
fi
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
  log "installing OS packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# --- uv (Python package manager), from PyPI into a private tools venv when not on PATH
UV=$(command -v uv || true)
if [ -z "$UV" ]; then
  if [ ! -x .tools/bin/uv ]; then
    log "installing uv into .tools/"
    python3 -m venv .tools
    .tools/bin/pip install -q uv
  fi
  UV=.tools/bin/uv
fi

# --- Python environment from the lock file
log "syncing the Python environment (.venv) from uv.lock"
"$UV" sync --frozen --compile-bytecode --quiet

# --- dbt manifest for Dagster (built here, never on import; dbt parse needs no database), when
# a file of dbt_project/ is newer than it. Built with the environment dbt runs with, so runs
# can parse partially.
if [ -f orchestration/defs/dbt/project.py ] && .venv/bin/python -c 'import sys; from orchestration.defs.dbt.project import manifest_is_stale; sys.exit(0 if manifest_is_stale() else 1)'; then
  log "building the dbt manifest (dbt parse)"
  PATH="$PWD/.venv/bin:$PATH" .venv/bin/python -m orchestration.defs.dbt.project >/dev/null
fi

# --- SPA dependencies, when the SPA exists
if [ -f services/web/package-lock.json ]; then
  if [ ! -d services/web/node_modules ] || [ services/web/package-lock.json -nt services/web/node_modules ]; then
    log "installing SPA dependencies (npm ci)"
    (cd services/web && npm ci --no-audit --no-fund --loglevel=error)
  fi
  # build the bundle when dist/ is missing or older than the sources
  .venv/bin/python -m services.web.build
fi
log "setup complete"
