"""Routes: expert (see casework/views/expert.py)."""

urlpatterns = []
