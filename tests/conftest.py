import os

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")
os.environ.setdefault("TQDM_DISABLE", "1")

from analysis.data.load import load_tables  # noqa: E402
from analysis.paths import resolve  # noqa: E402


@pytest.fixture(scope="session")
def cdnow_weeks() -> pd.DataFrame:
    """The CDNOW sample summarised as lifetimes does (weeks of 7 days), for the LTV tests."""
    from analysis.aggregate.transactions import summarize_transactions
    from analysis.simulate.cdnow import load_cdnow_sample

    return summarize_transactions(
        load_cdnow_sample(),
        customer_col="customer_id",
        time_col="date",
        amount_col="dollars",
        observation_end="1997-09-30",
        freq="D",
        freq_multiplier=7,
    )


def require_spark() -> None:
    """Skip a Spark test where Spark cannot run (no pyspark, no Java) on a developer's machine;
    in CI (``CI`` set) that is a failure: ``make env`` installs both."""
    import shutil

    reason = None
    try:
        import pyspark  # noqa: F401
    except ImportError:
        reason = "pyspark is not installed"
    if reason is None and not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        reason = "no Java runtime for Spark (make env installs openjdk-17-jre-headless)"
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"Spark tests cannot run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module", params=["duckdb", "spark"])
def eng(request):
    """The SQL engine under test: DuckDB, then Spark (local mode). A test taking it (directly
    or through a fixture) runs once per engine."""
    if request.param == "spark":
        require_spark()
    return request.param


def from_folder(eng: str, folder):
    """The canonical tables of ``folder`` on SQL engine ``eng``."""
    from analysis.engine.tables import DuckTables, SparkTables

    if eng == "duckdb":
        return DuckTables.from_folder(folder, memory_limit="1GB")
    return SparkTables.from_folder(folder)


@pytest.fixture(scope="session")
def sample_tables():
    """The committed sample, loaded once per test session (do not mutate)."""
    return load_tables(resolve("data/sample"))


def write_tables(folder, contacts: str, events: str, orders: str, *, encoding="utf-8"):
    """Write three CSV texts as a data folder and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (("contacts", contacts), ("events", events), ("orders", orders)):
        (folder / f"{name}.csv").write_bytes(text.encode(encoding))
    return folder


CONTACTS = """user_id,joined_at,channel,hook,referrer_id
007,2025-01-01 10:00:00,douyin,coupon,
008,2025-01-02 10:00:00,referral,trial,007
009,2025-01-03 10:00:00,offline_event,merch,
"""
EVENTS = """user_id,occurred_at,event_type,value,context
007,2025-01-01 09:00:00,qr_scan,,public
007,2025-01-01 10:00:00,contact_add,,1v1
007,2025-01-05 10:00:00,share,,moments
008,2025-01-03 10:00:00,message,,group
009,2025-01-04 10:00:00,review,2,group
"""
ORDERS = """order_id,user_id,ordered_at,amount,is_refund
A1,007,2025-01-02 12:00:00,100.0,false
A2,008,2025-01-04 12:00:00,50,true
A3,007,2025-01-09 12:00:00,30.5,0
"""


@pytest.fixture
def tiny_folder(tmp_path):
    return write_tables(tmp_path / "data", CONTACTS, EVENTS, ORDERS)


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="Asia/Shanghai")
