"""Routes: commission (see casework/views/commission.py)."""

urlpatterns = []
