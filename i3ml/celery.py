"""The Celery app: letters, e-mail and deadline sweeps run here."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "i3ml.settings")

app = Celery("i3ml")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
