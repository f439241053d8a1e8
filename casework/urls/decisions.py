"""Routes: decisions (see casework/views/decisions.py)."""

urlpatterns = []
