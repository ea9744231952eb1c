"""Which engine runs a query, and its connection: :class:`Engine`, DuckDB connections,
Spark sessions (local, or the caller's cluster session).
"""

from __future__ import annotations

import ctypes
import os
import re
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.data.schema import DEFAULT_TZ
from analysis.engine.dialect import sql_str

if TYPE_CHECKING:  # pragma: no cover
    import duckdb

ENGINES = ("pandas", "duckdb", "spark")


SQL_ENGINES = ("duckdb", "spark")

#: the engines' settings when a caller gives none: ``DEFAULT`` reads these environment
#: variables (``python -m analysis report --memory-limit 8GB --threads 8`` sets them for every
#: report's kernel), else the kit's defaults of 4 GB and 2 threads
DEFAULT = "default"
MEMORY_ENV = "ANALYSIS_MEMORY_LIMIT"
THREADS_ENV = "ANALYSIS_THREADS"
#: the log configuration of the kit's local Spark sessions (errors only)
LOG4J2 = (Path(__file__).parent / "log4j2.properties").as_uri()
_MEMORY_RE = re.compile(r"\s*(\d+)\s*([KMGT]?)I?B?\s*")


def memory_setting(value: str | None = DEFAULT) -> str | None:
    """``value`` checked (``"4GB"``, ``"500MB"``; None: the engine's own default); ``DEFAULT``:
    ``$ANALYSIS_MEMORY_LIMIT`` when set, else ``"4GB"``."""
    source = "memory_limit"
    if value == DEFAULT:
        value, source = os.environ.get(MEMORY_ENV, "").strip() or "4GB", MEMORY_ENV
    if value is not None and not _MEMORY_RE.fullmatch(str(value).upper()):
        raise ValueError(f"{source} must look like '4GB' or '500MB', got {value!r}")
    return value


def threads_setting(value: int | str | None = DEFAULT) -> int | None:
    """``value`` checked (a positive number of cores; None: all); ``DEFAULT``:
    ``$ANALYSIS_THREADS`` when set, else 2."""
    source = "threads"
    if value == DEFAULT:
        value, source = os.environ.get(THREADS_ENV, "").strip() or 2, THREADS_ENV
    if value is None:
        return None
    try:
        n = int(value)
    except (TypeError, ValueError):
        n = 0
    if n < 1 or str(n) != str(value).strip():
        raise ValueError(f"{source} must be a whole number of cores (1 or more), got {value!r}")
    return n


@dataclass(frozen=True)
class Engine:
    """An engine and its settings, accepted wherever ``engine="duckdb"`` / ``"spark"`` is.

    ``Engine("duckdb", memory_limit="2GB")`` sets DuckDB's memory limit (spilling to
    ``temp_directory`` past it) for pandas frames registered on a new connection
    (:class:`DuckTables` keep the settings of their own connection). Left out,
    ``memory_limit`` and ``threads`` follow ``$ANALYSIS_MEMORY_LIMIT`` / ``$ANALYSIS_THREADS``
    (default 4GB and 2; see :func:`memory_setting`).
    ``Engine("spark", session=spark)`` runs on the given SparkSession (e.g. a cluster's);
    without one a local session is started with ``threads`` cores and ``memory_limit`` of
    driver memory.
    """

    name: str = "pandas"
    memory_limit: str | None = field(default_factory=memory_setting)
    threads: int | None = field(default_factory=threads_setting)
    temp_directory: str | None = None
    session: Any = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        if self.name not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}, got {self.name!r}")

    def connect(self, tz: str = DEFAULT_TZ) -> "duckdb.DuckDBPyConnection":
        return duckdb_connection(
            memory_limit=self.memory_limit,
            threads=self.threads,
            temp_directory=self.temp_directory,
            tz=tz,
        )

    def spark(self, tz: str = DEFAULT_TZ):
        """The SparkSession of this engine (``session``, or a local one), set to zone ``tz``."""
        return spark_session(
            session=self.session, tz=tz, threads=self.threads, memory=self.memory_limit
        )


