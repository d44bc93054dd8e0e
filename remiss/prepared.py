"""A lookup of one row, its query built once per process and database (issue 14).

Building a scoped lookup with the ORM (the queryset, its visibility filter, its select_related
joins, their compilation to SQL) cost more than running it: the statement of every statement
page and every move took about 10 ms under a profiler to build and a fraction of that to run.
`PreparedGet` builds the query once per database with stand-in values for its parameters, keeps
the SQL, and runs it with the real values, turning the row into the model instance (and its
select_related objects) as the ORM's own ModelIterable does. The rule is the same SQL as the
queryset's: tests compare the two (tests/test_prepared.py), and every view's permission tests
run through it.
"""

from collections.abc import Callable

from django.core.exceptions import MultipleObjectsReturned
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators


class PreparedGet:
    """`lookup.get(**values)`: the one row `build(**values)` selects, or None.

    `stand_ins` maps each name `build` takes to a value no real row uses; `build` must give
    those values to the queryset unchanged, as query parameters (ids, not objects it looks up).
    """

    def __init__(self, model: type[Model], build: Callable[..., QuerySet], **stand_ins: int):
        self.model = model
        self.build = build
        self.stand_ins = stand_ins
        self._prepared: dict[str, tuple] = {}

    def get(self, **values: int) -> Model | None:
        model = self.model
        alias = router.db_for_read(model)
        connection = connections[alias]
        prepared = self._prepare(alias)
        sql, template, places, start, end, init_list, populators, converters, fetch = prepared
        params = list(template)
        for name, positions in places.items():
            for position in positions:
                params[position] = values[name]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchmany(2)
        if not rows:
            return None
        if len(rows) > 1:  # the lookups built here select by primary key
            raise MultipleObjectsReturned(f"{model.__name__}: more than one row")
        row = list(rows[0])
        for position, (functions, expression) in converters.items():
            for convert in functions:
                row[position] = convert(row[position], expression, connection)
        instance = model.from_db(alias, init_list, row[start:end], fetch_mode=fetch)
        for populator in populators:
            populator.populate(row, instance)
        return instance

    def _prepare(self, alias: str) -> tuple:
        if alias not in self._prepared:
            queryset = self.build(**self.stand_ins).using(alias)
            compiler = queryset.query.get_compiler(alias)
            sql, params = compiler.as_sql()
            places = {
                name: [i for i, param in enumerate(params) if param == stand_in]
                for name, stand_in in self.stand_ins.items()
            }
            missing = [name for name, positions in places.items() if not positions]
            if missing:
                raise AssertionError(f"The query does not take {missing} as parameters.")
            klass_info, select = compiler.klass_info, compiler.select
            fetch_mode = queryset._fetch_mode  # type: ignore[attr-defined]  # Django 6.1
            fields = klass_info["select_fields"]
            start, end = fields[0], fields[-1] + 1
            init_list = [column[0].target.attname for column in select[start:end]]
            self._prepared[alias] = (
                sql,
                tuple(params),
                places,
                start,
                end,
                init_list,
                get_related_populators(klass_info, select, alias, fetch_mode),
                compiler.get_converters([column[0] for column in select]),
                fetch_mode,
            )
        return self._prepared[alias]
