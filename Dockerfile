# Consign: one image for the web server, the Celery worker and Celery beat (docker-compose.yml).
# Front-end packages come from npm in a build stage and are copied into static/ (never a CDN at run time).

# ---- front-end assets -----------------------------------------------------------------------------
FROM python:3.11-slim AS assets
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY scripts/vendor_assets.sh scripts/
RUN mkdir -p static && ./scripts/vendor_assets.sh

# ---- application ----------------------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

# WeasyPrint's Pango, a TrueType CJK font for Chinese PDFs (CONVENTIONS.md: fast, unlike OpenType/CFF
# Noto CJK), gettext to compile the translations, curl for the health check.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      fonts-wqy-microhei fontconfig libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext curl \
 && fc-cache -f \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .
COPY --from=assets /src/static/vendor static/vendor

# Build-time values only so that production settings load; the real ones come from the environment.
RUN SECRET_KEY=build-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz \
    ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgres://build@build.invalid:5432/build \
    CELERY_BROKER_URL=redis://build.invalid:6379/0 \
    sh -c "python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0 \
           && python manage.py collectstatic --noinput -v 0"

RUN useradd --create-home --uid 1000 consign \
 && mkdir -p /app/media \
 && chown -R consign:consign /app/media
USER consign

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
