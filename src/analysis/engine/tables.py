"""Canonical tables as SQL views (DuckDB or Spark) and the inputs of one query.

:class:`DuckTables` / :class:`SparkTables` open the canonical tables of a folder (or register
pandas frames) as views; :class:`SqlInputs` gives one aggregation its inputs, wherever they
come from, and runs its SQL; :func:`infer_engine` picks the engine from the inputs.
"""

from __future__ import annotations

import itertools
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.data.read import find_table_file
from analysis.data.schema import DEFAULT_TZ, SCHEMAS
from analysis.engine.core import (
    DEFAULT,
    SQL_ENGINES,
    Engine,
    duckdb_connection,
    memory_setting,
    release_buffers,
    resolve_engine,
    spark_session,
)
from analysis.engine.dialect import select_list, spark_sql, sql_str

TABLES = ("contacts", "events", "orders")
#: a report's default engine: the engine follows the data (see
#: :func:`analysis.reports.data_engine`); an aggregation given it follows its inputs
AUTO = "auto"


_VIEW_IDS = itertools.count(1)


def infer_engine(engine: str | Engine | None, *inputs) -> str | Engine:
    """``engine`` as given, or (``None``, the aggregations' default, or ``"auto"``, a report's
    default) the engine of the SQL tables among ``inputs`` — DuckDB for a
    :class:`DuckTables`, Spark for a :class:`SparkTables` — and pandas when they are all
    frames."""
    if engine is not None and not (isinstance(engine, str) and engine == AUTO):
        return engine
    for arg in inputs:
        if isinstance(arg, SqlTable):
            return arg.tables.engine_name
        if isinstance(arg, SqlTables):
            return arg.engine_name
    return "pandas"


@dataclass(frozen=True)
class SqlTable:
    """One canonical table inside a :class:`DuckTables` / :class:`SparkTables` (a view)."""

    tables: "SqlTables"
    name: str

    @property
    def view(self) -> str:
        return self.tables.views[self.name]

    def __len__(self) -> int:
        return int(self.tables.scalar(f"SELECT count(*) FROM {self.view}"))

    def to_pandas(self) -> pd.DataFrame:
        """The whole table in memory (small tables and tests only), in the order of its
        file on DuckDB (as :func:`~analysis.data.load.load_tables` reads it)."""
        out = self.tables.query_in_order(f"SELECT * FROM {self.view}")
        return _canonical_dtypes(out, self.name, self.tables.tz)


DuckTable = SqlTable  # the name of the first release


