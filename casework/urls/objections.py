"""Routes: objections (see casework/views/objections.py)."""

urlpatterns = []
