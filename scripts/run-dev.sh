#!/usr/bin/env bash
# Serve the demo: the background worker and the development server, stopped together.
set -euo pipefail
port="${1:-${STROM_PORT:-8000}}"
case "$port" in
  ''|*[!0-9]*) echo "run-dev.sh: the port must be a number, not '${port}'" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
# Both processes read the port from the environment (strom/settings/base.py), so links in the e-mails
# that either of them writes open on this server. An explicit STROM_BASE_URL still wins.
export STROM_PORT="$port"
.venv/bin/python manage.py run_huey --quiet &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
echo "Strom is starting on http://127.0.0.1:${port}/ (background worker pid ${worker}). Stop with Ctrl+C."
echo "E-mails are not sent: read them in the demo outbox, http://127.0.0.1:${port}/demo/outbox/ (files in var/outbox/)."
.venv/bin/python manage.py runserver "127.0.0.1:${port}"
