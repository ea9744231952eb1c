"""Where the per-user aggregations run: pandas in memory, DuckDB out of core, or Spark.

The aggregations in :mod:`analysis.aggregate` take an ``engine=`` keyword:

* ``engine="pandas"`` (default) — the canonical tables are pandas frames, e.g. from
  :func:`analysis.data.load.load_tables`;
* ``engine="duckdb"`` — the same aggregation as one SQL query on embedded DuckDB. The data
  arguments may be the tables of a :class:`DuckTables` (views over Parquet / CSV files read
  straight from disk, never loaded into pandas) or pandas frames (registered on a fresh
  connection);
* ``engine="spark"`` — the same SQL on a Spark session (a local one, or the session of a
  :class:`SparkTables` / ``Engine("spark", session=...)``, which may be a cluster's). The
  DuckDB text of each query is the one definition: :func:`spark_sql` translates it with
  sqlglot (the SQL transpiler Ibis itself compiles through), plus two rewrites of our own
  (``epoch_us`` and decimal literals; see there).

Only the small per-user result comes back, as a pandas frame identical to the pandas engine's
(same columns, dtypes, index and row order). ``tests/test_engine.py`` checks all three
engines on the sample and on edge cases, ``benchmarks/bench_engine.py`` measures them.

Times. The canonical times are instants (tz-aware, ``Asia/Shanghai`` by default). In DuckDB
they are ``TIMESTAMPTZ`` and in Spark ``TIMESTAMP`` (both microseconds since the epoch, UTC);
the session time zone is the kit's zone (so naive timestamps in a file are read as local
time, as :func:`~analysis.data.load.load_tables` does, and results come back in that zone), and
every window bound is passed as an explicit UTC instant (:func:`sql_instant`), so cut-offs compare
as instants whatever the offsets in the files.

``DuckTables.from_folder`` / ``SparkTables.from_folder`` only cast columns to the canonical
types: they do not repeat the checks and repairs of :func:`~analysis.data.load.load_tables` (no
ledger, no dedup, no vocabulary check beyond :meth:`SqlTables.check`). Point them at canonical
exports that already passed ``load_tables`` once (or at the simulator's output).

Modules: :mod:`~analysis.engine.core` (engines and connections),
:mod:`~analysis.engine.dialect` (the SQL fragments that differ between engines),
:mod:`~analysis.engine.tables` (tables on disk as views, :class:`SqlInputs`).
"""

from analysis.engine.core import (
    ENGINES,
    SQL_ENGINES,
    Engine,
    duckdb_connection,
    is_sql_engine,
    resolve_engine,
    spark_session,
)
from analysis.engine.dialect import (
    epoch_us,
    spark_sql,
    sql_instant,
    sql_list,
    sql_str,
)
from analysis.engine.tables import (
    AUTO,
    TABLES,
    DuckInputs,
    DuckTable,
    DuckTables,
    SparkTables,
    SqlInputs,
    SqlTable,
    SqlTables,
    as_instants,
    infer_engine,
    is_duck,
    is_sql_table,
)

__all__ = [
    "ENGINES",
    "SQL_ENGINES",
    "Engine",
    "resolve_engine",
    "is_sql_engine",
    "duckdb_connection",
    "spark_session",
    "spark_sql",
    "sql_str",
    "sql_list",
    "sql_instant",
    "epoch_us",
    "TABLES",
    "AUTO",
    "infer_engine",
    "SqlTable",
    "DuckTable",
    "SqlTables",
    "DuckTables",
    "SparkTables",
    "as_instants",
    "SqlInputs",
    "DuckInputs",
    "is_sql_table",
    "is_duck",
]
