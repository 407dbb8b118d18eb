# The zhengai GraphQL service. Used by docker-compose.yml (see docs/docker.md); also runs alone, serving
# the bundled demo from the embedded store (docs/docker.md, "The image on its own"):
#   docker build -t zhengai .
#   docker run --rm -p 127.0.0.1:8000:8000 -e ZHENGAI_ALLOW_INSECURE_BIND=1 zhengai   # development mode
#   docker run --rm -p 8000:8000 -e ZHENGAI_JWT_SECRET zhengai                        # bearer tokens
# With NEO4J_URI (+ NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE) set it serves what that Neo4j holds, and
# docker/entrypoint.sh first loads the bundled demo into it if the database holds no 诊改 graph yet.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A Chinese TrueType font for the PDF reports and the charts of Word reports (zhengai/reports/fonts.py).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*

# The package (pip install .) from a throw-away copy of the sources: only what .dockerignore lets in.
COPY pyproject.toml README.md /tmp/zhengai-src/
COPY zhengai /tmp/zhengai-src/zhengai
RUN pip install /tmp/zhengai-src \
    && rm -rf /tmp/zhengai-src \
    && zhengai --help >/dev/null

COPY docker/entrypoint.sh /usr/local/bin/zhengai-entrypoint
# /home/zhengai/.zhengai: the embedded demo's state (a volume mounted there starts owned by the user)
RUN chmod 755 /usr/local/bin/zhengai-entrypoint \
    && useradd --create-home --uid 10001 --user-group zhengai \
    && install -d -o zhengai -g zhengai /home/zhengai/.zhengai
USER zhengai
WORKDIR /home/zhengai

EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]

ENTRYPOINT ["zhengai-entrypoint"]
# `serve` takes --neo4j from NEO4J_URI when it is set (otherwise it serves the embedded demo). Binding
# 0.0.0.0 is needed inside a container, and `serve` refuses it without authentication: set
# ZHENGAI_JWT_SECRET or ZHENGAI_JWKS, or — only when the port is published on 127.0.0.1, as
# docker-compose.yml does — ZHENGAI_ALLOW_INSECURE_BIND=1 (development mode: every caller is ADMIN).
CMD ["zhengai", "serve", "--host", "0.0.0.0", "--port", "8000"]
