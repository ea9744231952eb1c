"""The per-user feature table as of a cut-off (inputs of the churn models).

:func:`churn_features` reads only what happened **strictly before** ``as_of``: moving or
deleting any event or order at or after the cut-off leaves every feature unchanged. One row
per user (index ``user_id``, sorted); the columns are documented in :data:`FEATURE_COLUMNS`
(also as a table by :func:`feature_dictionary`).

Windows (all end at ``as_of``, exclusive):

* the **look-back window** ``[as_of - lookback_days, as_of)`` — five-value evidence (via the
  shared :func:`analysis.aggregate.values.value_evidence`), current stage, group activity;
* the **short** and **long** windows ``[as_of - short_days, as_of)`` and
  ``[as_of - long_days, as_of)`` — counts and rates whose difference is the trend;
* everything before ``as_of`` — recency, frequency and monetary value, tenure.

Rates divide by the exposure ``min(window, tenure)`` (at least one day), so a user who joined
ten days ago is not read as slowing down.

"Current stage" here is a simple version: the highest ladder stage (vocabulary mapping;
purchases evidence ``act``, or ``again`` when the user has bought at least twice) evidenced in
the look-back window. The churn study replaces it with the kit's shared stage assignment
(:func:`analysis.studies.churn.ladder_stage`, on :func:`analysis.studies.flow.assign_stages`),
which this layer cannot import.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from analysis.aggregate.rules import NET_AMOUNT_SQL, net_amount
from analysis.aggregate.time import as_timestamp, tz_of
from analysis.aggregate.values import EVIDENCE_DECIMALS, value_evidence
from analysis.data.vocab import STAGES, VALUES, Vocabulary, load_vocabulary
from analysis.engine.core import is_sql_engine, return_free_memory
from analysis.engine.dialect import sql_instant, sql_list, sql_str
from analysis.engine.tables import SqlInputs, infer_engine, is_sql_table

DAY_S = 86_400.0

#: Feature columns (name → meaning). ``ev_<value>`` columns are the raw five-value evidence.
FEATURE_COLUMNS: dict[str, str] = {
    "channel": "acquisition channel (contacts.channel)",
    "hook": "hook the user came in on (contacts.hook)",
    "referred": "1 if the user was referred by another contact (老带新), else 0",
    "tenure_days": "days from joining to the cut-off",
    "days_since_last_interaction": "days from the last interaction event (vocabulary "
    "interaction types) to the cut-off; NaN if none",
    "days_since_last_order": "recency: days from the last paid order (net amount > 0) to the "
    "cut-off; NaN if the user never bought",
    "orders_total": "frequency: paid orders before the cut-off (all history)",
    "net_spend_total": "monetary: net order amount (amount - refund) before the cut-off",
    "refunds_total": "orders with a refund before the cut-off",
    "interactions_short": "interaction events in the short window",
    "interactions_long": "interaction events in the long window",
    "interaction_rate_short": "interaction events per day in the short window (per day of "
    "exposure)",
    "interaction_rate_long": "interaction events per day in the long window (per day of exposure)",
    "interaction_trend": "interaction_rate_short - interaction_rate_long (negative: slowing down)",
    "orders_short": "paid orders in the short window",
    "orders_long": "paid orders in the long window",
    "order_trend": "paid orders per day, short window minus long window",
    "group_events": "events in a group context in the look-back window",
    "group_quits": "group_quit events in the look-back window",
    "in_group": "1 if the user's last group join before the cut-off is later than their last "
    "group quit, else 0",
    "stage_rank": "ladder stage at the cut-off (1 = aware ... 9 = ambassador; 0 = silent, "
    "lost or none; the churn study uses the shared stage assignment)",
    "stage": "name of that stage ('none' when stage_rank is 0)",
    **{
        f"ev_{v}": f"{v} evidence in the look-back window (value_evidence: "
        f"{'net spend' if v == 'consumption' else 'event count'})"
        for v in VALUES
    },
}


def feature_dictionary() -> pd.DataFrame:
    """:data:`FEATURE_COLUMNS` as a two-column table (feature, meaning)."""
    return pd.DataFrame(list(FEATURE_COLUMNS.items()), columns=["feature", "meaning"])


def _epoch_seconds(s: pd.Series) -> np.ndarray:
    """Seconds since the epoch (UTC) of a datetime column, as float64, without objects."""
    unit = getattr(s.dtype, "unit", "ns")
    per_s = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}[unit]
    return s.array.asi8 / per_s


def _codes(values: pd.Series, index: pd.Index) -> np.ndarray:
    """Position of each value in ``index`` (-1 if absent or missing). Factorises first, so
    only the distinct values are looked up (fast on tens of millions of string ids)."""
    k, uniques = pd.factorize(values, use_na_sentinel=True)
    look = np.append(index.get_indexer(pd.Index(uniques, dtype=index.dtype)), -1)
    return look[np.where(k < 0, look.size - 1, k)]


def _count(
    codes: np.ndarray, mask: np.ndarray | None, n: int, weights: np.ndarray | None = None
) -> np.ndarray:
    if mask is not None:
        codes = codes[mask]
        weights = None if weights is None else weights[mask]
    return np.bincount(codes, weights=weights, minlength=n).astype("float64")


def _round_sum(x: np.ndarray) -> np.ndarray:
    """A sum of amounts rounded to ``EVIDENCE_DECIMALS`` (as the five-value evidence), so its
    last bits do not depend on the order of addition (which differs between engines)."""
    return np.round(x, EVIDENCE_DECIMALS) + 0.0


def _min_at(codes: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    out = np.full(n, np.inf)
    np.minimum.at(out, codes, values)
    return np.where(np.isinf(out), np.nan, out)


def churn_features(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    as_of,
    lookback_days: float = 180,
    short_days: float = 30,
    long_days: float = 90,
    users: pd.Series | None = None,
    vocabulary: Vocabulary | None = None,
    engine=None,
) -> pd.DataFrame:
    """One row per user with the features of :data:`FEATURE_COLUMNS` as of ``as_of``.

    Parameters
    ----------
    contacts, events, orders
        Canonical tables (see :func:`analysis.data.load.load_tables`); not modified.
    as_of
        The cut-off (required). Only rows with a time strictly before it are read.
    lookback_days, short_days, long_days
        Window lengths in days (``short_days < long_days``).
    users
        Which users get a row (default: contacts who joined before ``as_of``). Users not in
        ``contacts`` are an error.
    engine
        ``"duckdb"`` / ``"spark"``: the scans of events and orders run as SQL queries
        (:mod:`analysis.engine`) and only per-user counts and times come back; the tables may
        be those of a :class:`~analysis.engine.DuckTables` / :class:`SparkTables` read from
        disk. The table is the same. ``None`` (default) follows the inputs.
    """
    if not 0 < short_days < long_days:
        raise ValueError(f"need 0 < short_days < long_days, got {short_days}, {long_days}")
    if lookback_days <= 0:
        raise ValueError(f"lookback_days must be positive, got {lookback_days}")
    vocab = load_vocabulary(vocabulary)
    engine = infer_engine(engine, contacts, events, orders)
    if is_sql_engine(engine):
        return _churn_features_sql(
            contacts,
            events,
            orders,
            as_of=as_of,
            lookback_days=lookback_days,
            short_days=short_days,
            long_days=long_days,
            users=users,
            vocab=vocab,
            engine=engine,
        )
    tz = tz_of(contacts["joined_at"])
    cut = as_timestamp(as_of, tz=tz, name="as_of")
    c_s = cut.value / 1e9

    joined_s = _epoch_seconds(contacts["joined_at"])
    if users is None:
        ids = pd.Index(
            np.sort(contacts.loc[joined_s < c_s, "user_id"].to_numpy()), dtype="str", name="user_id"
        )
    else:
        ids = pd.Index(
            np.sort(pd.unique(pd.Series(users, dtype="str"))), dtype="str", name="user_id"
        )
    n = len(ids)
    cpos = pd.Index(contacts["user_id"]).get_indexer(ids)
    if (cpos < 0).any():
        missing = ids[cpos < 0][:3].tolist()
        raise ValueError(f"users not found in contacts, e.g. {missing}")
    con = contacts.iloc[cpos]
    tenure = (c_s - joined_s[cpos]) / DAY_S
    exposure = lambda days: np.maximum(np.minimum(days, tenure), 1.0)  # noqa: E731

    # ---- events strictly before the cut-off, as integer codes (no string copies)
    ev_s = _epoch_seconds(events["occurred_at"])
    code = _codes(events["user_id"], ids)
    keep = (ev_s < c_s) & (code >= 0)
    code = code[keep]
    age = (c_s - ev_s[keep]) / DAY_S
    type_names = list(vocab.event_types)
    tcode = _codes(events["event_type"], pd.Index(type_names))[keep]
    is_group = _codes(events["context"], pd.Index(["group"]))[keep] == 0
    is_inter = np.isin(
        np.arange(len(type_names)), [type_names.index(t) for t in vocab.interaction_types]
    )[tcode]
    ranks = _stage_of_type(vocab)
    stage_of_type = np.array([ranks.get(t, 0) for t in vocab.event_types], dtype=np.int64)
    in_lb = age <= lookback_days

    out = _contact_columns(ids, con, tenure)
    out["days_since_last_interaction"] = _min_at(code[is_inter], age[is_inter], n)

    # ---- orders strictly before the cut-off
    o_s = _epoch_seconds(orders["ordered_at"])
    ob = o_s < c_s
    ocode = _codes(orders["user_id"], ids)[ob]
    oage = (c_s - o_s[ob]) / DAY_S
    net = net_amount(orders).to_numpy()[ob]
    refunded = orders["is_refund"].to_numpy(dtype=bool)[ob]
    ok = ocode >= 0
    ocode, oage, net, refunded = ocode[ok], oage[ok], net[ok], refunded[ok]
    paid = net > 0
    out["days_since_last_order"] = _min_at(ocode[paid], oage[paid], n)
    out["orders_total"] = _count(ocode, paid, n)
    out["net_spend_total"] = _round_sum(_count(ocode, None, n, weights=net))
    out["refunds_total"] = _count(ocode, refunded, n)

    # ---- short versus long windows
    for w, days in (("short", short_days), ("long", long_days)):
        out[f"interactions_{w}"] = _count(code, is_inter & (age <= days), n)
        out[f"interaction_rate_{w}"] = out[f"interactions_{w}"] / exposure(days)
        out[f"orders_{w}"] = _count(ocode, paid & (oage <= days), n)
    out["interaction_trend"] = out["interaction_rate_short"] - out["interaction_rate_long"]
    out["order_trend"] = out["orders_short"] / exposure(short_days) - out["orders_long"] / exposure(
        long_days
    )

    # ---- group activity
    out["group_events"] = _count(code, is_group & in_lb, n)
    gq = (
        tcode == type_names.index("group_quit")
        if "group_quit" in type_names
        else np.zeros(len(tcode), dtype=bool)
    )
    gj = (
        tcode == type_names.index("group_join")
        if "group_join" in type_names
        else np.zeros(len(tcode), dtype=bool)
    )
    out["group_quits"] = _count(code, gq & in_lb, n)
    last_join = _min_at(code[gj], age[gj], n)
    last_quit = _min_at(code[gq], age[gq], n)
    out["in_group"] = (
        ~np.isnan(last_join) & (np.isnan(last_quit) | (last_join < last_quit))
    ).astype("int64")

    # ---- current stage: highest stage evidenced in the look-back window
    stage = np.zeros(n, dtype=np.int64)
    np.maximum.at(stage, code[in_lb], stage_of_type[tcode[in_lb]])
    o_lb = paid & (oage <= lookback_days)
    _set_stage(out, stage, _count(ocode, o_lb, n) > 0)

    # ---- five-value evidence (the shared building block)
    return _with_evidence(out, events, orders, cut, lookback_days, ids, vocab, engine=None)


def _with_evidence(out, events, orders, cut, lookback_days, ids, vocab, *, engine):
    """``out`` with the five-value evidence columns (``ev_*``) of the look-back, in the
    feature order (both engines; ``engine=None``: the inputs decide)."""
    ev_val = value_evidence(
        events,
        orders,
        as_of=cut,
        lookback_days=lookback_days,
        users=pd.Series(ids, dtype="str"),
        vocabulary=vocab,
        engine=engine,
    )
    for v in VALUES:
        out[f"ev_{v}"] = ev_val[v].reindex(ids).to_numpy()
    return out[list(FEATURE_COLUMNS)]


def _set_stage(out: pd.DataFrame, stage: np.ndarray, bought_in_lb: np.ndarray) -> None:
    """``stage_rank`` / ``stage`` of the churn features (both engines): the highest ladder
    stage of the look-back's events, lifted to ``act`` by a paid order in the look-back and
    to ``again`` by one with two or more paid orders in all."""
    ladder = list(STAGES)
    stage = np.where(bought_in_lb, np.maximum(stage, ladder.index("act") + 1), stage)
    repeat = bought_in_lb & (out["orders_total"].to_numpy() >= 2)
    stage = np.where(repeat, np.maximum(stage, ladder.index("again") + 1), stage)
    out["stage_rank"] = stage
    out["stage"] = np.array(["none"] + ladder, dtype=object)[stage]
    out["stage"] = out["stage"].astype("str")


def _contact_columns(ids, con: pd.DataFrame, tenure: np.ndarray) -> pd.DataFrame:
    """The features read from contacts (both engines): channel, hook, referred, tenure."""
    out = pd.DataFrame(index=ids)
    out["channel"] = con["channel"].to_numpy()
    out["hook"] = con["hook"].to_numpy()
    out["referred"] = (
        con["referrer_id"].notna().to_numpy().astype("int64") if "referrer_id" in con.columns else 0
    )
    out["tenure_days"] = tenure
    return out


def _stage_of_type(vocab: Vocabulary) -> dict[str, int]:
    ladder = list(STAGES)
    return {t: ladder.index(e.stage) + 1 for t, e in vocab.event_types.items() if e.stage in ladder}


def churn_features_many(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    cutoffs: Sequence,
    users: Sequence | None = None,
    lookback_days: float = 180,
    short_days: float = 30,
    long_days: float = 90,
    vocabulary: Vocabulary | None = None,
    engine=None,
) -> list[pd.DataFrame]:
    """:func:`churn_features` at each of ``cutoffs`` (``users``: one selection per cut-off,
    or None for the default of each), the same tables. On DuckDB / Spark one query per table
    reads the events and the orders once for all cut-offs (per-user counts and latest times
    of each cut-off side by side); on pandas it is a loop."""
    cutoffs = list(cutoffs)
    users = [None] * len(cutoffs) if users is None else list(users)
    if len(users) != len(cutoffs):
        raise ValueError(f"{len(cutoffs)} cut-offs but {len(users)} user selections")
    engine = infer_engine(engine, contacts, events, orders)
    kw = dict(
        lookback_days=lookback_days, short_days=short_days, long_days=long_days, engine=engine
    )
    if not is_sql_engine(engine):
        return [
            churn_features(contacts, events, orders, as_of=c, users=u, vocabulary=vocabulary, **kw)
            for c, u in zip(cutoffs, users)
        ]
    if not 0 < short_days < long_days:
        raise ValueError(f"need 0 < short_days < long_days, got {short_days}, {long_days}")
    if lookback_days <= 0:
        raise ValueError(f"lookback_days must be positive, got {lookback_days}")
    return _features_sql_many(
        contacts,
        events,
        orders,
        cutoffs=cutoffs,
        users=users,
        vocab=load_vocabulary(vocabulary),
        **kw,
    )


def _churn_features_sql(contacts, events, orders, *, as_of, users, vocab, **kw) -> pd.DataFrame:
    """The SQL definition of :func:`churn_features` (:func:`_features_sql_many` at one
    cut-off)."""
    return _features_sql_many(
        contacts, events, orders, cutoffs=[as_of], users=[users], vocab=vocab, **kw
    )[0]


def _features_sql_many(
    contacts,
    events,
    orders,
    *,
    cutoffs,
    users,
    lookback_days,
    short_days,
    long_days,
    vocab: Vocabulary,
    engine,
) -> list[pd.DataFrame]:
    """The SQL definition of :func:`churn_features` at several cut-offs: one query per table
    returns per-user counts, sums and latest times for every cut-off (columns ``<name>_<k>``);
    each cut-off's features are finished here exactly as on pandas (the same float
    arithmetic on the same per-user numbers)."""
    people = contacts.to_pandas() if is_sql_table(contacts) else contacts
    tz = tz_of(people["joined_at"])
    cuts = [as_timestamp(c, tz=tz, name="as_of") for c in cutoffs]
    inter = sql_list(vocab.interaction_types)
    stage_case = (
        "CASE event_type "
        + " ".join(f"WHEN {sql_str(t)} THEN {k}" for t, k in _stage_of_type(vocab).items())
        + " ELSE 0 END"
    )
    paid = f"({NET_AMOUNT_SQL}) > 0"
    e_cols, o_cols = [], []
    for k, cut in enumerate(cuts):
        c_s = cut.value / 1e9
        before = f"t < {-(-cut.value // 1000)}"  # t < the cut-off (microseconds, exact)

        # the age test of the pandas path, (c_s - t_s) / 86400 <= days, in the same float
        # steps (t_s: the row's CAST(epoch_us) AS DOUBLE / 1e6, computed once per row)
        def within(days: float, c_s=c_s) -> str:
            return f"(({c_s!r} - t_s) / 86400.0) <= {float(days)!r}"

        short, long_, lb = (within(d) for d in (short_days, long_days, lookback_days))
        # (aggregates of CASE expressions: DuckDB runs them faster than FILTER clauses)
        e_cols += [
            f"max(CASE WHEN {before} AND inter THEN t END) AS last_inter_{k}",
            f"count(CASE WHEN {before} AND inter AND {short} THEN 1 END) AS inter_short_{k}",
            f"count(CASE WHEN {before} AND inter AND {long_} THEN 1 END) AS inter_long_{k}",
            f"count(CASE WHEN {before} AND grp AND {lb} THEN 1 END) AS group_events_{k}",
            f"count(CASE WHEN {before} AND gq AND {lb} THEN 1 END) AS group_quits_{k}",
            f"max(CASE WHEN {before} AND gj THEN t END) AS last_join_{k}",
            f"max(CASE WHEN {before} AND gq THEN t END) AS last_quit_{k}",
            f"max(CASE WHEN {before} AND {lb} THEN st END) AS stage_lb_{k}",
        ]
        o_cols += [
            f"max(CASE WHEN {before} AND paid THEN t END) AS last_paid_{k}",
            f"count(CASE WHEN {before} AND paid THEN 1 END) AS orders_total_{k}",
            f"sum(CASE WHEN {before} THEN net END) AS net_spend_{k}",
            f"count(CASE WHEN {before} AND is_refund THEN 1 END) AS refunds_total_{k}",
            f"count(CASE WHEN {before} AND paid AND {within(short_days)} THEN 1 END)"
            f" AS orders_short_{k}",
            f"count(CASE WHEN {before} AND paid AND {within(long_days)} THEN 1 END)"
            f" AS orders_long_{k}",
            f"count(CASE WHEN {before} AND paid AND {within(lookback_days)} THEN 1 END)"
            f" AS bought_lb_{k}",
        ]
    last = sql_instant(max(cuts))
    t_cols = "epoch_us({0}) AS t, CAST(epoch_us({0}) AS DOUBLE) / 1000000.0 AS t_s"
    with SqlInputs(engine, events=events, orders=orders) as db:
        ev, od = db.views["events"], db.views["orders"]
        e_all = db.df(f"""
            SELECT CAST(user_id AS VARCHAR) AS user_id, {", ".join(e_cols)}
            FROM (SELECT user_id, {t_cols.format("occurred_at")},
                      event_type IN {inter} AS inter, context = 'group' AS grp,
                      event_type = 'group_quit' AS gq, event_type = 'group_join' AS gj,
                      {stage_case} AS st
                  FROM {ev} WHERE occurred_at < {last}) e
            GROUP BY user_id""")
        o_all = db.df(f"""
            SELECT CAST(user_id AS VARCHAR) AS user_id, {", ".join(o_cols)}
            FROM (SELECT user_id, {t_cols.format("ordered_at")}, ({paid}) AS paid,
                      {NET_AMOUNT_SQL} AS net, is_refund
                  FROM {od} WHERE ordered_at < {last}) o
            GROUP BY user_id""")
    e_all, o_all = e_all.set_index("user_id"), o_all.set_index("user_id")
    # each cut-off's numbers on their own and the queries' frames let go, so that a window's
    # numbers are freed once its features are built (at 5M contacts the four windows'
    # numbers are GBs, which the last window's evidence query found all still held)
    e_parts = [_columns_of(e_all, k) for k in range(len(cuts))]
    o_parts = [_columns_of(o_all, k) for k in range(len(cuts))]
    del e_all, o_all
    out = []
    for k, (cut, sel) in enumerate(zip(cuts, users)):
        e, o = e_parts[k], o_parts[k]
        e_parts[k] = o_parts[k] = None
        frame = _finish_sql_features(
            people,
            e,
            o,
            cut=cut,
            users=sel,
            lookback_days=lookback_days,
            short_days=short_days,
            long_days=long_days,
        )
        del e, o
        out.append(
            _with_evidence(
                frame, events, orders, cut, lookback_days, frame.index, vocab, engine=engine
            )
        )
        return_free_memory()  # (this window's numbers and lookups, freed above)
    return out


def _columns_of(frame: pd.DataFrame, k: int) -> pd.DataFrame:
    """The columns ``<name>_<k>`` of ``frame`` as ``<name>``, for the users with a row before
    the cut-off ``k`` (as the one-cut-off query returned them)."""
    cols = [c for c in frame.columns if c.rsplit("_", 1)[1] == str(k)]
    return frame[cols].rename(columns=lambda c: c.rsplit("_", 1)[0])


def _finish_sql_features(
    people, e, o, *, cut, users, lookback_days, short_days, long_days
) -> pd.DataFrame:
    """The features of one cut-off from the per-user numbers of the SQL queries (``e``:
    events, ``o``: orders, index ``user_id``), without the five-value evidence."""
    c_s = cut.value / 1e9
    joined_s = _epoch_seconds(people["joined_at"])
    if users is None:
        ids = pd.Index(
            np.sort(people.loc[joined_s < c_s, "user_id"].astype("str").to_numpy()),
            dtype="str",
            name="user_id",
        )
    else:
        ids = pd.Index(
            np.sort(pd.unique(pd.Series(users, dtype="str"))), dtype="str", name="user_id"
        )
    cpos = pd.Index(people["user_id"].astype("str")).get_indexer(ids)
    if (cpos < 0).any():
        missing = ids[cpos < 0][:3].tolist()
        raise ValueError(f"users not found in contacts, e.g. {missing}")
    con = people.iloc[cpos]
    tenure = (c_s - joined_s[cpos]) / DAY_S
    exposure = lambda days: np.maximum(np.minimum(days, tenure), 1.0)  # noqa: E731
    e = e.reindex(ids)
    o = o.reindex(ids)

    def count(frame: pd.DataFrame, col: str) -> np.ndarray:
        return frame[col].fillna(0).to_numpy(dtype="float64")

    def age_of(frame: pd.DataFrame, col: str) -> np.ndarray:
        # max(t) before the cut-off as the pandas path's min(age): (c_s - t_s) / DAY_S
        t_us = frame[col].to_numpy(dtype="float64")  # NaN when none (exact below 2**53)
        return (c_s - t_us / 1e6) / DAY_S

    out = _contact_columns(ids, con, tenure)
    out["days_since_last_interaction"] = age_of(e, "last_inter")
    out["days_since_last_order"] = age_of(o, "last_paid")
    out["orders_total"] = count(o, "orders_total")
    out["net_spend_total"] = _round_sum(count(o, "net_spend"))
    out["refunds_total"] = count(o, "refunds_total")
    for w, days in (("short", short_days), ("long", long_days)):
        out[f"interactions_{w}"] = count(e, f"inter_{w}")
        out[f"interaction_rate_{w}"] = out[f"interactions_{w}"] / exposure(days)
        out[f"orders_{w}"] = count(o, f"orders_{w}")
    out["interaction_trend"] = out["interaction_rate_short"] - out["interaction_rate_long"]
    out["order_trend"] = out["orders_short"] / exposure(short_days) - out["orders_long"] / exposure(
        long_days
    )
    out["group_events"] = count(e, "group_events")
    out["group_quits"] = count(e, "group_quits")
    last_join, last_quit = age_of(e, "last_join"), age_of(e, "last_quit")
    out["in_group"] = (
        ~np.isnan(last_join) & (np.isnan(last_quit) | (last_join < last_quit))
    ).astype("int64")
    stage = e["stage_lb"].fillna(0).to_numpy(dtype="int64")
    _set_stage(out, stage, count(o, "bought_lb") > 0)
    return out