@dataclass
class SqlTables:
    """``contacts``, ``events``, ``orders`` as views of one SQL engine (base class).

    Pass ``tables.events`` etc. (or the whole object) to an aggregation with the engine's
    name (``engine="duckdb"`` for :class:`DuckTables`, ``"spark"`` for :class:`SparkTables`).
    """

    con: Any
    views: dict[str, str]
    tz: str = DEFAULT_TZ
    files: dict[str, Path] = field(default_factory=dict)
    _owned: bool = False
    #: the event vocabulary the tables are read with (set by ``reports.open_tables``)
    vocabulary: Any = None
    #: the row ledger of the tables read (set by ``reports.open_tables``: the store's ledger,
    #: then the rows read from each file, which no step drops or repairs here)
    ledger: Any = None
    engine_name = "sql"

    @property
    def contacts(self) -> SqlTable:
        return SqlTable(self, "contacts")

    @property
    def events(self) -> SqlTable:
        return SqlTable(self, "events")

    @property
    def orders(self) -> SqlTable:
        return SqlTable(self, "orders")

    @property
    def purchases(self) -> SqlTable:
        """Orders with a positive net amount as ``user_id``, ``ordered_at``, ``net_amount``
        (what :func:`analysis.aggregate.transactions.purchases_from_orders` returns)."""
        if "purchases" not in self.views:
            view = f"purchases_{next(_VIEW_IDS)}"
            net = "amount - coalesce(refund_amount, 0.0)"
            self.execute(
                f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT user_id, "
                f"ordered_at, {net} AS net_amount FROM {self.views['orders']} "
                f"WHERE {net} > 1e-9"
            )
            self.views["purchases"] = view
        return SqlTable(self, "purchases")

    # -- running SQL (the DuckDB text of each definition) ---------------------------------
    def execute(self, sql: str) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def query(self, sql: str) -> pd.DataFrame:  # pragma: no cover - overridden
        raise NotImplementedError

    def query_in_order(self, sql: str) -> pd.DataFrame:
        """:meth:`query`, keeping the order of the rows read (where the engine can)."""
        return self.query(sql)

    def row(self, sql: str) -> tuple:
        """The first row of ``sql`` as a tuple."""
        got = self.query(sql)
        return tuple(None if pd.isna(v) else v for v in got.iloc[0].tolist())

    def scalar(self, sql: str):
        return self.row(sql)[0]

    def columns(self, view: str) -> list[str]:
        return list(self.query(f"SELECT * FROM {view} LIMIT 0").columns)

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _register_file(self, name: str, path: Path) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def _register_frame(self, raw: str, frame: pd.DataFrame) -> None:  # pragma: no cover
        raise NotImplementedError

    def _add_file(self, name: str, path: Path) -> None:
        """The canonical view ``name`` over a Parquet / CSV file (columns cast)."""
        raw = self._register_file(name, path)
        cols = self.columns(raw)
        view = f"{name}_file_{next(_VIEW_IDS)}"  # several folders may share one connection
        select = select_list(name, cols, str(path), text=path.suffix != ".parquet")
        self.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT {select} FROM {raw}")
        self.files[name] = path
        self.views[name] = view

    def add_frame(self, name: str, frame: pd.DataFrame) -> tuple[str, str | None]:
        """Register ``frame`` as the canonical table ``name`` (columns cast to the canonical
        types); any other ``name`` (e.g. ``transactions``) is registered as it is. Returns
        the registered frame's name and its view's (None for other names), for
        :meth:`drop_frame`."""
        raw = f"_df_{name}_{id(frame):x}_{next(_VIEW_IDS)}"
        self._register_frame(raw, frame)
        if name not in TABLES:
            self.views[name] = raw
            return raw, None
        view = f"{name}_v_{next(_VIEW_IDS)}"
        self.execute(
            f"CREATE OR REPLACE TEMP VIEW {view} AS "
            f"SELECT {select_list(name, list(frame.columns), raw)} FROM {raw}"
        )
        self.views[name] = view
        return raw, view

    def drop_frame(self, raw: str, view: str | None = None) -> None:  # pragma: no cover
        """Forget a frame :meth:`add_frame` registered (its view first), so the engine no
        longer holds it: on one connection that lives as long as a report, the frames of
        every aggregation call would otherwise stay until it closes."""
        raise NotImplementedError

    def add_frames(self, frames: dict[str, pd.DataFrame | None]) -> None:
        """:meth:`add_frame` for each frame given (``None`` skipped)."""
        for name, frame in frames.items():
            if frame is not None:
                self.add_frame(name, frame)

    def check(self) -> pd.DataFrame:
        """Cheap checks in SQL (rows per table, missing ids or times, negative amounts,
        refunds above the amount); one row per table. ``load_tables`` does the full job."""
        v = self.views
        rows = []
        for name in TABLES:
            if name not in v:
                continue
            tcol = SCHEMAS[name].time_col
            bad = (
                "count(*) FILTER (WHERE amount < 0 OR refund_amount < 0 OR refund_amount > amount)"
                if name == "orders"
                else "0"
            )
            n, no_id, no_time, n_bad = self.row(
                f"SELECT count(*), count(*) FILTER (WHERE user_id IS NULL), "
                f"count(*) FILTER (WHERE {tcol} IS NULL), {bad} FROM {v[name]}"
            )
            rows.append(
                {
                    "table": name,
                    "rows": int(n),
                    "missing_user_id": int(no_id),
                    "missing_time": int(no_time),
                    "bad_amounts": int(n_bad),
                }
            )
        return pd.DataFrame(rows)


