from django.urls import path

from ..views import documents

urlpatterns = [
    path("<int:pk>/", documents.document_download, name="document_download"),
]
