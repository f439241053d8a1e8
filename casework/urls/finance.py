"""Routes: finance (see casework/views/finance.py)."""

urlpatterns = []