@dataclass
class DuckTables(SqlTables):
    """``contacts``, ``events``, ``orders`` as DuckDB views on one connection.

    Build it with :meth:`from_folder` (Parquet / CSV read from disk, out of core) or
    :meth:`from_frames` (pandas frames).
    """

    engine_name = "duckdb"
    #: the memory limit of a connection the tables own (restored after each query's release)
    memory_limit: str | None = None

    def execute(self, sql: str) -> None:
        self.con.execute(sql)

    def query(self, sql: str) -> pd.DataFrame:
        try:
            return self.con.execute(sql).df()
        finally:
            if self._owned:  # (a connection passed in keeps its own settings)
                release_buffers(self.con, self.memory_limit)

    def query_in_order(self, sql: str) -> pd.DataFrame:
        # the connection lets DuckDB stream out of order (the aggregations sort their output);
        # a whole table read into memory keeps its file's order
        self.con.execute("SET preserve_insertion_order = true")
        try:
            return self.query(sql)
        finally:
            self.con.execute("SET preserve_insertion_order = false")

    def row(self, sql: str) -> tuple:
        # fetchall: a result left half-read blocks the connection (e.g. registering a frame)
        return tuple(self.con.execute(sql).fetchall()[0])

    def close(self) -> None:
        if self._owned:
            self.con.close()

    def _register_file(self, name: str, path: Path) -> str:
        p = sql_str(str(path))
        if path.suffix == ".parquet":
            return f"read_parquet({p})"
        # every column as text first, then the canonical casts (ids stay strings: no
        # leading zero or long id is ever read as a number)
        return f"read_csv({p}, all_varchar = true, header = true)"

    def _register_frame(self, raw: str, frame: pd.DataFrame) -> None:
        self.con.register(raw, frame)

    def drop_frame(self, raw: str, view: str | None = None) -> None:
        if view is not None:
            self.con.execute(f"DROP VIEW IF EXISTS {view}")
        self.con.unregister(raw)

    @classmethod
    def from_folder(
        cls,
        folder: str | Path,
        *,
        tz: str = DEFAULT_TZ,
        connection=None,
        memory_limit: str | None = DEFAULT,
        threads: int | None = DEFAULT,
        temp_directory: str | Path | None = None,
    ) -> "DuckTables":
        """Views over ``<folder>/{contacts,events,orders}.{parquet,csv,csv.gz}``.

        Nothing is read until a query runs; each query scans the files (Parquet: only the
        columns and row groups it needs). Columns are cast to the canonical types; a missing
        ``refund_amount`` is ``amount`` for refunded orders and 0 otherwise (as in
        :mod:`analysis.data.schema`); naive timestamps are local time in ``tz``.
        """
        folder = Path(folder)
        owned = connection is None
        con = (
            connection
            if connection is not None
            else duckdb_connection(
                memory_limit=memory_limit, threads=threads, temp_directory=temp_directory, tz=tz
            )
        )
        if not owned:
            con.execute(f"SET TimeZone = {sql_str(tz)}")
        limit = memory_setting(memory_limit)
        tables = cls(con=con, views={}, tz=tz, _owned=owned, memory_limit=limit)
        for name in TABLES:
            tables._add_file(name, find_table_file(folder, name))
        return tables

    @classmethod
    def from_frames(
        cls,
        contacts: pd.DataFrame | None = None,
        events: pd.DataFrame | None = None,
        orders: pd.DataFrame | None = None,
        *,
        tz: str | None = None,
        connection=None,
        engine: str | Engine = "duckdb",
    ) -> "DuckTables":
        """Register pandas frames as the canonical views (DuckDB scans them in place)."""
        frames = {"contacts": contacts, "events": events, "orders": orders}
        tz = tz or _frames_tz(frames)
        owned = connection is None
        eng = resolve_engine(engine)
        con = (
            connection
            if connection is not None
            else Engine("duckdb", eng.memory_limit, eng.threads, eng.temp_directory).connect(tz=tz)
        )
        tables = cls(con=con, views={}, tz=tz, _owned=owned, memory_limit=eng.memory_limit)
        tables.add_frames(frames)
        return tables


