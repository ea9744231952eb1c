"""Where the per-user aggregations run: pandas in memory (default) or DuckDB out of core.

The aggregations in :mod:`analysis.aggregate` take an ``engine=`` keyword:

* ``engine="pandas"`` (default) — the canonical tables are pandas frames, e.g. from
  :func:`analysis.io.load_tables`;
* ``engine="duckdb"`` — the same aggregation as one DuckDB SQL query. The data arguments may
  be the tables of a :class:`DuckTables` (views over Parquet / CSV files read straight from
  disk, never loaded into pandas) or pandas frames (registered on a fresh connection). Only
  the small per-user result comes back, as a pandas frame identical to the pandas engine's
  (same columns, dtypes, index and row order).

Both engines give the same result on the same data; ``tests/test_engine.py`` checks this on the
sample and on edge cases, ``benchmarks/bench_engine.py`` measures time and memory.

Times. The canonical times are instants (tz-aware, ``Asia/Shanghai`` by default). In DuckDB
they are ``TIMESTAMPTZ`` (microseconds since the epoch, UTC), the session ``TimeZone`` is
the kit's zone (so naive timestamps in a Parquet file are read as local time, as
:func:`~analysis.io.load_tables` does, and results come back in that zone), and every window
bound is passed as an explicit UTC instant (:func:`sql_instant`), so cut-offs compare as
instants whatever the offsets in the files.

``DuckTables.from_folder`` only casts columns to the canonical types: it does not repeat the
checks and repairs of :func:`~analysis.io.load_tables` (no ledger, no dedup, no vocabulary
check beyond :meth:`DuckTables.check`). Point it at canonical exports that already passed
``load_tables`` once (or at the simulator's output).
"""

from __future__ import annotations

import itertools
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .schema import DEFAULT_TZ, SCHEMAS

if TYPE_CHECKING:  # pragma: no cover
    import duckdb

ENGINES = ("pandas", "duckdb")
TABLES = ("contacts", "events", "orders")
_SUFFIXES = (".parquet", ".csv", ".csv.gz")
_SQL_TYPES = {"id": "VARCHAR", "str": "VARCHAR", "datetime": "TIMESTAMPTZ", "float": "DOUBLE",
              "bool": "BOOLEAN"}
_VIEW_IDS = itertools.count(1)
_BOOL_TRUE = ("true", "1", "yes", "y", "t", "是", "已退款")


@dataclass(frozen=True)
class Engine:
    """An engine and its settings. ``Engine("duckdb", memory_limit="2GB")`` can be passed
    wherever ``engine="duckdb"`` is accepted (it is used when the data are pandas frames;
    :class:`DuckTables` keep the settings of their own connection)."""

    name: str = "pandas"
    memory_limit: str = "4GB"
    threads: int = 2
    temp_directory: str | None = None

    def __post_init__(self):
        if self.name not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}, got {self.name!r}")

    def connect(self, tz: str = DEFAULT_TZ) -> "duckdb.DuckDBPyConnection":
        return duckdb_connection(memory_limit=self.memory_limit, threads=self.threads,
                                 temp_directory=self.temp_directory, tz=tz)


def resolve_engine(engine: str | Engine) -> Engine:
    """``engine`` as an :class:`Engine` (a string names one with default settings)."""
    if isinstance(engine, Engine):
        return engine
    if not isinstance(engine, str) or engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES} or an Engine, got {engine!r}")
    return Engine(engine)


def _duckdb():
    try:
        import duckdb
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("engine='duckdb' needs the duckdb package: pip install duckdb") from exc
    return duckdb


