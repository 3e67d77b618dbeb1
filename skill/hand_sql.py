"""Hand-written statements of the skill's hot reads, and how their rows become model
instances as the ORM would build them (``Columns``). ``skill.selectors`` uses them where the
ORM's statement compilation cost more than the database did; ``skill/tests/
test_shopper_read.py`` checks they return exactly what the ORM versions do."""

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import Model

from catalog.models import Product
from orders.models import Customer, Order, OrderLine

from .models import Conversation

M = TypeVar("M", bound=Model)


class Columns(Generic[M]):
    """A model's concrete columns under a table alias, and how to build instances from them
    as the ORM does (``Model.from_db`` plus each field's ``from_db_value``)."""

    def __init__(self, model: type[M], alias: str):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.names = [field.attname for field in self.fields]
        self.sql = ", ".join(f'{alias}."{field.column}"' for field in self.fields)
        self.width = len(self.fields)
        self.pk_index = self.names.index(model._meta.pk.attname)
        # Only fields with ``from_db_value`` (JSON here) convert; none needs the expression.
        self.converters = [
            (index, field.from_db_value)
            for index, field in enumerate(self.fields)
            if hasattr(field, "from_db_value")
        ]

    def build(
        self, row: Sequence[Any], start: int, db: str, connection: BaseDatabaseWrapper
    ) -> M | None:
        values = list(row[start : start + self.width])
        if values[self.pk_index] is None:  # the LEFT JOIN found nothing
            return None
        for index, convert in self.converters:
            if values[index] is not None:
                values[index] = convert(values[index], None, connection)
        return self.model.from_db(db, self.names, values)


# with_last_order -> (statement, column groups)
_shopper_statements: dict[bool, tuple[str, list[Columns[Any]]]] = {}


def shopper_statement(with_last_order: bool, kept: Sequence[str]) -> tuple[str, list[Columns[Any]]]:
    """The hand-written statement (built once per process from the models' metadata, so it
    follows every migration) and its column groups."""
    if with_last_order in _shopper_statements:
        return _shopper_statements[with_last_order]
    groups: list[Columns[Any]] = [
        Columns(Customer, "c"),
        Columns(Conversation, "v"),
        Columns(Order, "o"),
    ]
    joins = [
        f"FROM {Customer._meta.db_table} c",
        f"LEFT JOIN {Conversation._meta.db_table} v ON v.customer_id = c.id",
        f"LEFT JOIN {Order._meta.db_table} o ON o.id = v.order_id",
    ]
    order_by = ""
    if with_last_order:
        groups += [Columns(OrderLine, "l"), Columns(Product, "p")]
        kept_sql = ", ".join(f"'{status}'" for status in kept)
        joins += [
            # The latest kept order: the newest row of the (customer, created_at DESC) index
            # that is kept; then its lines in pk order, each with its product.
            f"LEFT JOIN LATERAL (SELECT k.id FROM {Order._meta.db_table} k"
            f" WHERE k.store_id = c.store_id AND k.customer_id = c.id AND k.status IN ({kept_sql})"
            " ORDER BY k.created_at DESC, k.id DESC LIMIT 1) k ON TRUE",
            f"LEFT JOIN {OrderLine._meta.db_table} l"
            " ON l.store_id = c.store_id AND l.order_id = k.id",
            f"LEFT JOIN {Product._meta.db_table} p ON p.id = l.product_id",
        ]
        order_by = " ORDER BY l.id"
    sql = (
        f"SELECT {', '.join(group.sql for group in groups)} {' '.join(joins)}"
        f" WHERE c.store_id = %s AND c.alexa_user_id = %s{order_by}"
    )
    _shopper_statements[with_last_order] = (sql, groups)
    return sql, groups


_PREPARED_NAMES = {False: "skill_shopper_turn", True: "skill_shopper_launch"}


def execute_shopper_read(
    connection: BaseDatabaseWrapper,
    cursor: CursorWrapper,
    with_last_order: bool,
    sql: str,
    params: list[Any],
) -> None:
    """Run the shopper read, prepared once per database connection.

    Planning the joined statement costs about 1.4 ms a turn against 0.2 ms of executing it,
    so each connection prepares it once (``PREPARE``, kept for the session even if the
    transaction around it rolls back) and then only executes it. Session-level prepared
    statements do not survive a pooler in transaction mode (PgBouncer):
    ``ALEXA_PREPARED_STATEMENTS=false`` sends the plain statement instead.
    """
    if not settings.ALEXA_PREPARED_STATEMENTS:
        cursor.execute(sql, params)
        return
    raw = connection.connection  # a new database connection has nothing prepared
    # (the driver connection, the names prepared on it), kept on Django's wrapper
    prepared: tuple[object, set[str]] | None = getattr(connection, "_skill_prepared", None)
    if prepared is None or prepared[0] is not raw:
        prepared = (raw, set())
        connection._skill_prepared = prepared  # type: ignore[attr-defined]
    name = _PREPARED_NAMES[with_last_order]
    if name not in prepared[1]:
        body = sql.replace("%s", "$1", 1).replace("%s", "$2", 1)
        cursor.execute(f"PREPARE {name} (bigint, text) AS {body}")
        prepared[1].add(name)
    cursor.execute(f"EXECUTE {name} (%s, %s)", params)