@dataclass
class SparkTables(SqlTables):
    """``contacts``, ``events``, ``orders`` as temporary views of a SparkSession.

    :meth:`from_folder` reads Parquet / CSV files where Spark can reach them (a local folder,
    or e.g. ``hdfs://`` / ``s3a://`` paths on a cluster session); :meth:`from_frames` hands
    pandas frames to Spark through Parquet files in a temporary folder (tests, small data).
    """

    engine_name = "spark"
    _tmp: Any = None
    _raw_views: list = field(default_factory=list)

    def execute(self, sql: str) -> None:
        self.con.sql(spark_sql(sql, self.tz))

    def query(self, sql: str) -> pd.DataFrame:
        self.con.conf.set("spark.sql.session.timeZone", self.tz)
        table = self.con.sql(spark_sql(sql, self.tz)).toArrow()
        return table.to_pandas()

    def columns(self, view: str) -> list[str]:
        return list(self.con.table(view).columns)

    def close(self) -> None:
        for view in list(self.views.values()) + self._raw_views:
            self.con.catalog.dropTempView(view)
        self.views, self._raw_views = {}, []
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def _register_file(self, name: str, path: Path | str) -> str:
        raw = f"{name}_raw_{next(_VIEW_IDS)}"
        reader = self.con.read
        if str(path).endswith(".parquet"):
            df = reader.parquet(str(path))
        else:  # every column as text, as on DuckDB (Spark's CSV reader infers nothing)
            df = reader.option("header", "true").csv(str(path))
        df.createOrReplaceTempView(raw)
        self._raw_views.append(raw)
        return raw

    def _register_frame(self, raw: str, frame: pd.DataFrame) -> None:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="analysis-spark-")
        # (Spark skips files whose names start with "_" or ".")
        path = Path(self._tmp.name) / f"frame{raw}.parquet"
        # Spark reads microsecond timestamps (the kit's unit); ids stay as they are
        frame.to_parquet(path, index=False, coerce_timestamps="us", allow_truncated_timestamps=True)
        self.con.read.parquet(str(path)).createOrReplaceTempView(raw)
        self._raw_views.append(raw)

    def drop_frame(self, raw: str, view: str | None = None) -> None:
        for name in (view, raw) if view is not None else (raw,):
            self.con.catalog.dropTempView(name)
        if raw in self._raw_views:
            self._raw_views.remove(raw)
        if self._tmp is not None:
            (Path(self._tmp.name) / f"frame{raw}.parquet").unlink(missing_ok=True)

    @classmethod
    def from_folder(
        cls,
        folder: str | Path,
        *,
        tz: str = DEFAULT_TZ,
        session=None,
        threads: int | None = DEFAULT,
        memory_limit: str | None = DEFAULT,
    ) -> "SparkTables":
        """Views over ``<folder>/{contacts,events,orders}.{parquet,csv,csv.gz}`` on ``session``
        (default: a local session, see :func:`spark_session`). Casts as
        :meth:`DuckTables.from_folder`."""
        con = spark_session(session=session, tz=tz, threads=threads, memory=memory_limit)
        tables = cls(con=con, views={}, tz=tz)
        folder_s = str(folder)
        if "://" in folder_s:  # a cluster path: take the names as Parquet
            for name in TABLES:
                tables._add_file(name, _RemotePath(f"{folder_s.rstrip('/')}/{name}.parquet"))
            return tables
        for name in TABLES:
            tables._add_file(name, find_table_file(folder, name))
        return tables

    @classmethod
    def from_frames(
        cls,
        contacts: pd.DataFrame | None = None,
        events: pd.DataFrame | None = None,
        orders: pd.DataFrame | None = None,
        *,
        tz: str | None = None,
        session=None,
        engine: str | Engine = "spark",
    ) -> "SparkTables":
        """Register pandas frames as the canonical views of a Spark session."""
        frames = {"contacts": contacts, "events": events, "orders": orders}
        tz = tz or _frames_tz(frames)
        eng = resolve_engine(engine)
        con = spark_session(
            session=session or eng.session, tz=tz, threads=eng.threads, memory=eng.memory_limit
        )
        tables = cls(con=con, views={}, tz=tz)
        tables.add_frames(frames)
        return tables


class _RemotePath(str):
    """A file path on a cluster's file system (only its name and suffix are used here)."""

    @property
    def suffix(self) -> str:
        return Path(self).suffix


def _canonical_dtypes(df: pd.DataFrame, name: str, tz: str) -> pd.DataFrame:
    out = df.copy()
    for c in SCHEMAS[name].columns:
        if c.name not in out:
            continue
        if c.kind in ("id", "str"):
            out[c.name] = out[c.name].astype("str")
        elif c.kind == "datetime":
            out[c.name] = as_instants(out[c.name], tz)
    return out


