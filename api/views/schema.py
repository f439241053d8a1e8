"""The OpenAPI description and its browsable docs, served from static files (drf-spectacular-sidecar)."""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

schema = SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[])
docs = SpectacularSwaggerView.as_view(url_name="api_schema", authentication_classes=[], permission_classes=[])
