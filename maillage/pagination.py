"""Pagination of long lists whose exact count would cost more than the page itself.

Django's Paginator counts every matching row (`SELECT COUNT(*)`) to number the pages: on a
network's 130 000 dossiers that count reads the whole table at each page view, for a figure
nobody reads to the unit. `PaginateurPlafonne` counts at most `plafond + 1` rows (the
database stops there) and tells whether it stopped; the page itself is read with one row
more than it shows, to know whether a next page exists without the count.

A far page (OFFSET 5 000) also pays for every row it skips. Given `lignes`, the queryset
that draws a row (its joins and columns, no filter), the page first picks the primary keys
of its rows from the filtered list alone, in a subquery, then joins only those: the rows
skipped are read from an index, not joined.
"""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, Paginator
from django.utils.functional import cached_property

# Past this many matching rows the lists say "plus de 10 000" (a filter narrows them).
PLAFOND_COMPTE = 10_000


def nombre_lisible(nombre: int) -> str:
    """10000 -> "10 000", the French way (narrow no-break space between thousands)."""
    return f"{nombre:,}".replace(",", "\u202f")


class PagePlafonnee(Page):
    """A page that knows whether another follows from the row read past its end."""

    def __init__(self, object_list, number, paginator, suivante: bool) -> None:
        super().__init__(object_list, number, paginator)
        self._suivante = suivante

    def has_next(self) -> bool:
        return self._suivante

    def end_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)


class PaginateurPlafonne(Paginator):
    """A paginator whose count stops at `plafond` (see the module's docstring).

    Invariants: two queries a page whatever the data (the capped count and the page's
    rows, one more than shown); below the cap, `count` and `num_pages` are Django's exact
    figures; above it, `count` is `plafond + 1`, `compte_plafonne` is true and `num_pages`
    is the number of pages the cap covers (a lower bound): pages past it still open, and
    the page links rely on `has_next`. The ordering of `object_list` is dropped for the
    count only. `lignes`, when given, has the same ordering as `object_list` and no
    filter: the page's rows are `lignes` restricted to the page's primary keys.
    """

    def __init__(
        self, object_list, per_page: int, plafond: int = PLAFOND_COMPTE, lignes=None
    ) -> None:
        super().__init__(object_list, per_page)
        self.plafond = plafond
        self.lignes = lignes

    @cached_property
    def count(self) -> int:
        # COUNT over a LIMITed subquery without ORDER BY: the database stops at the
        # (plafond + 1)th matching row, in whatever order it finds them.
        return self.object_list.order_by()[: self.plafond + 1].count()

    @property
    def compte_plafonne(self) -> bool:
        return self.count > self.plafond

    @property
    def plafond_lisible(self) -> str:
        return nombre_lisible(self.plafond)

    @property
    def pages_plafond(self) -> int:
        """The number of pages the cap covers ("plus de 200 pages")."""
        return self.plafond // self.per_page

    def validate_number(self, number) -> int:
        if not self.compte_plafonne:
            return super().validate_number(number)
        # Above the cap the last page is unknown: any page from 1 on may exist, and
        # `page` finds out when it reads it.
        try:
            number = int(number)
        except (TypeError, ValueError):
            return super().validate_number(number)  # raises PageNotAnInteger
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number) -> PagePlafonnee:
        number = self.validate_number(number)
        debut = (number - 1) * self.per_page
        tranche = slice(debut, debut + self.per_page + 1)
        if self.lignes is None:
            lignes = list(self.object_list[tranche])
        else:
            # Still one query: the page's keys in a subquery (LIMIT/OFFSET over the
            # filtered list, most often an index alone), then the joins for those rows.
            cles = self.object_list.values("pk")[tranche]
            lignes = list(self.lignes.filter(pk__in=cles))
        if not lignes and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return PagePlafonnee(
            lignes[: self.per_page], number, self, suivante=len(lignes) > self.per_page
        )

    def get_page(self, number) -> PagePlafonnee:
        try:
            return super().get_page(number)
        except EmptyPage:
            # A page past the end, above the cap (a typed or stale address): the last page
            # needs the exact count, paid only here.
            exact = self.object_list.count()
            return self.page(max(1, -(-exact // self.per_page)))
