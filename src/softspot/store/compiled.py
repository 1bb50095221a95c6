"""Queries whose SQL is built once per database and then only run: for the reads every signed-in request makes.

Django builds and compiles a query's SQL afresh on every call: for the signed-in user with its account and
therapist rows (a ``select_related`` of three tables) that is about 0.5 ms of CPU, as much as the query itself
costs the database. A record POST made four such reads (issue 9: record POSTs per second). A
:class:`CompiledQuery` keeps what the compiler made the first time for a database alias (the SQL, each column's
converters, how a row becomes model instances with their ``select_related`` objects) and fills in only the
values that change: the :class:`Slot` placeholders put in the queryset's filters.

The objects are the very ones the ORM would make (``Model.from_db``, Django's related populators), so nothing
downstream can tell the difference; only the SQL's construction is skipped. It leans on Django's compiler
internals (``select``, ``klass_info``, ``get_converters``), which the pinned Django 5.2 keeps; the tests that
use these reads (tests/test_api.py, tests/test_accounts.py, on SQLite and on PostgreSQL) fail if they move.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.db import connections, router
from django.db.models import Expression, Field, Model, QuerySet
from django.db.models.query import get_related_populators

M = TypeVar("M", bound=Model)


class Slot(Expression):
    """A value given when the query runs: ``QuerySet.filter(owner_id=Slot("owner", BigIntegerField()))``."""

    def __init__(self, name: str, output_field: Field[Any, Any]) -> None:
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        return "%s", (self,)


class _Plan:
    """What the compiler made for one database alias."""

    def __init__(self, queryset: QuerySet[Any], db: str) -> None:
        compiler = queryset.query.get_compiler(using=db)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        select, klass_info = compiler.select, compiler.klass_info
        if klass_info is None or compiler.annotation_col_map:
            raise ValueError("a CompiledQuery reads whole model rows, without annotations")
        self.converters = list(compiler.get_converters([s[0] for s in select[: compiler.col_count]]).items())
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [s[0].target.attname for s in select[self.start : self.end]]
        self.model: type[Model] = klass_info["model"]
        self.populators = get_related_populators(klass_info, select, db)  # type: ignore[call-arg]  # stubs: Django 6


class CompiledQuery(Generic[M]):
    """``queryset`` (with :class:`Slot` values in its filters) compiled once per database, then run by :meth:`all`."""

    def __init__(self, queryset: QuerySet[M]) -> None:
        self.queryset = queryset
        self._plans: dict[str, _Plan] = {}

    def all(self, **values: Any) -> list[M]:
        """The rows for these slot values, as model instances (with their ``select_related`` objects)."""
        db = router.db_for_read(self.queryset.model)
        plan = self._plans.get(db)
        if plan is None:
            plan = self._plans[db] = _Plan(self.queryset, db)
        connection = connections[db]
        params = [
            p.output_field.get_db_prep_value(values[p.name], connection) if isinstance(p, Slot) else p
            for p in plan.params
        ]
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        found: list[M] = []
        for fetched in rows:
            row = list(fetched)
            for pos, (converters, expression) in plan.converters:
                value = row[pos]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[pos] = value
            obj = plan.model.from_db(db, plan.init_list, row[plan.start : plan.end])
            for populator in plan.populators:
                populator.populate(row, obj)
            found.append(obj)  # type: ignore[arg-type]
        return found

    def first(self, **values: Any) -> M | None:
        """The first row for these slot values (compile the queryset with ``[:1]`` to read only one)."""
        found = self.all(**values)
        return found[0] if found else None


class InsertNew(Generic[M]):
    """Store a row unless one with the same ``unique`` value exists, in one statement and without a savepoint.

    ``INSERT ... ON CONFLICT (<unique>) DO NOTHING RETURNING <pk>`` (PostgreSQL, and SQLite from 3.35): a repeat
    gives no row back and leaves the transaction usable, where a plain INSERT's unique violation needs a savepoint
    around it (two more round trips) to be recovered from. Only a conflict on ``unique`` is passed over: any other
    constraint still raises ``IntegrityError``. Two inserts of one value at once: the second waits for the first's
    transaction and then passes over it (or inserts, if the first rolled back).
    """

    def __init__(self, model: type[M], unique: str) -> None:
        self.model = model
        field = model._meta.get_field(unique)
        assert isinstance(field, Field)
        self.unique_column = str(field.column)
        self.fields = [f for f in model._meta.local_concrete_fields if f is not model._meta.auto_field]
        self._sql: dict[str, str] = {}

    @staticmethod
    def supported(db: str) -> bool:
        return bool(connections[db].features.can_return_columns_from_insert)

    def insert(self, obj: M, db: str) -> bool:
        """True when ``obj`` was stored (its primary key is set); False when its ``unique`` value was taken."""
        connection = connections[db]
        sql = self._sql.get(db)
        if sql is None:
            qn = connection.ops.quote_name
            pk = self.model._meta.pk
            assert pk is not None
            columns = ", ".join(qn(str(f.column)) for f in self.fields)
            sql = self._sql[db] = (
                f"INSERT INTO {qn(self.model._meta.db_table)} ({columns}) "
                f"VALUES ({', '.join(['%s'] * len(self.fields))}) "
                f"ON CONFLICT ({qn(self.unique_column)}) DO NOTHING RETURNING {qn(str(pk.column))}"
            )
        params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in self.fields]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return False
        obj.pk = row[0]
        obj._state.adding = False
        obj._state.db = db
        return True


class InsertRows(Generic[M]):
    """A multi-row ``INSERT`` of plain values (no expressions), its SQL made once per database and row count.

    What ``bulk_create`` does for a record's few spots, without building a query object, model instances and
    their signals' bookkeeping for each call: about a third of a record POST's ORM time (issue 9).
    """

    def __init__(self, model: type[M], fields: tuple[str, ...]) -> None:
        self.model = model
        self.fields: list[Field[Any, Any]] = []
        for name in fields:
            field = model._meta.get_field(name)
            assert isinstance(field, Field)
            self.fields.append(field)
        self._sql: dict[tuple[str, int], str] = {}

    def insert(self, rows: list[tuple[Any, ...]], db: str) -> None:
        """Insert ``rows`` (values in the order of ``fields``); nothing for none."""
        if not rows:
            return
        connection = connections[db]
        sql = self._sql.get((db, len(rows)))
        if sql is None:
            qn = connection.ops.quote_name
            columns = ", ".join(qn(str(f.column)) for f in self.fields)
            row = f"({', '.join(['%s'] * len(self.fields))})"
            sql = self._sql[db, len(rows)] = (
                f"INSERT INTO {qn(self.model._meta.db_table)} ({columns}) VALUES {', '.join([row] * len(rows))}"
            )
        fields = self.fields
        params = [
            f.get_db_prep_save(value, connection) for values in rows for f, value in zip(fields, values, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
