FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=cafex_portal.settings.production
WORKDIR /app
COPY pyproject.toml README.md ./
COPY cafex_portal cafex_portal
COPY articles articles
COPY curation curation
COPY fake_eutils fake_eutils
COPY templates templates
COPY static static
COPY manage.py ./
RUN pip install --no-cache-dir . && DJANGO_SECRET_KEY=build DJANGO_ALLOWED_HOSTS=build python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "cafex_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
