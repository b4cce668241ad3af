import re
from collections.abc import Callable
from typing import cast

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property


class LargeTablePaginator(Paginator):
    """Counts that never walk a big table. An unfiltered list takes the planner's row estimate
    (pg_class.reltuples, kept by autovacuum); a filtered one counts at most CAP + 1 rows. Either way
    the count is then `approximate` and the pages stop at CAP rows: past that, search or filter."""

    CAP = 10_000

    @cached_property
    def count(self) -> int:
        queryset = cast(QuerySet, self.object_list)
        if not queryset.query.where:
            estimate = _estimated_rows(queryset.model._meta.db_table)
            if estimate > self.CAP:
                return estimate
        return queryset.order_by()[: self.CAP + 1].count()

    @cached_property
    def approximate(self) -> bool:
        return self.count > self.CAP

    @property
    def count_display(self) -> str:
        return f"{self.count:,}"

    @cached_property
    def num_pages(self) -> int:
        pages = super().num_pages
        return min(pages, max(1, self.CAP // self.per_page)) if self.approximate else pages


def _estimated_rows(table: str) -> int:
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
        row = cursor.fetchone()
    return max(0, row[0]) if row else 0


SearchRoute = tuple[str, Callable[[str], Q]]


class ScaledAdmin(admin.ModelAdmin):
    """A list that stays quick at a center's size (millions of rows): no full counts, and, when
    `search_routes` is set, search by exact business numbers through indexes instead of a substring
    scan. Each route is (pattern, term → Q); the first pattern matching the whole term (spaces
    stripped, letters upper-cased) decides; a term no route knows finds nothing."""

    paginator = LargeTablePaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # a count per filter choice is a count of the whole table
    search_routes: list[SearchRoute] = []

    def get_search_results(self, request, queryset, search_term):
        if not self.search_routes:
            return super().get_search_results(request, queryset, search_term)
        term = re.sub(r"\s+", "", search_term or "").upper()
        if not term:
            return queryset, False
        for pattern, condition in self.search_routes:
            if re.fullmatch(pattern, term):
                return queryset.filter(condition(term)), False
        return queryset.none(), False


# The business numbers' shapes, for search routes.
GRZH = r"\d{12}"  # 个人账号 (and 单位账号)
ID_NUMBER = r"\d{17}[\dX]"  # 身份证号
PHONE = r"1\d{10}"  # 手机号
NAME = r".{1,50}"  # a name: whatever is not a number above (routes are tried in order)


class ReadOnlyAdmin(ScaledAdmin):
    """Rows that only services write (ledger, payouts): admin shows them, never edits."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StatusHistoryInline(admin.TabularInline):
    """An entity's status-change rows (at, from, to, who, why), read only; subclasses name the model."""

    extra = 0
    can_delete = False
    fields = readonly_fields = ("at", "from_status", "to_status", "actor", "reason")

    def has_add_permission(self, request, obj=None):
        return False
