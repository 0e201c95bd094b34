"""The API's keyset pages (common/pagination.py): no COUNT, no OFFSET, a `next` link."""

import re

from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from common.pagination import InvalidCursor, keyset_page


class KeysetPagination(BasePagination):
    """Pages of `view.keyset_ordering` (unique, indexed), `page_size` rows, no counts.

    `next` is the URL of the following page, null on the last one.
    """

    page_size = 50
    max_page_size = 200
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        # The schema's integer, in plain digits: int() would also take " 5", "+5", "5_0"
        # and other scripts' digits, which a client that validates against it refuses.
        size = int(raw) if re.fullmatch(r"[0-9]{1,4}", raw) else 0
        if not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError({self.page_size_query_param: [
                f"A whole number from 1 to {self.max_page_size}."]})
        return size

    def paginate_queryset(self, queryset, request, view=None):
        size = self.get_page_size(request)
        cursor = request.query_params.get(self.cursor_query_param) or None
        try:
            page = keyset_page(queryset, ordering=view.keyset_ordering, cursor=cursor,
                               size=size, strict=True)
        except InvalidCursor:
            raise self.invalid_cursor() from None
        self.request = request
        self.page = page
        return page.items

    def invalid_cursor(self) -> exceptions.ValidationError:
        return exceptions.ValidationError({self.cursor_query_param: [
            "This cursor is not valid: use the `next` link of a page."]})

    def get_next_link(self) -> str | None:
        if self.page.next_cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self.page.next_cursor)

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {"type": "string", "format": "uri", "nullable": True,
                         "description": "The next page, null on the last one."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {"name": self.cursor_query_param, "required": False, "in": "query",
             "description": "Where the page starts: from the `next` link of the page before "
                            "(empty: the first page).",
             "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]*$"}},
            {"name": self.page_size_query_param, "required": False, "in": "query",
             "description": f"Rows per page, {self.page_size} unless given.",
             "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size}},
        ]
