#!/usr/bin/env bash
# Copies the front-end packages that npm installed into static/vendor, where whitenoise serves them.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=static/vendor
rm -rf "$dest" && mkdir -p "$dest/bootstrap" "$dest/htmx" "$dest/chartjs" "$dest/tom-select"
cp node_modules/bootstrap/dist/css/bootstrap.min.css "$dest/bootstrap/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$dest/bootstrap/"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx/"
cp node_modules/chart.js/dist/chart.umd.min.js "$dest/chartjs/"
cp node_modules/tom-select/dist/css/tom-select.bootstrap5.min.css "$dest/tom-select/"
cp node_modules/tom-select/dist/js/tom-select.complete.min.js "$dest/tom-select/"
