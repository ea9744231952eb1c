"""What a report notebook calls: :func:`report_inputs` (its set-up: CJK font, the validated
tables, the simulator's truth where present), :func:`save_table` (every result table, so two
runs can be compared byte for byte) and :func:`headline` (the one-sentence finding shown on
the index). Outside a report run (e.g. in JupyterLab) both only return / display.

Building the HTML reports is :mod:`analysis.reports.build`; provenance is
:mod:`analysis.reports.provenance`. :class:`ShownTable` shows a table whose cells name
identifiers (a parameter, a file, a column) in backticks with those as ``<code>``, and
:func:`ledger_table` the row ledger in the report's language.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from analysis.data.errors import relative_ledger
from analysis.paths import resolve
from analysis.reuse import reused

TABLES_ENV = "ANALYSIS_REPORT_TABLES"
#: File (JSON lines) where a report run records the text of every figure it shows: titles,
#: axis labels, tick labels, legends, annotations — what a reader sees in the PNG.
FIGURE_TEXTS_ENV = "ANALYSIS_FIGURE_TEXTS"


def shown_number(x: float) -> str:
    """A number as a report's tables show it (the saved tables keep every digit): whole
    numbers with thousands separators (``4,269``, not ``4269.0``), amounts from 1,000 on
    without decimals, from 1 on with two, and small numbers (rates, p-values) with three
    significant digits (``0.301``, ``0.000123``)."""
    import math

    if not math.isfinite(x):
        return str(x)
    a = abs(x)
    if x == int(x) and a < 1e15:
        return f"{int(x):,}"
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 1:
        return f"{x:,.2f}"
    return f"{x:.3g}"


def record_figure_texts() -> None:
    """When :data:`FIGURE_TEXTS_ENV` is set (a report run), append the visible text of every
    figure drawn from now on to that file, one JSON line per figure, so a test can read what a
    figure says (e.g. that a Chinese report's ticks and legends are Chinese)."""
    import json

    from matplotlib.backend_bases import FigureCanvasBase
    from matplotlib.text import Text

    if not os.environ.get(FIGURE_TEXTS_ENV) or getattr(
        FigureCanvasBase.print_figure, "_records_texts", False
    ):
        return
    original = FigureCanvasBase.print_figure

    def print_figure(self, *args, **kwargs):
        out = original(self, *args, **kwargs)  # draws, so tick labels carry their text
        target = os.environ.get(FIGURE_TEXTS_ENV)  # (read now: a shared kernel's runs differ)
        if not target:
            return out
        texts = [
            t.get_text()
            for t in self.figure.findobj(Text)
            if t.get_visible() and t.get_text().strip()
        ]
        with open(target, "a", encoding="utf-8") as f:
            f.write(json.dumps(texts, ensure_ascii=False) + "\n")
        return out

    print_figure._records_texts = True
    FigureCanvasBase.print_figure = print_figure


def _tables_dir() -> Path | None:
    folder = os.environ.get(TABLES_ENV)
    return Path(folder) if folder else None


def save_table(df, name: str):
    """Save a result table of the running report as CSV (stable float format); returns ``df``.

    The file is ``$ANALYSIS_REPORT_TABLES/<name>.csv``, set by :func:`run_report`; when the
    variable is unset (interactive use) nothing is written.
    """
    folder = _tables_dir()
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        keep_index = any(n is not None for n in df.index.names)
        df.to_csv(
            folder / f"{name}.csv", index=keep_index, float_format="%.10g", lineterminator="\n"
        )
    return df


def headline(text: str):
    """Record the report's headline finding (shown in ``index.html``) and display it."""
    from IPython.display import Markdown

    folder = _tables_dir()
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "headline.txt").write_text(text.strip() + "\n", encoding="utf-8")
    return Markdown(f"**{text}**")


@dataclass(frozen=True)
class ReportInputs:
    """What a report notebook reads: the validated tables and, on simulated data, the truth."""

    tables: Any
    truth_users: Any = None
    truth_params: dict | None = None
    truth_files: tuple = ()

    @property
    def has_truth(self) -> bool:
        return self.truth_users is not None


