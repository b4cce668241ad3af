FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
# postgresql-client: pg_dump / pg_restore for backup_center and restore_center (15, as the database).
RUN apt-get update && apt-get install -y --no-install-recommends curl postgresql-client \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
# collectstatic needs a key to import settings; the real one comes from the environment at run time.
RUN DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && useradd --system --home /app gjj && mkdir -p /app/private_media /app/bank_files /app/backups \
    && chown -R gjj /app/private_media /app/bank_files /app/backups
USER gjj
EXPOSE 8000
# Workers, bind address and timeout: gunicorn.conf.py.
CMD ["gunicorn", "gjj_portal.wsgi:application"]
