"""Page-number pages of at most 100; the count is one query, the page another, whatever the page size."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
