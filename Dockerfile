# Clauses web application: clauses serve on SQLite (volume /app/data) or PostgreSQL.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CLAUSES_DATA_DIR=/app/data \
    CLAUSES_DATABASE_URL=sqlite:////app/data/clauses.db

WORKDIR /app
RUN groupadd --system clauses && useradd --system --gid clauses --home-dir /app clauses

COPY pyproject.toml README.md ./
COPY src ./src
COPY clause_library ./clause_library
COPY templates ./templates
# Editable install: the app finds clause_library/ and templates/ beside src/.
RUN pip install -e '.[postgres]' \
    && mkdir -p /app/data && chown clauses:clauses /app/data

USER clauses
VOLUME ["/app/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"
CMD ["clauses", "serve", "--host", "0.0.0.0", "--port", "8000"]
