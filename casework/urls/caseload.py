"""Routes: caseload (see casework/views/caseload.py)."""

urlpatterns = []
