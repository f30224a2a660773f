#!/usr/bin/env bash
# Installs the Debian packages Consign needs on a clean machine (idempotent; skips what is present):
# WeasyPrint's Pango, a TrueType CJK font for PDFs, gettext for translations, Chromium for browser tests.
set -euo pipefail
need=()
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || need+=(fonts-wqy-microhei)
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || need+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
if [ "${WITH_BROWSER:-1}" = 1 ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  echo "installing system packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
