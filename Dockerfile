# syntax=docker/dockerfile:1
# The placements API: a multi-stage build, run as a non-root user.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
COPY pyproject.toml constraints.txt README.md ./
COPY app ./app
RUN /opt/venv/bin/pip install -c constraints.txt .

FROM python:3.11-slim AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=8000 \
    PLACEMENTS_MIGRATIONS_DIR=/app/migrations \
    PLACEMENTS_FILES_DIR=/data/files \
    PLACEMENTS_DATABASE_URL=sqlite+aiosqlite:////data/placements.db
RUN groupadd --system placements && useradd --system --gid placements --home /app placements \
    && mkdir -p /data/files && chown -R placements:placements /data
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY migrations ./migrations
USER placements
EXPOSE 8000
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=2)"
CMD ["sh", "-c", "placements migrate && exec placements serve --host 0.0.0.0 --port ${PORT}"]
