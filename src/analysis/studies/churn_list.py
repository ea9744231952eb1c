"""The churn early-warning list: who to contact first, with the reasons for each user's risk
in words, and its export (pseudonymised ids only).
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from analysis.i18n.features import REASON_LABELS
from analysis.privacy import KEY_ENV, pseudonymise
from analysis.studies.churn import (
    CATEGORICAL,
    ValueScores,
    churn_probability,
    limited_threads,
    model_features,
)

#: Environment variable holding the key of the pseudonyms (see :mod:`analysis.privacy`).
PSEUDONYM_KEY_ENV = KEY_ENV


def value_index(
    calibration: pd.DataFrame,
    frame: pd.DataFrame,
    *,
    weights="expansion",
    normalization: str = "percentile",
) -> pd.Series:
    """The five-value index of each user in ``frame`` (a :func:`churn_frame`), normalised on
    the ``calibration`` frame (e.g. the training snapshot) with the shared
    :class:`~analysis.studies.scores.FiveValueScorer`. Indexed like ``frame``; in [0, 1] with the
    percentile normalisation."""
    vs = ValueScores(normalization=normalization, weights=weights).fit(calibration)
    return pd.Series(vs.transform(frame)[:, -1], index=frame.index, name="value_index")


def _reference_row(frame: pd.DataFrame, features) -> dict:
    ref = {}
    for c in features:
        s = frame[c]
        if c in CATEGORICAL:
            ref[c] = s.mode(dropna=True).iloc[0]
        else:
            ref[c] = float(np.nanmedian(s.to_numpy(dtype="float64"))) if s.notna().any() else np.nan
    return ref


def reason_contributions(model, rows: pd.DataFrame, *, reference: Mapping) -> pd.DataFrame:
    """Each feature's push on each row's churn risk: the row's risk minus its risk with that
    one feature set to the ``reference`` value (a typical user). Rows × the model's features,
    in probability points (positive: the feature raises the risk)."""
    feats = model_features(model)
    X = rows[feats]
    base = model.predict_proba(X)[:, 1]
    contrib = np.empty((len(X), len(feats)))
    for j, c in enumerate(feats):
        Xm = X.copy()
        Xm[c] = reference[c] if c in CATEGORICAL else np.float64(reference[c])
        contrib[:, j] = base - model.predict_proba(Xm)[:, 1]
    return pd.DataFrame(contrib, index=rows.index, columns=feats)


def typical_user(frame: pd.DataFrame, model) -> dict:
    """The reference of the reasons: each feature's median (most common value for channel
    and hook) in ``frame``."""
    return _reference_row(frame, model_features(model))


def risk_reasons(
    model, rows: pd.DataFrame, *, reference: Mapping, n_reasons: int = 3
) -> pd.DataFrame:
    """The features that push each row's churn risk up most.

    For each feature, the row's risk minus its risk with that one feature set to the
    ``reference`` value (a typical user: median / most common). Returns, per row,
    ``reason_1..n`` (text such as ``days_since_last_interaction=41 (typical 3): +12.0 pts``)
    and ``contribution_1..n`` (in probability points, positive only; NaN/empty when fewer
    features raise the risk).
    """
    feats = model_features(model)
    X = rows[feats]
    contrib = reason_contributions(model, rows, reference=reference).to_numpy()
    top = np.argsort(-contrib, axis=1, kind="stable")[:, :n_reasons]
    out = {}
    for k in range(n_reasons):
        texts, vals = [], []
        for i in range(len(X)):
            j = top[i, k]
            v = contrib[i, j]
            if not v > 0:
                texts.append("")
                vals.append(np.nan)
                continue
            f = feats[j]
            x, r = X.iat[i, j], reference[f]
            fmt = (lambda z: str(z)) if f in CATEGORICAL else (lambda z: f"{z:.3g}")
            texts.append(f"{f}={fmt(x)} (typical {fmt(r)}): +{100 * v:.1f} pts")
            vals.append(v)
        out[f"reason_{k + 1}"] = texts
        out[f"contribution_{k + 1}"] = vals
    return pd.DataFrame(out, index=rows.index)


def at_risk_list(
    model,
    frame: pd.DataFrame,
    *,
    value: pd.Series,
    top_n: int = 100,
    n_reasons: int = 3,
    value_name: str = "value",
    n_threads: int | None = None,
) -> pd.DataFrame:
    """Users ranked by churn risk × value, with the reasons behind each risk.

    ``value`` (indexed by ``user_id``; e.g. a five-value index or expected LTV, >= 0) is
    aligned to ``frame``; users without a value get 0. Returns the ``top_n`` users (index
    ``user_id`` — export with :func:`export_at_risk`, which replaces it) with ``rank``,
    ``risk``, ``value_name``, ``priority`` (= risk × value), ``stage``,
    ``days_since_last_interaction`` and the reasons of :func:`risk_reasons`.
    """
    with limited_threads(n_threads):
        risk = churn_probability(model, frame)
    val = pd.Series(value).reindex(frame.index).fillna(0.0).to_numpy(dtype="float64")
    if (val < 0).any():
        raise ValueError("value must be non-negative to rank by risk × value")
    pr = risk * val
    order = np.lexsort((frame.index.to_numpy(), -pr))[:top_n]  # ties by id: deterministic
    rows = frame.iloc[order]
    out = pd.DataFrame(
        {
            "rank": np.arange(1, len(order) + 1),
            "risk": risk[order],
            value_name: val[order],
            "priority": pr[order],
            "stage": rows["stage"].to_numpy(),
            "days_since_last_interaction": rows["days_since_last_interaction"].to_numpy(),
        },
        index=rows.index,
    )
    with limited_threads(n_threads):
        reasons = risk_reasons(
            model, rows, reference=typical_user(frame, model), n_reasons=n_reasons
        )
    return out.join(reasons)


def export_at_risk(
    at_risk: pd.DataFrame, path: str | Path, *, key: str | bytes | None = None
) -> Path:
    """Write :func:`at_risk_list` as UTF-8 CSV with ``pseudo_id`` first and no raw ids."""
    out = at_risk.reset_index(names="user_id")
    out.insert(0, "pseudo_id", pseudonymise(out["user_id"], key=key).to_numpy())
    out = out.drop(columns=["user_id"])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, encoding="utf-8")
    return path


# --- the list as of the data's end -----------------------------------------------------------
#: Risk tiers by predicted risk: ``low`` below the first cut, ``medium`` below the second,
#: ``high`` from it (documented default; ``risk_cuts=`` changes it).
RISK_TIERS = ("low risk", "medium risk", "high risk")

NEXT_STEPS_FILE = Path(__file__).with_name("churn_next_steps.yaml")


def load_next_steps(path: str | Path | None = None) -> dict[str, dict[str, str]]:
    """The rule table of suggested next steps (reason feature → ``{"en": …, "zh": …}``).

    Default: the documented, editable ``churn_next_steps.yaml`` beside this module; a team
    passes its own copy. Every key must be a model feature or ``default`` (the step of a
    feature without a row), each with an English and a Chinese text."""
    import yaml

    p = NEXT_STEPS_FILE if path is None else Path(path)
    table = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    if not isinstance(table, dict) or "default" not in table:
        raise ValueError(f"{p}: needs a mapping with a 'default' row, e.g. default: {{en: …}}")
    unknown = [k for k in table if k != "default" and k not in REASON_LABELS]
    if unknown:
        raise ValueError(
            f"{p}: rows {unknown} are not model features (e.g. {list(REASON_LABELS)[:3]})"
        )
    bad = [
        k
        for k, v in table.items()
        if not isinstance(v, dict) or not all(isinstance(v.get(lg), str) for lg in ("en", "zh"))
    ]
    if bad:
        raise ValueError(f"{p}: rows {bad} need an 'en' and a 'zh' text, e.g. {bad[0]}: {{en: …}}")
    return table


def _stage_name(rank) -> str:
    """The ladder stage of a ``stage_rank`` (1 = lowest; 0 or missing: ``none``)."""
    from analysis.data.vocab import STAGES

    ladder = list(STAGES)
    k = int(round(float(rank))) if rank == rank else 0
    return ladder[k - 1] if 1 <= k <= len(ladder) else "none"


def _fmt(v) -> str:
    if isinstance(v, str):
        return v
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "–"
    v = float(v)
    return f"{v:.0f}" if abs(v) >= 10 or v == int(v) else f"{v:.2g}"


def reasons_in_words(
    contributions: pd.DataFrame,
    rows: pd.DataFrame,
    *,
    reference: Mapping,
    next_steps: Mapping,
    n_reasons: int = 2,
    lang: str = "en",
) -> pd.DataFrame:
    """Each row's ``n_reasons`` strongest risk-raising features (:func:`reason_contributions`)
    in words (``reason_k``: feature, value, typical value, points of risk) with the
    suggested ``next_step_k`` of the rule table; empty where fewer features raise the risk."""
    from analysis.i18n import say, tr

    feats = list(contributions.columns)
    c = contributions.to_numpy()
    top = np.argsort(-c, axis=1, kind="stable")[:, :n_reasons]
    out = {}
    for k in range(n_reasons):
        reasons, steps = [], []
        for i in range(len(c)):
            j = top[i, k] if k < top.shape[1] else None
            if j is None or not c[i, j] > 0:
                reasons.append("")
                steps.append("")
                continue
            f = feats[j]
            x, r = rows[f].iat[i], reference[f]
            value = tr(x, lang) if f in CATEGORICAL else _fmt(x)
            typical = tr(r, lang) if f in CATEGORICAL else _fmt(r)
            if f == "stage_rank":  # the stage by name: off the ladder (0) it is in `stage`
                value = tr(str(rows["stage"].iat[i]) if "stage" in rows else _stage_name(x), lang)
                typical = tr(_stage_name(r), lang)
            reasons.append(
                say(
                    "churn.reason",
                    lang,
                    feature=tr(REASON_LABELS[f], lang),
                    value=value,
                    typical=typical,
                    pts=100 * c[i, j],
                )
            )
            steps.append(next_steps.get(f, next_steps["default"])[lang])
        out[f"reason_{k + 1}"] = reasons
        out[f"next_step_{k + 1}"] = steps
    return pd.DataFrame(out, index=rows.index)


def last_paid_order(orders: pd.DataFrame, *, as_of) -> pd.DataFrame:
    """Per user, the last paid order before ``as_of``: ``last_order_at``,
    ``last_order_amount`` (net). Index ``user_id``. ``orders`` may be a table of a
    :class:`~analysis.engine.DuckTables` / :class:`~analysis.engine.SparkTables` (the same
    rows, found in SQL)."""
    from analysis.aggregate.rules import NET_AMOUNT_SQL, PAID_SQL, is_paid, net_amount
    from analysis.engine.dialect import sql_instant
    from analysis.engine.tables import SqlInputs, as_instants, is_sql_table

    if is_sql_table(orders):
        with SqlInputs(orders.tables.engine_name, orders=orders) as db:
            got = db.df(f"""
                SELECT user_id, ordered_at, net FROM (
                    SELECT CAST(user_id AS VARCHAR) AS user_id, ordered_at,
                           {NET_AMOUNT_SQL} AS net,
                           row_number() OVER (PARTITION BY user_id
                                              ORDER BY ordered_at DESC, order_id DESC) AS k
                    FROM {db.views["orders"]}
                    WHERE {PAID_SQL} AND ordered_at < {sql_instant(as_of)}) AS o
                WHERE k = 1""")
            tz = db.tz
        idx = pd.Index(got["user_id"].astype("str"), name="user_id")
        out = pd.DataFrame(
            {
                "last_order_at": as_instants(got["ordered_at"], tz).to_numpy(),
                "last_order_amount": got["net"].to_numpy(dtype="float64"),
            },
            index=idx,
        )
        return out.sort_index()
    o = orders.loc[is_paid(orders) & (orders["ordered_at"] < as_of)]
    o = o.assign(net=net_amount(o)).sort_values(["user_id", "ordered_at", "order_id"])
    last = o.groupby("user_id", sort=True).tail(1).set_index("user_id")
    return pd.DataFrame(
        {"last_order_at": last["ordered_at"], "last_order_amount": last["net"].astype("float64")}
    )


def risk_tier(risk, *, cuts=(0.2, 0.5)) -> pd.Categorical:
    """:data:`RISK_TIERS` of each risk (``cuts``: the two boundaries, ascending)."""
    lo, hi = (float(x) for x in cuts)
    if not 0 < lo < hi < 1:
        raise ValueError(f"risk cuts must satisfy 0 < low < high < 1, got {cuts}")
    r = np.asarray(risk, dtype="float64")
    codes = (r >= lo).astype(int) + (r >= hi).astype(int)
    return pd.Categorical.from_codes(codes, categories=list(RISK_TIERS), ordered=True)


def already_leaving(frame: pd.DataFrame) -> pd.Series:
    """True for users whose departure features show they are leaving now: quit a group in
    the look-back window and are in none any more."""
    return (frame["group_quits"] > 0) & (frame["in_group"] == 0)


def at_risk_as_of(
    result,
    contacts: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    weights="expansion",
    risk_cuts=(0.2, 0.5),
    top_n: int = 200,
    n_reasons: int = 2,
    next_steps: Mapping | None = None,
    lang: str = "en",
    key: str | bytes | None = None,
    n_threads: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The at-risk list as of the data's end and its per-tier summary.

    ``result`` is a :class:`~analysis.studies.churn_asof.ChurnAsOf`: everyone still a
    customer at its as-of date, scored by its deployed (calibrated) model. The list ranks
    them by risk × five-value index (normalised on the as-of population) and keeps the first
    ``top_n``; columns ``pseudo_id`` (keyed pseudonym), ``rank``, ``risk_pct``, ``risk_tier``
    (:func:`risk_tier`), ``channel``, ``hook``, ``value_tier``
    (:func:`analysis.studies.segments.value_tiers`), ``owner`` (pseudonymised staff id from
    ``contacts.follow_user`` where the data has it, else empty), ``days_since_last_interaction``,
    ``last_order_date``, ``last_order_amount``, ``already_leaving`` (:func:`already_leaving`)
    and ``reason_k`` / ``next_step_k`` (:func:`reasons_in_words`). The index is ``user_id``:
    never shown (:func:`export_at_risk` drops it).

    The summary has one row per risk tier over the whole as-of population: ``users``,
    ``expected_churners`` (sum of risks), ``expected_lost_spend`` (sum of risk × net spend in
    the look-back window), ``already_leaving``, ``on_list``.
    """
    from analysis.studies.segments import value_tiers

    steps = load_next_steps() if next_steps is None else next_steps
    cur = result.current
    model = result.deployed
    risk = result.current_risk.reindex(cur.index).to_numpy(dtype="float64")
    vi = value_index(cur, cur, weights=weights)
    pr = risk * vi.to_numpy()
    order = np.lexsort((cur.index.to_numpy(), -pr))[:top_n]
    rows = cur.iloc[order]
    as_of = result.windows.as_of
    last = last_paid_order(orders, as_of=as_of).reindex(rows.index)
    con = contacts.set_index(contacts["user_id"].astype("str"))
    owner = (
        pseudonymise(con["follow_user"].reindex(rows.index), key=key, prefix="s").fillna("")
        if "follow_user" in con.columns
        else pd.Series("", index=rows.index)
    )
    tiers = risk_tier(risk, cuts=risk_cuts)
    leaving = already_leaving(cur).to_numpy()
    table = pd.DataFrame(
        {
            "pseudo_id": pseudonymise(pd.Series(rows.index, dtype="str"), key=key).to_numpy(),
            "rank": np.arange(1, len(order) + 1),
            "risk_pct": np.round(100 * risk[order], 1),
            "risk_tier": np.asarray(tiers)[order],
            "channel": rows["channel"].to_numpy(),
            "hook": rows["hook"].to_numpy(),
            "value_tier": value_tiers(vi)["tier"].astype("str").to_numpy()[order],
            "owner": owner.to_numpy(),
            "days_since_last_interaction": np.round(
                rows["days_since_last_interaction"].to_numpy(dtype="float64")
            ),
            "last_order_date": [
                "" if pd.isna(t) else t.date().isoformat() for t in last["last_order_at"]
            ],
            "last_order_amount": np.round(last["last_order_amount"].to_numpy(), 2),
            "already_leaving": leaving[order],
        },
        index=rows.index,
    )
    with limited_threads(n_threads):
        ref = typical_user(cur, model)
        contrib = reason_contributions(model, rows, reference=ref)
    words = reasons_in_words(
        contrib, rows, reference=ref, next_steps=steps, n_reasons=n_reasons, lang=lang
    )
    table = table.join(words)
    on_list = np.zeros(len(cur), dtype=bool)
    on_list[order] = True
    per = pd.DataFrame(
        {
            "risk_tier": tiers,
            "users": 1,
            "expected_churners": risk,
            "expected_lost_spend": risk * cur["ev_consumption"].fillna(0).to_numpy(),
            "already_leaving": leaving.astype(int),
            "on_list": on_list.astype(int),
        }
    )
    summary = per.groupby("risk_tier", observed=False).sum().reset_index()
    summary["risk_tier"] = summary["risk_tier"].astype("str")
    summary["expected_churners"] = summary["expected_churners"].round(1)
    summary["expected_lost_spend"] = summary["expected_lost_spend"].round(0)
    return table, summary