def duckdb_connection(*, memory_limit: str | None = "4GB", threads: int | None = 2,
                      temp_directory: str | Path | None = None,
                      tz: str = DEFAULT_TZ) -> "duckdb.DuckDBPyConnection":
    """An in-memory DuckDB connection that spills to ``temp_directory`` past ``memory_limit``.

    ``memory_limit`` is DuckDB's (e.g. ``"4GB"``, ``"500MB"``; None leaves DuckDB's default of
    80 % of RAM); ``threads`` caps the cores used; ``temp_directory`` (default: a folder in the
    system temp dir) receives the spill files. The session ``TimeZone`` is ``tz``.
    """
    duckdb = _duckdb()
    con = duckdb.connect(":memory:")
    if memory_limit is not None:
        con.execute(f"SET memory_limit = {sql_str(str(memory_limit))}")
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")
    tmp = Path(temp_directory) if temp_directory is not None else \
        Path(tempfile.gettempdir()) / "analysis-duckdb"
    con.execute(f"SET temp_directory = {sql_str(str(tmp))}")
    con.execute(f"SET TimeZone = {sql_str(tz)}")
    con.execute("SET enable_progress_bar = false")  # nothing printed into reports
    # the aggregations sort their output themselves: let DuckDB stream without keeping order
    con.execute("SET preserve_insertion_order = false")
    return con


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


def find_file(folder: Path, name: str) -> Path:
    for suffix in _SUFFIXES:
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return path
    raise FileNotFoundError(f"{folder}: no {name}.parquet, {name}.csv or {name}.csv.gz")


@dataclass(frozen=True)
class DuckTable:
    """One canonical table inside a :class:`DuckTables` (a view name on its connection)."""

    tables: "DuckTables"
    name: str

    @property
    def view(self) -> str:
        return self.tables.views[self.name]

    def __len__(self) -> int:
        return int(self.tables.con.execute(f"SELECT count(*) FROM {self.view}").fetchone()[0])

    def to_pandas(self) -> pd.DataFrame:
        """The whole table in memory (small tables and tests only)."""
        out = self.tables.con.execute(f"SELECT * FROM {self.view}").df()
        return _canonical_dtypes(out, self.name, self.tables.tz)


