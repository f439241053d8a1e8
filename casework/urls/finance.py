"""Routes: finance (see casework/views/finance.py), under /financien/."""

from django.urls import path, re_path

from ..views import finance

urlpatterns = [
    path("", finance.finance_home, name="finance_home"),
    path("betalingen/<int:pk>/goedkeuren/", finance.finance_payment_approve, name="finance_payment_approve"),
    path("betalingen/<int:pk>/annuleren/", finance.finance_payment_cancel, name="finance_payment_cancel"),
    path("betaalbestanden/nieuw/", finance.finance_batch_create, name="finance_batch_create"),
    path("betaalbestanden/<int:pk>/", finance.finance_batch, name="finance_batch"),
    path("betaalbestanden/<int:pk>/sepa.xml", finance.finance_batch_xml, name="finance_batch_xml"),
    re_path(r"^(?P<reference>MS-\d{4}-\d{6})/$", finance.finance_claim, name="finance_claim"),
]
