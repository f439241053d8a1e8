"""Routes: dossier (see casework/views/dossier.py)."""

urlpatterns = []
