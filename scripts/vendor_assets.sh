#!/usr/bin/env bash
# Copies the front-end packages that npm installed into static/vendor, where whitenoise serves them.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=static/vendor
rm -rf "$dest" && mkdir -p "$dest/bootstrap" "$dest/htmx" "$dest/echarts/theme" "$dest/tom-select" "$dest/swagger-ui"
# Each file with its source map where the package ships one: the minified files name their map
# (sourceMappingURL), and collectstatic's manifest storage refuses a reference to a missing file.
vendor() {
  cp "$1" "$2"
  if [ -f "$1.map" ]; then cp "$1.map" "$2"; fi
}
vendor node_modules/bootstrap/dist/css/bootstrap.min.css "$dest/bootstrap/"
vendor node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$dest/bootstrap/"
vendor node_modules/htmx.org/dist/htmx.min.js "$dest/htmx/"
vendor node_modules/echarts/dist/echarts.min.js "$dest/echarts/"
# The named colour themes a chart or saved view may pick (reports/charts.py THEMES); each registers itself.
for theme in macarons vintage roma shine infographic; do
  vendor "node_modules/echarts/theme/$theme.js" "$dest/echarts/theme/"
done
vendor node_modules/tom-select/dist/css/tom-select.bootstrap5.min.css "$dest/tom-select/"
vendor node_modules/tom-select/dist/js/tom-select.complete.min.js "$dest/tom-select/"
vendor node_modules/swagger-ui-dist/swagger-ui.css "$dest/swagger-ui/"
vendor node_modules/swagger-ui-dist/swagger-ui-bundle.js "$dest/swagger-ui/"
