# syntax=docker/dockerfile:1
# The placements API: a multi-stage build from the hashed lock, run as a non-root user.
# The same image serves the API (`placements serve`), runs the worker (`placements worker`)
# and migrates (`placements migrate`); see compose.yaml and docs/deploying.md.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
COPY requirements.lock ./
RUN /opt/venv/bin/pip install --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY app ./app
RUN /opt/venv/bin/pip install --no-deps .

FROM python:3.11-slim AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=8000 \
    PLACEMENTS_MIGRATIONS_DIR=/app/migrations \
    PLACEMENTS_FILES_DIR=/data/files \
    PLACEMENTS_DATABASE_URL=sqlite+aiosqlite:////data/placements.db
RUN groupadd --system --gid 10001 placements \
    && useradd --system --uid 10001 --gid 10001 --home /app placements \
    && mkdir -p /data/files && chown -R 10001:10001 /data
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY migrations ./migrations
USER 10001:10001
EXPOSE 8000
VOLUME ["/data"]
# SIGTERM: in-flight requests finish, then the process exits 0 (placements serve).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=2)"]
# One container on its own: migrate, then serve. compose.yaml runs `migrate` once and the
# API and worker processes with their own commands.
CMD ["sh", "-c", "placements migrate && exec placements serve --host 0.0.0.0"]