def resolve_engine(engine: str | Engine) -> Engine:
    """``engine`` as an :class:`Engine` (a string names one with default settings)."""
    if isinstance(engine, Engine):
        return engine
    if not isinstance(engine, str) or engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES} or an Engine, got {engine!r}")
    return Engine(engine)


def is_sql_engine(engine: str | Engine) -> bool:
    """True when ``engine`` runs the SQL definitions (DuckDB or Spark), False for pandas."""
    return resolve_engine(engine).name in SQL_ENGINES


def _duckdb():
    try:
        import duckdb
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("engine='duckdb' needs the duckdb package: pip install duckdb") from exc
    return duckdb


def return_free_memory() -> None:
    """Give the memory the C heap and Arrow's memory pool keep after frees back to the
    system (glibc's ``malloc_trim``, then pyarrow's ``release_unused``; nothing elsewhere).
    pandas work on millions of text ids leaves freed blocks scattered through the heap that
    glibc keeps: after churn's four windows at 1M contacts, 312 of 1,463 MB. The text
    columns live in Arrow's pool (mimalloc), which keeps freed pages too: after churn's
    feature query at 5M contacts, 0.44 GB."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # pragma: no cover - not glibc (macOS, Windows, musl)
        libc = None
    if libc is not None:
        libc.malloc_trim(0)
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def fresh_index(index):
    """The same ids in a new Index object, without the lookup table pandas builds on an
    index's first ``get_indexer`` / ``reindex`` / ``is_unique`` and keeps for the index's
    life: for text ids a Python object per id, ~100 bytes a user (~320 MB for one of churn's
    3.1M-user windows at 5M contacts). A frame a report keeps gives its table back with
    ``frame.index = fresh_index(frame.index)``; a lookup done on a fresh copy frees its table
    with the copy. The values are shared, not copied."""
    import pandas as pd

    return pd.Index(index.array, name=index.name, copy=False)


#: the memory limit :func:`release_buffers` sets for a moment (DuckDB evicts down to it)
RELEASE_LIMIT = "16MB"


def release_buffers(con, memory_limit: str | None) -> None:
    """Hand the memory DuckDB keeps from finished queries back to the system (and the C
    heap's: :func:`return_free_memory`).

    DuckDB's buffer manager keeps the blocks of a finished query for reuse, up to its memory
    limit: after one aggregation over a few million contacts that is GBs the rest of a report
    (models, per-user frames) cannot use. Lowering the limit for a moment makes DuckDB evict
    them; the limit is then set back to ``memory_limit`` (None: DuckDB's default). Where
    something still holds DuckDB memory that cannot be freed, the lowering fails quietly."""
    duckdb = _duckdb()
    try:
        con.execute(f"SET memory_limit = {sql_str(RELEASE_LIMIT)}")
    except duckdb.Error:  # pragma: no cover - memory in use that cannot be evicted
        pass
    if memory_limit is None:
        con.execute("RESET memory_limit")
    else:
        con.execute(f"SET memory_limit = {sql_str(str(memory_limit))}")
    return_free_memory()


def duckdb_connection(
    *,
    memory_limit: str | None = DEFAULT,
    threads: int | None = DEFAULT,
    temp_directory: str | Path | None = None,
    tz: str = DEFAULT_TZ,
) -> "duckdb.DuckDBPyConnection":
    """An in-memory DuckDB connection that spills to ``temp_directory`` past ``memory_limit``.

    ``memory_limit`` is DuckDB's (e.g. ``"4GB"``, ``"500MB"``; None leaves DuckDB's default of
    80 % of RAM); ``threads`` caps the cores used (left out, both follow
    ``$ANALYSIS_MEMORY_LIMIT`` / ``$ANALYSIS_THREADS``, default 4GB and 2);
    ``temp_directory`` (default: a folder in the system temp dir) receives the spill files.
    The session ``TimeZone`` is ``tz``.
    """
    memory_limit, threads = memory_setting(memory_limit), threads_setting(threads)
    duckdb = _duckdb()
    con = duckdb.connect(":memory:")
    if memory_limit is not None:
        con.execute(f"SET memory_limit = {sql_str(str(memory_limit))}")
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")
    tmp = (
        Path(temp_directory)
        if temp_directory is not None
        else Path(tempfile.gettempdir()) / "analysis-duckdb"
    )
    con.execute(f"SET temp_directory = {sql_str(str(tmp))}")
    con.execute(f"SET TimeZone = {sql_str(tz)}")
    try:
        con.execute("SET enable_progress_bar = false")  # nothing printed into reports
    except duckdb.Error:  # in Jupyter without ipywidgets DuckDB refuses to touch the setting
        pass  # (and cannot draw a bar there either)
    # the aggregations sort their output themselves: let DuckDB stream without keeping order
    con.execute("SET preserve_insertion_order = false")
    return con


def _java_or_error() -> None:
    import os
    import shutil

    if os.environ.get("JAVA_HOME") or shutil.which("java"):
        return
    raise RuntimeError(
        "engine='spark' needs a Java runtime (17 or later) for Spark: on Debian/Ubuntu "
        "`apt-get install openjdk-17-jre-headless` (`make env` does it when run as root), "
        "or set JAVA_HOME; or use engine='duckdb'"
    )


def spark_session(
    *,
    session=None,
    tz: str = DEFAULT_TZ,
    threads: int | None = DEFAULT,
    memory: str | None = DEFAULT,
    shuffle_partitions: int | None = None,
):
    """A SparkSession for the aggregations, with its SQL session time zone set to ``tz``.

    ``session`` (yours, e.g. on a cluster) is used as it is, apart from the time zone. Without
    one, a local session is started (or the running one reused) with ``threads`` cores,
    ``memory`` of driver memory (``"4GB"`` style, as DuckDB's limit), no web UI, and
    ``shuffle_partitions`` (default 4 per core: the per-user tables are small); left out,
    ``threads`` and ``memory`` follow ``$ANALYSIS_THREADS`` / ``$ANALYSIS_MEMORY_LIMIT``.
    Its JVM logs errors only (``log4j2.properties`` beside this module), so a report's
    output is not Spark's start-up warnings.
    """
    threads, memory = threads_setting(threads), memory_setting(memory)
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("engine='spark' needs pyspark: pip install pyspark") from exc
    with warnings.catch_warnings():
        # pyspark imports this module lazily (e.g. in toArrow) and it warns once, at import,
        # that pandas 3 is not fully supported; the kit only moves Arrow tables through it
        # (tests compare every result with pandas'). Imported here under a scoped filter,
        # it never warns into a report; no process-wide filter is left behind.
        warnings.filterwarnings(
            "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
        )
        import pyspark.testing.utils  # noqa: F401
    if session is None:
        _java_or_error()
        cores = int(threads) if threads else "*"
        parts = shuffle_partitions or 4 * (int(threads) if threads else 2)
        builder = (
            SparkSession.builder.master(f"local[{cores}]")
            .appName("analysis-kit")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", str(parts))
            .config("spark.sql.session.timeZone", tz)
            .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={LOG4J2}")
        )
        # on a machine whose host name resolves to a loopback address, Spark warns and picks
        # another interface; a local session needs none
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        if memory:
            builder = builder.config("spark.driver.memory", _spark_memory(memory))
        session = builder.getOrCreate()
        session.sparkContext.setLogLevel("ERROR")
    session.conf.set("spark.sql.session.timeZone", tz)
    return session


def _spark_memory(limit: str) -> str:
    """DuckDB-style ``"4GB"`` / ``"500MB"`` as Spark's ``"4g"`` / ``"500m"``."""
    m = _MEMORY_RE.fullmatch(str(limit).upper())
    if not m:
        raise ValueError(f"memory limit must look like '4GB' or '500MB', got {limit!r}")
    return f"{m.group(1)}{m.group(2).lower() or 'b'}"