def report_inputs(
    data_dir: str | Path,
    *,
    vocabulary=None,
    truth_dir: str | Path = "",
    lang: str = "en",
    engine="pandas",
    observed_until=None,
) -> ReportInputs:
    """Set up a report: the CJK font for ``lang="zh"``, the tables of ``data_dir`` and the
    simulator's truth where ``truth_dir`` holds one (empty or missing: none, as on real data).

    ``engine="pandas"``: the tables are loaded and checked by
    :func:`analysis.data.load.load_tables`.
    ``engine="duckdb"`` / ``"spark"``: they stay on disk as the views of a
    :class:`~analysis.engine.DuckTables` / :class:`~analysis.engine.SparkTables` (canonical
    Parquet or CSV files, e.g. the simulator's output or tables that passed ``load_tables``
    once); only what a report's SQL aggregations return comes into memory.
    ``engine="auto"``: the engine follows the data (:func:`data_engine`): DuckDB on a
    prepared store, pandas otherwise.
    ``observed_until`` (pandas only): rows after it are dropped, and counted in the ledger."""
    from analysis.i18n import check_lang
    from analysis.plots.base import use_cjk_font
    from analysis.simulate import read_truth

    if check_lang(lang) == "zh":
        use_cjk_font()
    record_figure_texts()
    import pandas as pd

    pd.set_option("display.float_format", shown_number)
    tables = open_tables(
        resolve(data_dir), engine=engine, vocabulary=vocabulary, observed_until=observed_until
    )
    if truth_dir and (resolve(truth_dir) / "users.csv.gz").is_file():
        users, params, files = read_truth(resolve(truth_dir))
        return ReportInputs(tables, users, params, tuple(files))
    return ReportInputs(tables)


def in_memory(table):
    """``table`` as a pandas frame: a table of a :class:`~analysis.engine.DuckTables` /
    :class:`~analysis.engine.SparkTables` is read into memory (for the small tables, e.g. one
    row per contact), a frame is returned as it is."""
    from analysis.engine.tables import is_sql_table

    return table.to_pandas() if is_sql_table(table) else table


def data_engine(folder: str | Path, engine="auto", *, observed_until=None):
    """The engine a report's scans of ``folder`` run on: ``engine`` as given, or for
    ``"auto"`` (the reports' default) the one that follows the data — ``"duckdb"`` when
    ``folder`` is a prepared store (``prepare.json``, written by ``python -m analysis
    prepare``) whose contacts, events and orders are Parquet files (canonical tables on disk,
    read out of core), ``"pandas"`` otherwise (raw exports and CSV tables, which
    :func:`~analysis.data.load.load_tables` checks and repairs; ``report --data`` prepares
    those into a store first). ``observed_until`` (pandas only) makes ``"auto"`` pandas."""
    from analysis.data.store import is_store
    from analysis.engine.tables import AUTO

    if not (isinstance(engine, str) and engine == AUTO):
        return engine
    folder = resolve(folder)
    if observed_until is not None or not is_store(folder):
        return "pandas"
    parquet = all((folder / f"{t}.parquet").is_file() for t in ("contacts", "events", "orders"))
    return "duckdb" if parquet else "pandas"


