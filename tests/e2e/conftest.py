import os

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from there are safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