@dataclass
class DuckTables:
    """``contacts``, ``events``, ``orders`` as DuckDB views on one connection.

    Build it with :meth:`from_folder` (Parquet / CSV read from disk, out of core) or
    :meth:`from_frames` (pandas frames). Pass ``tables.events`` etc. (or the whole object)
    to an aggregation with ``engine="duckdb"``.
    """

    con: Any
    views: dict[str, str]
    tz: str = DEFAULT_TZ
    files: dict[str, Path] = field(default_factory=dict)
    _owned: bool = False

    @property
    def contacts(self) -> DuckTable:
        return DuckTable(self, "contacts")

    @property
    def events(self) -> DuckTable:
        return DuckTable(self, "events")

    @property
    def orders(self) -> DuckTable:
        return DuckTable(self, "orders")

    @property
    def purchases(self) -> DuckTable:
        """Orders with a positive net amount as ``user_id``, ``ordered_at``, ``net_amount``
        (what :func:`analysis.aggregate.transactions.purchases_from_orders` returns)."""
        if "purchases" not in self.views:
            view = f"purchases_{next(_VIEW_IDS)}"
            net = "amount - coalesce(refund_amount, 0.0)"
            self.con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT user_id, "
                             f"ordered_at, {net} AS net_amount FROM {self.views['orders']} "
                             f"WHERE {net} > 1e-9")
            self.views["purchases"] = view
        return DuckTable(self, "purchases")

    def close(self) -> None:
        if self._owned:
            self.con.close()

    def __enter__(self) -> "DuckTables":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @classmethod
    def from_folder(cls, folder: str | Path, *, tz: str = DEFAULT_TZ, connection=None,
                    memory_limit: str | None = "4GB", threads: int | None = 2,
                    temp_directory: str | Path | None = None) -> "DuckTables":
        """Views over ``<folder>/{contacts,events,orders}.{parquet,csv,csv.gz}``.

        Nothing is read until a query runs; each query scans the files (Parquet: only the
        columns and row groups it needs). Columns are cast to the canonical types; a missing
        ``refund_amount`` is ``amount`` for refunded orders and 0 otherwise (as in
        :mod:`analysis.schema`); naive timestamps are local time in ``tz``.
        """
        folder = Path(folder)
        owned = connection is None
        con = connection if connection is not None else duckdb_connection(
            memory_limit=memory_limit, threads=threads, temp_directory=temp_directory, tz=tz)
        if not owned:
            con.execute(f"SET TimeZone = {sql_str(tz)}")
        views, files = {}, {}
        for name in TABLES:
            path = find_file(folder, name)
            files[name] = path
            views[name] = _file_view(con, name, path)
        return cls(con=con, views=views, tz=tz, files=files, _owned=owned)

    @classmethod
    def from_frames(cls, contacts: pd.DataFrame | None = None,
                    events: pd.DataFrame | None = None, orders: pd.DataFrame | None = None, *,
                    tz: str | None = None, connection=None,
                    engine: str | Engine = "duckdb") -> "DuckTables":
        """Register pandas frames as the canonical views (DuckDB scans them in place)."""
        frames = {"contacts": contacts, "events": events, "orders": orders}
        if tz is None:
            tz = next((str(f[SCHEMAS[n].time_col].dtype.tz) for n, f in frames.items()
                       if f is not None and getattr(f[SCHEMAS[n].time_col].dtype, "tz", None)),
                      DEFAULT_TZ)
        owned = connection is None
        eng = resolve_engine(engine)
        con = connection if connection is not None else Engine(
            "duckdb", eng.memory_limit, eng.threads, eng.temp_directory).connect(tz=tz)
        tables = cls(con=con, views={}, tz=tz, _owned=owned)
        for name, frame in frames.items():
            if frame is not None:
                tables.add_frame(name, frame)
        return tables

    def add_frame(self, name: str, frame: pd.DataFrame) -> None:
        """Register ``frame`` as the canonical table ``name`` (columns cast to the canonical
        types); any other ``name`` (e.g. ``transactions``) is registered as it is."""
        raw = f"_df_{name}_{id(frame):x}"
        self.con.register(raw, frame)
        if name not in TABLES:
            self.views[name] = raw
            return
        cols = list(frame.columns)
        view = f"{name}_v_{id(frame):x}"
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS "
                         f"SELECT {_select_list(name, cols, raw)} FROM {raw}")
        self.views[name] = view

    def check(self) -> pd.DataFrame:
        """Cheap checks in SQL (rows per table, missing ids or times, negative amounts,
        refunds above the amount); one row per table. ``load_tables`` does the full job."""
        con, v = self.con, self.views
        rows = []
        for name in TABLES:
            if name not in v:
                continue
            tcol = SCHEMAS[name].time_col
            q = (f"SELECT count(*), count(*) FILTER (WHERE user_id IS NULL), "
                 f"count(*) FILTER (WHERE {tcol} IS NULL) FROM {v[name]}")
            n, no_id, no_time = con.execute(q).fetchone()
            bad = 0
            if name == "orders":
                bad = con.execute(f"SELECT count(*) FROM {v[name]} WHERE amount < 0 OR "
                                  "refund_amount < 0 OR refund_amount > amount").fetchone()[0]
            rows.append({"table": name, "rows": int(n), "missing_user_id": int(no_id),
                         "missing_time": int(no_time), "bad_amounts": int(bad)})
        return pd.DataFrame(rows)


def _select_list(name: str, cols: list[str], source_hint: str = "") -> str:
    """SELECT expressions casting the canonical columns of table ``name`` (extras kept)."""
    schema = SCHEMAS[name]
    exprs = []
    for c in schema.columns:
        if c.name not in cols:
            if c.name == "refund_amount":
                exprs.append("CASE WHEN CAST(is_refund AS BOOLEAN) THEN CAST(amount AS DOUBLE) "
                             "ELSE 0.0 END AS refund_amount")
                continue
            if c.required:
                raise ValueError(f"{source_hint or name}: missing required column {c.name!r}")
            exprs.append(f"CAST(NULL AS {_SQL_TYPES[c.kind]}) AS {c.name}")
            continue
        exprs.append(f"CAST({_q(c.name)} AS {_SQL_TYPES[c.kind]}) AS {c.name}")
    exprs += [_q(c) for c in cols if c not in schema.names]
    return ", ".join(exprs)


