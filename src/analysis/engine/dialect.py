"""SQL fragments that differ between engines, each a small named function.

The aggregations are written once, in DuckDB's dialect; :func:`spark_sql` translates a query
for Spark (sqlglot plus two rewrites of our own). Literals and instants go through
:func:`sql_str`, :func:`sql_list`, :func:`sql_instant` and :func:`epoch_us`, so cut-offs
compare as UTC instants on every engine.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.data.schema import FLAG_TRUE, SCHEMAS

_SQL_TYPES = {
    "id": "VARCHAR",
    "str": "VARCHAR",
    "datetime": "TIMESTAMPTZ",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
}


_BOOL_TRUE = FLAG_TRUE  # the loader's spellings (analysis.data.clean reads flags with them)


def spark_sql(sql: str, tz: str) -> str:
    """One aggregation's DuckDB SQL as Spark SQL: the definition is written once.

    sqlglot translates the dialect (``TIMESTAMPTZ`` literals, ``FILTER``, casts, quoting);
    two rewrites keep the numbers identical:

    * ``epoch_us(t)`` (microseconds since the epoch) is ``unix_micros(t)``, and
      ``epoch_us(CAST(t AS TIMESTAMP))`` — DuckDB's local wall clock in the session zone —
      is ``unix_micros(from_utc_timestamp(t, tz))``;
    * a decimal literal (``1.0``, ``0.5``) is a DOUBLE, as in DuckDB's arithmetic with
      doubles (Spark would make it a DECIMAL and return Python decimals).
    """
    import sqlglot
    from sqlglot import exp

    def rewrite(node):
        if isinstance(node, exp.Anonymous) and str(node.name).lower() == "epoch_us":
            (arg,) = node.expressions
            if isinstance(arg, exp.Cast) and arg.to.this in (
                exp.DataType.Type.TIMESTAMP,
                exp.DataType.Type.TIMESTAMPNTZ,
            ):
                arg = exp.Anonymous(
                    this="FROM_UTC_TIMESTAMP", expressions=[arg.this.copy(), exp.Literal.string(tz)]
                )
            return exp.Anonymous(this="UNIX_MICROS", expressions=[arg.copy()])
        if isinstance(node, exp.Literal) and node.is_number and re.search(r"[.eE]", node.this):
            return exp.cast(node.copy(), "DOUBLE")
        return node

    tree = sqlglot.parse_one(sql, read="duckdb").transform(rewrite)
    return tree.sql(dialect="spark")


def sql_str(value: str) -> str:
    """``value`` as a SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def sql_list(values) -> str:
    """A parenthesised list of string literals for ``IN (...)`` (``(NULL)`` when empty)."""
    vals = [sql_str(v) for v in values]
    return "(" + (", ".join(vals) if vals else "NULL") + ")"


def sql_instant(ts: pd.Timestamp) -> str:
    """A window bound as a ``TIMESTAMPTZ`` literal in UTC.

    DuckDB keeps microseconds: a bound with nanoseconds is rounded up, which keeps both
    ``t < bound`` and ``t >= bound`` exact for microsecond data."""
    ts = pd.Timestamp(ts)
    if ts.tzinfo is None:
        raise ValueError(f"window bounds must be tz-aware, got {ts}")
    ts = ts.tz_convert("UTC").ceil("us")
    return f"TIMESTAMPTZ {sql_str(ts.strftime('%Y-%m-%d %H:%M:%S.%f+00:00'))}"


def epoch_us(ts: pd.Timestamp) -> int:
    """Microseconds since the epoch of a tz-aware instant (for decay ages in SQL)."""
    delta = pd.Timestamp(ts).tz_convert("UTC") - pd.Timestamp(0, tz="UTC")
    return int(delta // pd.Timedelta(1, "us"))


_BOOL_TEXT = (
    "lower(trim(CAST({col} AS VARCHAR))) IN "
    + "("
    + ", ".join("'" + v + "'" for v in _BOOL_TRUE)
    + ")"
)


def select_list(name: str, cols: list[str], source_hint: str = "", *, text: bool = False) -> str:
    """SELECT expressions casting the canonical columns of table ``name`` (extras kept).

    ``text``: the columns are text (a CSV file), so booleans are read from their spellings
    (``true``, ``1``, ``是``, ...) rather than cast."""
    schema = SCHEMAS[name]

    def boolean(col: str) -> str:
        return _BOOL_TEXT.format(col=_q(col)) if text else f"CAST({_q(col)} AS BOOLEAN)"

    exprs = []
    for c in schema.columns:
        if c.name not in cols:
            if c.name == "refund_amount":
                exprs.append(
                    f"CASE WHEN {boolean('is_refund')} THEN CAST(amount AS DOUBLE) "
                    "ELSE 0.0 END AS refund_amount"
                )
                continue
            if c.required:
                raise ValueError(f"{source_hint or name}: missing required column {c.name!r}")
            exprs.append(f"CAST(NULL AS {_SQL_TYPES[c.kind]}) AS {c.name}")
            continue
        if c.kind == "bool":
            exprs.append(f"{boolean(c.name)} AS {c.name}")
            continue
        exprs.append(f"CAST({_q(c.name)} AS {_SQL_TYPES[c.kind]}) AS {c.name}")
    exprs += [_q(c) for c in cols if c not in schema.names]
    return ", ".join(exprs)


def _q(col: str) -> str:
    return '"' + str(col).replace('"', '""') + '"'
