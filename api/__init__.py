"""The REST API under /api/v1/: the same services, selectors and permissions as the pages (issue 6)."""
