#!/usr/bin/env bash
# What Strom needs from Debian: Chromium for the browser tests, gettext for translations, and Pango
# with the DejaVu fonts for the PDFs that WeasyPrint makes (Latin, Baltic and Cyrillic letters).
set -euo pipefail
# With --runtime, only what serving Strom needs (no browser).
missing=()
if [ "${1:-}" != "--runtime" ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fi
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
libraries=$(ldconfig -p 2>/dev/null || true)
case "$libraries" in *libpango-1.0.so*) ;; *) missing+=(libpango-1.0-0) ;; esac
case "$libraries" in *libpangoft2-1.0.so*) ;; *) missing+=(libpangoft2-1.0-0) ;; esac
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Please install these Debian packages first: ${missing[*]} (sudo apt-get install -y ${missing[*]})" >&2
  exit 1
fi
echo "Installing ${missing[*]} from Debian's packages..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