def as_instants(values: pd.Series, tz: str) -> pd.Series:
    """A time column fetched from DuckDB or Spark as ``datetime64[us, tz]`` (NaT stays)."""
    s = pd.Series(values)
    if getattr(s.dtype, "tz", None) is None:
        s = pd.to_datetime(s, utc=True)
    return s.dt.tz_convert(tz).astype(f"datetime64[us, {tz}]")


class SqlInputs:
    """The view of each data argument of one aggregation call, on one SQL engine.

    Arguments may be :class:`SqlTable` (e.g. ``duck.events``), a whole :class:`SqlTables`
    or pandas frames; frames are registered beside the engine's tables (or on new tables of
    ``engine``, closed by :meth:`close`)."""

    def __init__(self, engine: str | Engine, *, tz: str | None = None, **args):
        eng = resolve_engine(engine)
        if eng.name not in SQL_ENGINES:
            raise ValueError(f"SqlInputs is for the engines {SQL_ENGINES}, not {eng.name!r}")
        owners = {
            id(a.tables if isinstance(a, SqlTable) else a): (
                a.tables if isinstance(a, SqlTable) else a
            )
            for a in args.values()
            if isinstance(a, (SqlTable, SqlTables))
        }
        if len(owners) > 1:
            raise ValueError(
                f"the {eng.name} inputs of one call must come from one "
                f"{'DuckTables' if eng.name == 'duckdb' else 'SparkTables'}"
            )
        self.views: dict[str, str] = {}
        if owners:
            self.tables = next(iter(owners.values()))
            if self.tables.engine_name != eng.name:
                raise ValueError(
                    f"these tables are {type(self.tables).__name__} on "
                    f"{self.tables.engine_name}: pass "
                    f"engine={self.tables.engine_name!r}, not {eng.name!r}"
                )
            self._own = False
        else:
            frames = {k: v for k, v in args.items() if isinstance(v, pd.DataFrame)}
            cls = DuckTables if eng.name == "duckdb" else SparkTables
            self.tables = cls.from_frames(engine=eng, tz=tz or _frames_tz(frames))
            self._own = True
        self.tz = self.tables.tz
        self._registered = []
        for name, arg in args.items():
            if isinstance(arg, SqlTable):
                self.views[name] = arg.view
            elif isinstance(arg, SqlTables):
                self.views[name] = arg.views[name]
            elif isinstance(arg, pd.DataFrame):
                before = self.tables.views.get(name)
                added = self.tables.add_frame(name, arg)
                self.views[name] = self.tables.views[name]
                self._registered.append((name, before, added))
            else:
                raise TypeError(
                    f"{name}: expected a pandas DataFrame, DuckTable or DuckTables "
                    f"with engine={eng.name!r}, got {type(arg).__name__}"
                )

    def df(self, sql: str) -> pd.DataFrame:
        return self.tables.query(sql)

    def row(self, sql: str) -> tuple:
        return self.tables.row(sql)

    def scalar(self, sql: str):
        return self.tables.scalar(sql)

    def latest_times(self, tz: str) -> list[pd.Timestamp]:
        """The latest event time and the latest order time (those that exist), in zone
        ``tz``: where the data end."""
        last = [
            self.scalar(f"SELECT epoch_us(max({col})) FROM {self.views[name]}")
            for name, col in (("events", "occurred_at"), ("orders", "ordered_at"))
        ]
        return [
            pd.Timestamp(int(v), unit="us", tz="UTC").tz_convert(tz) for v in last if v is not None
        ]

    def close(self) -> None:
        if self._own:
            self.tables.close()
            return
        for name, before, added in self._registered:  # leave the caller's tables as they were
            if before is None:
                self.tables.views.pop(name, None)
            else:
                self.tables.views[name] = before
            self.tables.drop_frame(*added)
        self._registered = []

    def __enter__(self) -> "SqlInputs":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


DuckInputs = SqlInputs  # the name of the first release


def _frames_tz(frames: dict[str, pd.DataFrame]) -> str:
    for name in TABLES:
        f = frames.get(name)
        if f is not None:
            tz = getattr(f[SCHEMAS[name].time_col].dtype, "tz", None)
            if tz is not None:
                return str(tz)
    return DEFAULT_TZ


def is_sql_table(obj) -> bool:
    """True for the SQL-side inputs (:class:`SqlTable`, :class:`SqlTables`)."""
    return isinstance(obj, (SqlTable, SqlTables))


is_duck = is_sql_table  # the name of the first release
