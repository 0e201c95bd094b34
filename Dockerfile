# The portal's image: web (gunicorn) by default; run the job cluster with
# `python manage.py qcluster`. Configure it with the environment (see the README).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    GUNICORN_BIND=0.0.0.0:8000 \
    STATIC_MANIFEST=true

WORKDIR /app
# requirements.txt is the lock (exact versions and hashes of every package; `make lock`).
COPY requirements.txt .
RUN pip install --no-cache-dir --require-hashes -r requirements.txt

COPY . .
# Static files are hashed and compressed at build time; these values only let the settings
# load for collectstatic and are not used at run time.
RUN SECRET_KEY=build-only FIELD_ENCRYPTION_KEYS=FRGTlXw8hpCwW-pHx0Ls3nAK2y6DkCQaDc5wYmRXEM4= \
    python manage.py collectstatic --no-input --verbosity 0

RUN useradd --system --home /app portal && mkdir -p /app/media && chown portal /app/media
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi", "-c", "gunicorn.conf.py"]
