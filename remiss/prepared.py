"""Scoped lookups of one row, their query built once per process and database (issue 14).

Building a scoped lookup with the ORM (the queryset, its visibility filter, its select_related
joins, their compilation to SQL) cost more than running it: the statement of every statement
page and every move took 3.2 ms a call to build, 0.25 ms to run. `ScopedGet` builds the query
once per database for a stand-in person and row, keeps the SQL, and runs it with the real ids,
turning the row into the model instance (and its select_related objects) as the ORM's own
ModelIterable does. The rule is the scope's queryset and the SQL is its own: tests compare the
two (tests/test_prepared.py), and every view's permission tests run through it.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.http import Http404

_PERSON, _ROW = -739_104_265, -739_104_266  # ids no person and no row has


def stand_in_person(pk: int):
    """A person by id alone, for building a query once (never saved, never read)."""
    person = get_user_model()(pk=pk)
    person._state.adding = False
    return person


class ScopedGet[M: Model]:
    """`lookup.get(person, pk)`: the row with that primary key among `scope(person)`, else 404
    with `missing` (also for the anonymous, who see none)."""

    def __init__(self, model: type[M], scope: Callable[..., QuerySet[M]], missing: str):
        self.model = model
        self.scope = scope
        self.missing = missing
        self._prepared: dict[str, tuple] = {}

    def queryset(self, person, pk: int) -> QuerySet[M]:
        """The lookup as a queryset: what is built once, and what the tests compare with."""
        return self.scope(person).filter(pk=pk).order_by()

    def get(self, person, pk: int) -> M:
        if not person.is_authenticated:
            raise Http404(self.missing)
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        sql, template, places, start, end, init_list, populators, converters, fetch = self._prepare(
            alias
        )
        params = list(template)
        for position in places[_PERSON]:
            params[position] = person.pk
        for position in places[_ROW]:
            params[position] = pk
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()  # by primary key: one row or none
        if row is None:
            raise Http404(self.missing)
        row = list(row)
        for position, (functions, expression) in converters.items():
            for convert in functions:
                row[position] = convert(row[position], expression, connection)
        instance = self.model.from_db(alias, init_list, row[start:end], fetch_mode=fetch)
        for populator in populators:
            populator.populate(row, instance)
        return instance

    def _prepare(self, alias: str) -> tuple:
        if alias not in self._prepared:
            queryset = self.queryset(stand_in_person(_PERSON), _ROW).using(alias)
            compiler = queryset.query.get_compiler(alias)
            sql, params = compiler.as_sql()
            places = {
                stand_in: [i for i, param in enumerate(params) if param == stand_in]
                for stand_in in (_PERSON, _ROW)
            }
            if not places[_PERSON]:
                raise AssertionError(f"{self.model.__name__}: the scope does not take the person.")
            klass_info, select = compiler.klass_info, compiler.select
            fetch_mode = queryset._fetch_mode  # type: ignore[attr-defined]  # Django 6.1
            fields = klass_info["select_fields"]
            start, end = fields[0], fields[-1] + 1
            self._prepared[alias] = (
                sql,
                tuple(params),
                places,
                start,
                end,
                [column[0].target.attname for column in select[start:end]],
                get_related_populators(klass_info, select, alias, fetch_mode),
                compiler.get_converters([column[0] for column in select]),
                fetch_mode,
            )
        return self._prepared[alias]
