FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=grc.settings.production GRC_DATA_DIR=/var/lib/grc
WORKDIR /app
# Pango and fonts for WeasyPrint, which renders the evidence packets' report.pdf.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 \
    libpangoft2-1.0-0 fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 grc && mkdir -p /var/lib/grc && chown grc /var/lib/grc
COPY pyproject.toml README.md requirements.lock ./
COPY grc ./grc
COPY evidence ./evidence
COPY collectors ./collectors
COPY templates ./templates
COPY manage.py ./
RUN pip install --constraint requirements.lock . && DJANGO_SECRET_KEY=build-only-collectstatic-key-that-is-long-enough-000000 \
    DJANGO_ALLOWED_HOSTS=build python manage.py collectstatic --noinput -v0
USER grc
EXPOSE 8000
CMD ["gunicorn", "grc.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
