# Mijnschade: one image for web (gunicorn), worker and beat (celery).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/files

# WeasyPrint (pango, harfbuzz-subset) and local fonts for letters; gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-liberation2 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Dependencies first (cached while pyproject.toml is unchanged), then the code, installed in place.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt
COPY . .
RUN pip install --no-deps -e .

RUN if [ -d locale ]; then python manage.py compilemessages --ignore=var; fi \
    && python manage.py collectstatic --noinput --verbosity 0

RUN useradd --system --uid 1000 --home-dir /app mijnschade \
    && mkdir -p /data/files \
    && chown mijnschade /data/files
USER mijnschade
VOLUME ["/data/files"]

EXPOSE 8000
CMD ["gunicorn", "i3ml.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--keep-alive", "75", "--access-logfile", "-"]