@reused
def open_tables(folder: Path, *, engine="pandas", vocabulary=None, observed_until=None):
    """The tables of ``folder`` for ``engine`` (see :func:`report_inputs`; ``"auto"``: see
    :func:`data_engine`)."""
    from analysis.data.errors import DataError
    from analysis.data.load import load_tables
    from analysis.data.read import find_table_file
    from analysis.engine.core import resolve_engine
    from analysis.engine.tables import DuckTables, SparkTables

    engine = data_engine(folder, engine, observed_until=observed_until)
    name = resolve_engine(engine).name
    if name == "pandas":
        tables = load_tables(folder, vocabulary=vocabulary, observed_until=observed_until)
        tables.ledger = relative_ledger(tables.ledger, folder)
        return tables
    if observed_until is not None:
        raise ValueError(f"observed_until is for engine='pandas' only, not {name!r}")
    try:
        for table in ("contacts", "events", "orders"):
            find_table_file(folder, table)
    except DataError as exc:
        raise DataError(
            str(folder),
            None,
            f"engine={name!r} reads the canonical tables straight from disk: {exc.problem}",
            hint="raw exports go through engine='pandas' (load_tables and the adapters) once; "
            "save those tables as Parquet to use them out of core",
        ) from None
    from analysis.data.schema import DEFAULT_TZ
    from analysis.data.store import store_tz
    from analysis.data.vocab import load_vocabulary

    cls = DuckTables if name == "duckdb" else SparkTables
    tables = cls.from_folder(folder, tz=store_tz(folder) or DEFAULT_TZ)
    if vocabulary is None and (folder / "vocabulary.yaml").is_file():
        vocabulary = folder / "vocabulary.yaml"
    tables.vocabulary = load_vocabulary(vocabulary)
    tables.ledger = sql_ledger(tables, folder)
    return tables


def sql_ledger(tables, folder: Path):
    """The row ledger of tables read by DuckDB / Spark from ``folder``, as
    :func:`~analysis.data.load.load_tables` writes it for canonical files that need no repair:
    the store's own ledger first (``prepare: `` steps, where ``folder`` is a prepared store),
    then a ``read`` and a ``final`` line per table with its rows (counted in SQL; a Parquet
    file's count is in its metadata). These engines do not check or repair (see
    :mod:`analysis.engine`), so nothing is dropped or repaired after the store's own steps."""
    from analysis.data.errors import Ledger
    from analysis.data.store import stored_ledger
    from analysis.engine.tables import TABLES

    ledger = stored_ledger(folder) or Ledger()
    rows = {name: len(getattr(tables, name)) for name in TABLES}
    for name, n in rows.items():
        path = Path(str(tables.files[name]))
        # DuckDB and Spark read text files as UTF-8 (load_tables names the encoding it read)
        detail = path.name if path.suffix == ".parquet" else f"{path.name} (encoding utf-8)"
        ledger.add(name, "read", rows_in=n, rows_out=n, detail=detail)
    for name, n in rows.items():
        ledger.add(name, "final", rows_in=n, rows_out=n)
    return relative_ledger(ledger.to_frame(), folder)


def _parameters_cell(notebook: str | Path) -> str:
    """The source of a report notebook's ``parameters`` cell ("" when it has none)."""
    text = resolve(notebook).read_text(encoding="utf-8")
    cell = text.split('# %% tags=["parameters"]', 1)
    return cell[1].split("\n# %%", 1)[0] if len(cell) == 2 else ""


def declared_parameters(notebook: str | Path) -> list[str]:
    """Names assigned in a report notebook's ``parameters`` cell, in order."""
    return re.findall(r"^([A-Za-z_]\w*)\s*=", _parameters_cell(notebook), flags=re.M)


def parameter_defaults(notebook: str | Path) -> dict[str, Any]:
    """The value each parameter of ``notebook`` has when nothing is passed (the literals of
    its ``parameters`` cell)."""
    import ast

    source = _parameters_cell(notebook)
    out, computed = {}, None
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            try:
                out[name] = ast.literal_eval(node.value)
            except ValueError:  # e.g. LABEL_DEFAULTS["horizon_days"]: run the cell once
                if computed is None:
                    computed = {}
                    exec(compile(source, str(notebook), "exec"), computed)
                out[name] = computed[name]
    return out


def report_parameters(namespace: Mapping[str, Any], *, notebook: str | Path) -> dict[str, Any]:
    """The report's parameters as they are now: every name of ``notebook``'s ``parameters``
    cell with its value in ``namespace`` (the notebook's ``globals()``, after papermill
    injected the run's values), for the provenance table — never retyped by hand.

    >>> report_parameters(globals(), notebook="notebooks/churn.py")  # doctest: +SKIP
    """
    names = declared_parameters(notebook)
    missing = [n for n in names if n not in namespace]
    if missing:
        raise KeyError(f"{notebook}: parameters {missing} are not defined in the namespace given")
    return {n: namespace[n] for n in names}