def _q(col: str) -> str:
    return '"' + str(col).replace('"', '""') + '"'


def _file_view(con, name: str, path: Path) -> str:
    p = sql_str(str(path))
    if path.suffix == ".parquet":
        src = f"read_parquet({p})"
    else:
        # every column as text first, then the canonical casts (ids stay strings: no
        # leading zero or long id is ever read as a number)
        src = f"read_csv({p}, all_varchar = true, header = true)"
    cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()]
    if path.suffix != ".parquet" and "is_refund" in cols:
        src = (f"(SELECT * REPLACE (lower(trim(is_refund)) IN {sql_list(_BOOL_TRUE)} "
               f"AS is_refund) FROM {src})")
    view = f"{name}_file_{next(_VIEW_IDS)}"  # several folders may share one connection
    select = _select_list(name, cols, str(path))
    con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT {select} FROM {src}")
    return view


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
    """A time column fetched from DuckDB as ``datetime64[us, tz]`` (NaT stays NaT)."""
    s = pd.Series(values)
    if getattr(s.dtype, "tz", None) is None:
        s = pd.to_datetime(s, utc=True)
    return s.dt.tz_convert(tz).astype(f"datetime64[us, {tz}]")


class DuckInputs:
    """The view of each data argument of one aggregation call, on one connection.

    Arguments may be :class:`DuckTable` (e.g. ``duck.events``), a whole :class:`DuckTables`
    or pandas frames; frames are registered on the connection of the DuckDB arguments (or on a
    new one, closed by :meth:`close`)."""

    def __init__(self, engine: str | Engine, *, tz: str | None = None, **args):
        eng = resolve_engine(engine)
        if eng.name != "duckdb":
            raise ValueError("DuckInputs is for engine='duckdb'")
        owners = {id(a.tables if isinstance(a, DuckTable) else a):
                  (a.tables if isinstance(a, DuckTable) else a)
                  for a in args.values() if isinstance(a, (DuckTable, DuckTables))}
        if len(owners) > 1:
            raise ValueError("DuckDB inputs of one call must come from one DuckTables")
        self.views: dict[str, str] = {}
        if owners:
            self.tables = next(iter(owners.values()))
            self._own = False
        else:
            frames = {k: v for k, v in args.items() if isinstance(v, pd.DataFrame)}
            self.tables = DuckTables.from_frames(engine=eng, tz=tz or _frames_tz(frames))
            self._own = True
        self.tz = self.tables.tz
        self.con = self.tables.con
        self._registered = []
        for name, arg in args.items():
            if isinstance(arg, DuckTable):
                self.views[name] = arg.view
            elif isinstance(arg, DuckTables):
                self.views[name] = arg.views[name]
            elif isinstance(arg, pd.DataFrame):
                before = self.tables.views.get(name)
                self.tables.add_frame(name, arg)
                self.views[name] = self.tables.views[name]
                self._registered.append((name, before))
            else:
                raise TypeError(f"{name}: expected a pandas DataFrame, DuckTable or DuckTables "
                                f"with engine='duckdb', got {type(arg).__name__}")

    def df(self, sql: str) -> pd.DataFrame:
        return self.con.execute(sql).df()

    def scalar(self, sql: str):
        return self.con.execute(sql).fetchone()[0]

    def close(self) -> None:
        if self._own:
            self.tables.close()
            return
        for name, before in self._registered:  # leave the caller's DuckTables as it was
            if before is None:
                self.tables.views.pop(name, None)
            else:
                self.tables.views[name] = before

    def __enter__(self) -> "DuckInputs":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _frames_tz(frames: dict[str, pd.DataFrame]) -> str:
    for name in TABLES:
        f = frames.get(name)
        if f is not None:
            tz = getattr(f[SCHEMAS[name].time_col].dtype, "tz", None)
            if tz is not None:
                return str(tz)
    return DEFAULT_TZ


def is_duck(obj) -> bool:
    """True for the DuckDB-side inputs (:class:`DuckTable`, :class:`DuckTables`)."""
    return isinstance(obj, (DuckTable, DuckTables))
