"""Per-user aggregations of events and orders (the heavy work lives here).

Every computation that scans the raw event and order logs and reduces them to per-user or
per-period tables belongs in this subpackage, behind plain functions over DataFrames, so
that moving it out of core (DuckDB) or onto a cluster changes one place.

``value_evidence``, ``retention_labels`` and ``summarize_transactions`` take
``engine="duckdb"`` (see :mod:`analysis.engine`): the same aggregation as SQL over Parquet or
CSV files on disk (``DuckTables.from_folder``), out of core with a memory limit.
"""
