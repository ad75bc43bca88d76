# syntax=docker/dockerfile:1
# unihook: `docker build -t unihook .`, then `docker run -p 8000:8000 unihook` (see README).
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY requirements/ requirements/
COPY schemas/ schemas/
COPY providers/ providers/
COPY gateway/ gateway/
# the wheel, then it and its dependencies at the versions pinned in the lock file
RUN python -m pip wheel --no-deps --wheel-dir /wheels . \
    && python -m venv /opt/unihook \
    && /opt/unihook/bin/pip install --constraint requirements/dev.lock \
        "$(ls /wheels/unihook-*.whl)[otel]"

FROM ${PYTHON_IMAGE}
ENV PATH=/opt/unihook/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    UNIHOOK_HOST=0.0.0.0 \
    UNIHOOK_PORT=8000 \
    UNIHOOK_DATABASE_URL=sqlite+aiosqlite:////var/lib/unihook/unihook.db
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/unihook --create-home unihook
COPY --from=build /opt/unihook /opt/unihook
USER 10001:10001
WORKDIR /var/lib/unihook
VOLUME ["/var/lib/unihook"]
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.urlopen('http://127.0.0.1:' + os.environ.get('UNIHOOK_PORT', '8000') + '/healthz', timeout=4)"]
ENTRYPOINT ["unihook"]
CMD ["serve"]