_CODE_SPAN = re.compile(r"`([^`]+)`")


class ShownTable:
    """A table as a Chinese page shows it: every text cell (and header) escaped, and its
    backtick spans (identifiers a reader types: a parameter, a file, a column) as ``<code>``,
    which the page's language check spares. ``frame`` is the table itself; the plain-text
    rendering is the frame's."""

    def __init__(self, frame):
        self.frame = frame

    @staticmethod
    def _cell(value):
        if not isinstance(value, str):
            return value
        return _CODE_SPAN.sub(r"<code>\1</code>", html.escape(value))

    def _repr_html_(self) -> str:
        from analysis.reports.pages import MISSING_SHOWN

        df = self.frame.copy()
        for c in df.columns:
            if df[c].dtype == object or _is_text(df[c]):
                df[c] = df[c].map(self._cell)
        df.columns = [self._cell(c) for c in df.columns]
        return df.to_html(escape=False, na_rep=MISSING_SHOWN, border=1)

    def __repr__(self) -> str:
        return repr(self.frame)


def shown_table(frame, lang: str = "en", *, code=()):
    """``frame`` as a page in ``lang`` shows it: in English the frame itself; in Chinese a
    :class:`ShownTable` whose ``code`` columns (identifiers a reader types, e.g. event types;
    named as in ``frame`` or by their untranslated name) are shown as code."""
    from analysis.i18n import tr

    if lang == "en":
        return frame
    out = frame.copy()
    for c in code:
        col = c if c in out.columns else tr(c, lang)
        out[col] = out[col].map(lambda v: f"`{v}`" if isinstance(v, str) and v else v)
    return ShownTable(out)


def _is_text(column) -> bool:
    import pandas as pd

    return pd.api.types.is_string_dtype(column)


def _translated(text: str, patterns, lang: str) -> str:
    """``text`` through the first of ``patterns`` (``(regex, template)``) that matches it
    whole; a group outside backticks is translated where a term exists (``tr``), one inside
    them is an identifier and stays; ``text`` unchanged when no pattern matches."""
    from analysis.i18n import tr

    for pattern, template in patterns:
        m = re.fullmatch(pattern, text)
        if m:
            groups = [
                g if f"`{{{i}}}`" in template else tr(g, lang) for i, g in enumerate(m.groups())
            ]
            return template.format(*groups)
    return text


def ledger_table(ledger, lang: str = "en"):
    """The row ledger (``table``, ``step``, ``rows_in``, ``kept``, ``dropped``, ``repaired``,
    ``detail``) as a report shows it: in English the frame with its table names as they are;
    in Chinese a :class:`ShownTable` with the tables, steps and details in Chinese (patterns
    :data:`analysis.i18n.common.LEDGER_STEPS` / ``LEDGER_DETAILS``; a step without a
    translation is shown as it is) and file and column names as code."""
    from analysis.i18n import tr_frame
    from analysis.i18n.common import LEDGER_DETAILS, LEDGER_STEPS

    if lang == "en":
        return tr_frame(ledger, lang, value_columns=["table"])
    from analysis.i18n.common import LEDGER_PREFIXES

    def step(text: str) -> str:
        # a step of `analysis prepare` or of an adapter: its source, then the step
        for prefix, shown in LEDGER_PREFIXES:
            if text.startswith(prefix):
                return shown + step(text[len(prefix) :])
        return _translated(text, LEDGER_STEPS, lang)

    frame = ledger.assign(
        step=ledger["step"].astype(str).map(step),
        detail=ledger["detail"].astype(str).map(lambda s: _translated(s, LEDGER_DETAILS, lang)),
    )
    return ShownTable(tr_frame(frame, lang, value_columns=["table"]))
