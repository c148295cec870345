#!/usr/bin/env bash
# Serve the demo: the background worker and the development server, stopped together.
set -euo pipefail
port="${1:-8000}"
cd "$(dirname "$0")/.."
# Links in the demo's e-mails point at this server, whatever the port.
export STROM_BASE_URL="${STROM_BASE_URL:-http://127.0.0.1:${port}}"
.venv/bin/python manage.py run_huey --quiet &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
echo "Strom is starting on http://127.0.0.1:${port}/ (background worker pid ${worker}). Stop with Ctrl+C."
echo "E-mails are not sent: read them in the demo outbox, http://127.0.0.1:${port}/demo/outbox/ (files in var/outbox/)."
.venv/bin/python manage.py runserver "127.0.0.1:${port}"
