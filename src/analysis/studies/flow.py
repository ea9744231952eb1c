"""The user flow (用户流转): stages per snapshot, transitions, conversion, bottleneck and
time in stage.

The ladder is configurable (:class:`Ladder`); its default is the kit's own nine-stage
synthesis of 5A / AIPL / O-5A described in DOMAIN.md (**not** the essay's own node names),
with the two off-ladder states ``silent`` (沉默) and ``lost`` (流失). Stage names and their
Chinese names come from :mod:`analysis.data.vocab` (``STAGES``, ``OFF_LADDER``); which event type
evidences which stage comes from the event vocabulary, and can be overridden per ladder.

Evidence rules (see :mod:`analysis.aggregate.stages` for the exact definitions):

=============  ==========================================================================
stage          evidence inside the look-back window ``[t - lookback_days, t)``
=============  ==========================================================================
aware          pre-join content views (only where pre-join data exists)
appeal         QR scan, lure claim (pre-join)
access         joining (``joined_at``), ``contact_add``, ``group_join``
active         message, read, click, check-in
ask            inquiry, trial request, store visit, event attendance, feedback
act            a paid order (net > 0) while the user has fewer than ``repeat_min_orders``
               paid orders in total before ``t``
again          a paid order while the user has ``repeat_min_orders`` (2) or more paid
               orders before ``t`` — i.e. a repeat buyer who bought recently
advocate       share, invite, referral join, helpful reply, UGC, suggestion — **gated**:
               only for a user with a paid order before ``t``
ambassador     adopted suggestion, co-creation, beta test, or a referred contact
               (``contacts.referrer_id``) made their first paid order — **gated** likewise
=============  ==========================================================================

The purchase gate (``Ladder.purchase_gated``, ``gate_fallback_stage``): in 5A, *advocate*
follows *act* — recommending a brand one has never bought is not advocacy (a coupon hunter who
shares for a reward is not an advocate), and in AIPL the loyalty stage (L) sits above purchase
(P). Without the gate a sharer who never bought would sit above ``act`` and ``again`` and the
weakest step would look like advocate → ambassador while the step into the first purchase is
hidden. So gated evidence of a user without a paid order counts as ``active`` (engagement);
``purchase_gated=()`` gives the ungated ladder.

A user sits at the highest evidenced stage, so stages go down as well as up. ``silent``: no
activity (interaction event, paid order, or joining) for ``silent_days``; ``lost``: deleted the
brand's contact (hard churn) or left all groups since the last activity, or no activity for
``lost_days``. Snapshot ``t`` reads only what happened strictly before ``t``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.aggregate.stages import NOT_IN_POPULATION, snapshot_ns, stage_codes
from analysis.aggregate.time import as_timestamp, tz_of
from analysis.data.vocab import OFF_LADDER, STAGES, Vocabulary, load_vocabulary
from analysis.i18n import say, tr
from analysis.studies.stats import wilson_interval

NEW, OUT = "(new)", "(out)"


@dataclass(frozen=True)
class Ladder:
    """The stage ladder and its evidence rules (one configuration for names and rules).

    ``stages`` lowest first; ``evidence`` maps event types to stages (default: the
    vocabulary's ``stage`` of every type that names a ladder stage); ``zh`` overrides or adds
    Chinese names (default :data:`analysis.data.vocab.STAGES` / ``OFF_LADDER``).
    """

    stages: tuple[str, ...] = tuple(STAGES)
    lookback_days: float = 90
    silent_days: float = 30
    lost_days: float = 180
    repeat_min_orders: int = 2
    join_stage: str = "access"
    first_purchase_stage: str = "act"
    repeat_stage: str = "again"
    referral_stage: str | None = "ambassador"
    left_all_groups_is_lost: bool = True
    purchase_gated: tuple[str, ...] = ("advocate", "ambassador")
    gate_fallback_stage: str | None = "active"
    evidence: Mapping[str, str] | None = None
    vocabulary: Vocabulary | None = field(default=None, repr=False)
    zh: Mapping[str, str] | None = None

    def __post_init__(self):
        if len(set(self.stages)) != len(self.stages) or not self.stages:
            raise ValueError(f"stages must be distinct and non-empty, got {self.stages}")
        clash = set(self.stages) & set(OFF_LADDER)
        if clash:
            raise ValueError(f"{sorted(clash)} are off-ladder states, not ladder stages")
        if not (0 < self.silent_days <= self.lookback_days) or self.lost_days <= self.silent_days:
            raise ValueError(
                "need 0 < silent_days <= lookback_days and lost_days > "
                f"silent_days; got silent_days={self.silent_days}, lookback_days="
                f"{self.lookback_days}, lost_days={self.lost_days}"
            )
        off = [g for g in (*self.purchase_gated, self.gate_fallback_stage) if g is not None]
        missing = [g for g in off if g not in self.stages]
        if missing:
            raise ValueError(
                f"purchase_gated / gate_fallback_stage {missing} are not on the ladder "
                f"{self.stages}; pass purchase_gated=() for a ladder without them"
            )

    @property
    def vocab(self) -> Vocabulary:
        return load_vocabulary(self.vocabulary)

    @property
    def states(self) -> list[str]:
        """Ladder stages then the off-ladder states (the order of state codes)."""
        return list(self.stages) + list(OFF_LADDER)

    @property
    def names(self) -> dict[str, str]:
        """state → Chinese name."""
        zh = {**STAGES, **OFF_LADDER, **dict(self.zh or {})}
        return {s: zh.get(s, s) for s in self.states}

    def labels(self, *, lang: str = "both") -> dict[str, str]:
        """state → display label (``"en"``, ``"zh"`` or ``"both"``: ``"act 首购"``)."""
        if lang == "en":
            return {s: s for s in self.states}
        if lang == "zh":
            return dict(self.names)
        return {s: f"{s} {z}" if z != s else s for s, z in self.names.items()}

    def type_stage(self) -> dict[str, str]:
        if self.evidence is not None:
            bad = {t: s for t, s in self.evidence.items() if s not in self.stages}
            if bad:
                raise ValueError(f"evidence maps to stages not on the ladder: {bad}")
            return dict(self.evidence)
        return {n: e.stage for n, e in self.vocab.event_types.items() if e.stage in self.stages}

    def table(self, lang: str = "en") -> pd.DataFrame:
        """The ladder as a table: code, state, Chinese name, evidencing event types. In
        Chinese (``lang="zh"``) the state is its Chinese name (no separate name column) and the
        evidence names the event types in Chinese."""
        ev = self.type_stage()
        rows = []
        for i, s in enumerate(self.states):
            types = [
                t if lang == "en" else tr(f"type:{t}", lang) for t, st in ev.items() if st == s
            ]
            notes = []
            if s == self.join_stage:
                notes.append(say("flow.ladder.joining", lang))
            if s == self.first_purchase_stage:
                notes.append(say("flow.ladder.first_order", lang, n=self.repeat_min_orders))
            if s == self.repeat_stage:
                notes.append(say("flow.ladder.repeat_order", lang, n=self.repeat_min_orders))
            if s == self.referral_stage:
                notes.append(say("flow.ladder.referral_bought", lang))
            if s in self.purchase_gated:
                notes.append(say("flow.ladder.gated", lang))
            if s == self.gate_fallback_stage and self.purchase_gated:
                gated = [g if lang == "en" else self.names[g] for g in self.purchase_gated]
                stages = (" / " if lang == "en" else "、").join(gated)
                notes.append(say("flow.ladder.fallback", lang, stages=stages))
            if s == "silent":
                types, notes = [], [say("flow.ladder.silent", lang, days=self.silent_days)]
            if s == "lost":
                types, notes = [], [say("flow.ladder.lost", lang, days=self.lost_days)]
            if lang == "en":
                row = {"code": i, "state": s, "zh": self.names[s]}
                evidence = ", ".join(types + notes)
            else:  # a note carries its own punctuation (a leading one only after a type)
                row = {"code": i, "state": self.names[s]}
                evidence = ("、".join(types) + "".join(notes)).lstrip("，；")
            rows.append({**row, "on_ladder": s in self.stages, "evidence": evidence})
        return pd.DataFrame(rows)


def purchase_gate_effect(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    as_of,
    ladder: Ladder | None = None,
    codes: pd.DataFrame | None = None,
    engine=None,
) -> pd.DataFrame:
    """What the purchase gate changes at ``as_of``: per purchase-gated stage, the users there
    on ``ladder`` and on the same ladder without the gate, and the shares of the population
    (users with a state at ``as_of``). ``held_back`` = users the ungated ladder puts at a
    gated stage who have not bought (they sit at ``gate_fallback_stage`` or below).

    ``codes``: the :func:`codes_at` frame of ``as_of`` and ``ladder`` if already computed."""
    ladder = ladder or Ladder()
    if not ladder.purchase_gated:
        raise ValueError("the ladder has no purchase-gated stage (purchase_gated=())")
    if codes is None:
        codes = codes_at(contacts, events, orders, as_of=as_of, ladder=ladder, engine=engine)
    got = {"gated": codes["gated"], "ungated": codes["ungated"]}
    pop = int((got["gated"] >= 0).sum())
    rows = []
    for s in ladder.purchase_gated:
        i = ladder.states.index(s)
        g, u = int((got["gated"] == i).sum()), int((got["ungated"] == i).sum())
        held = int(((got["ungated"] == i) & (got["gated"] < i)).sum())
        rows.append(
            {
                "stage": s,
                "zh": ladder.names[s],
                "users_gated": g,
                "users_ungated": u,
                "share_gated": g / max(pop, 1),
                "share_ungated": u / max(pop, 1),
                "held_back": held,
                "population": pop,
            }
        )
    return pd.DataFrame(rows)


def codes_at(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    as_of,
    ladder: Ladder | None = None,
    snapshots: Sequence | None = None,
    engine=None,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """The codes at ``as_of`` with (``gated``) and without the purchase gate (``ungated``), one
    row per contact, for :func:`purchase_gate_effect` and :func:`off_ladder_at`; with
    ``snapshots``, the pair (:func:`assign_stages` codes at them, that frame): one query."""
    ladder = ladder or Ladder()
    tz = tz_of(contacts["joined_at"]) if isinstance(contacts, pd.DataFrame) else contacts.tables.tz
    wanted = snapshot_ns(snapshots if snapshots is not None else [], tz)
    every = np.union1d(wanted, snapshot_ns([as_of], tz))
    at = int(np.searchsorted(every, snapshot_ns([as_of], tz)[0]))
    times = pd.to_datetime(every, utc=True).tz_convert(tz)
    kw = dict(ladder=ladder, engine=engine, ungated=[at])
    gated, plain = assign_stages(contacts, events, orders, snapshots=times, **kw)
    frame = pd.DataFrame({"gated": gated.iloc[:, at], "ungated": plain.iloc[:, 0]})
    if snapshots is None:
        return frame
    return gated.iloc[:, np.searchsorted(every, wanted)], frame


def monthly_snapshots(
    start, end, *, freq: str = "MS", tz: str = "Asia/Shanghai"
) -> pd.DatetimeIndex:
    """Regular snapshot times in ``[start, end]`` (default: month starts, local time)."""
    s = as_timestamp(start, tz=tz, name="start")
    e = as_timestamp(end, tz=tz, name="end")
    return pd.date_range(s, e, freq=freq)


def assign_stages(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    snapshots: Sequence,
    ladder: Ladder | None = None,
    ungated: bool = False,
    engine=None,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Wide table of state codes: one row per contact, one column per snapshot.

    Codes index :attr:`Ladder.states` (``-1`` = not in the population yet). Use
    :func:`stage_long` for a tidy (user, snapshot, state) frame. ``engine="duckdb"`` /
    ``"spark"`` computes the same codes in SQL
    (:func:`analysis.aggregate.stages.stage_codes`), e.g. from tables on disk.
    ``ungated=True`` (or snapshot positions): a pair, these codes and those of the ladder
    without the purchase gate (at those snapshots).
    """
    ladder = ladder or Ladder()
    vocab = ladder.vocab
    return stage_codes(
        contacts,
        events,
        orders,
        snapshots=snapshots,
        stages=ladder.stages,
        type_stage=ladder.type_stage(),
        interaction_types=vocab.interaction_types,
        churn_types=vocab.churn_types,
        lookback_days=ladder.lookback_days,
        silent_days=ladder.silent_days,
        lost_days=ladder.lost_days,
        join_stage=ladder.join_stage,
        first_purchase_stage=ladder.first_purchase_stage,
        repeat_stage=ladder.repeat_stage,
        repeat_min_orders=ladder.repeat_min_orders,
        referral_stage=ladder.referral_stage,
        left_all_groups_is_lost=ladder.left_all_groups_is_lost,
        purchase_gated=ladder.purchase_gated,
        gate_fallback_stage=ladder.gate_fallback_stage,
        with_ungated=ungated,
        engine=engine,
    )


def off_ladder_at(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    as_of,
    users: pd.Index,
    ladder: Ladder | None = None,
    codes: pd.DataFrame | None = None,
    engine=None,
) -> pd.Series:
    """True for the ``users`` who are silent or lost at ``as_of`` (False for users not in
    the population then), indexed by ``users`` (named ``off_ladder``). ``codes``: the
    :func:`codes_at` frame of ``as_of`` and ``ladder`` if already computed (its ``gated``
    column is read)."""
    ladder = ladder or Ladder()
    if codes is None:
        at = assign_stages(
            contacts, events, orders, snapshots=[as_of], ladder=ladder, engine=engine
        )
        at = at.iloc[:, 0]
    else:
        at = codes["gated"]
    off = [ladder.states.index("silent"), ladder.states.index("lost")]
    return at.reindex(users).isin(off).rename("off_ladder")


def stage_long(codes: pd.DataFrame, *, ladder: Ladder | None = None) -> pd.DataFrame:
    """Tidy frame (``user_id``, ``snapshot``, ``state``) of users in the population."""
    ladder = ladder or Ladder()
    arr = codes.to_numpy()
    u, k = np.nonzero(arr >= 0)
    return pd.DataFrame(
        {
            "user_id": codes.index.to_numpy()[u],
            "snapshot": codes.columns[k],
            "state": pd.Categorical.from_codes(arr[u, k], categories=ladder.states, ordered=True),
        }
    )


def stage_sizes(codes: pd.DataFrame, *, ladder: Ladder | None = None) -> pd.DataFrame:
    """Number of users in each state (columns, ladder order) at each snapshot (rows)."""
    ladder = ladder or Ladder()
    arr = codes.to_numpy()
    m = len(ladder.states)
    counts = (
        np.stack([np.bincount(arr[:, k][arr[:, k] >= 0], minlength=m) for k in range(arr.shape[1])])
        if arr.shape[1]
        else np.zeros((0, m))
    )
    out = pd.DataFrame(counts, index=codes.columns, columns=ladder.states)
    out.index.name = "snapshot"
    return out


def transitions(
    codes: pd.DataFrame, *, ladder: Ladder | None = None, pooled: bool = True
) -> pd.DataFrame:
    """Transition counts between consecutive snapshots.

    Rows are the state at ``t_k`` plus ``(new)`` (not yet in the population); columns the
    state at ``t_{k+1}`` plus ``(out)`` (left the population: only pre-join users whose
    evidence aged out). Row sums over a state equal its size at ``t_k``. ``pooled=True`` sums
    over all consecutive pairs (one square-ish table); otherwise a long frame with a
    ``snapshot`` column (the ``t_k`` of each pair).
    """
    ladder = ladder or Ladder()
    arr = codes.to_numpy().astype(np.int64)
    m = len(ladder.states)
    rows_lab = ladder.states + [NEW]
    cols_lab = ladder.states + [OUT]
    tables = []
    for k in range(arr.shape[1] - 1):
        a, b = arr[:, k], arr[:, k + 1]
        keep = (a >= 0) | (b >= 0)
        a = np.where(a[keep] < 0, m, a[keep])
        b = np.where(b[keep] < 0, m, b[keep])
        cnt = np.bincount(a * (m + 1) + b, minlength=(m + 1) ** 2).reshape(m + 1, m + 1)
        tables.append(cnt)
    if pooled:
        total = np.sum(tables, axis=0) if tables else np.zeros((m + 1, m + 1), dtype=np.int64)
        out = pd.DataFrame(
            total, index=pd.Index(rows_lab, name="from"), columns=pd.Index(cols_lab, name="to")
        )
        return out
    frames = []
    for k, cnt in enumerate(tables):
        df = (
            pd.DataFrame(
                cnt, index=pd.Index(rows_lab, name="from"), columns=pd.Index(cols_lab, name="to")
            )
            .stack()
            .rename("count")
        )
        df = df.reset_index()
        df.insert(0, "snapshot", codes.columns[k])
        frames.append(df)
    return (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["snapshot", "from", "to", "count"])
    )


def transition_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """Row-normalised transition table (each row sums to 1; empty rows are NaN)."""
    tot = counts.sum(axis=1)
    return counts.div(tot.where(tot > 0), axis=0)


def forward_conversion(
    codes: pd.DataFrame, *, ladder: Ladder | None = None, ci: float = 0.95
) -> pd.DataFrame:
    """Per ladder stage: of users at the stage at ``t_k``, the share at a higher ladder stage
    at ``t_{k+1}`` (pooled over consecutive pairs), with Wilson intervals.

    Also ``stay``, ``down`` (lower ladder stage), ``silent``, ``lost`` shares. The top stage
    has no forward step (``forward_rate`` NaN).
    """
    ladder = ladder or Ladder()
    arr = codes.to_numpy().astype(np.int64)
    s_n = len(ladder.stages)
    a = arr[:, :-1].ravel()
    b = arr[:, 1:].ravel()
    keep = (a >= 0) & (a < s_n) & (b >= 0)
    a, b = a[keep], b[keep]
    n = np.bincount(a, minlength=s_n)
    on = b < s_n
    fwd = np.bincount(a[on & (b > a)], minlength=s_n)
    stay = np.bincount(a[b == a], minlength=s_n)
    down = np.bincount(a[on & (b < a)], minlength=s_n)
    sil = np.bincount(a[b == s_n], minlength=s_n)
    lost = np.bincount(a[b == s_n + 1], minlength=s_n)
    lo, hi = wilson_interval(fwd, n, ci=ci)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(n > 0, fwd / np.maximum(n, 1), np.nan)
    d = np.maximum(n, 1)
    out = pd.DataFrame(
        {
            "stage": list(ladder.stages),
            "zh": [ladder.names[s] for s in ladder.stages],
            "n": n,
            "forward": fwd,
            "forward_rate": rate,
            "lo": np.asarray(lo, dtype=float),
            "hi": np.asarray(hi, dtype=float),
            "stay_rate": stay / d,
            "down_rate": down / d,
            "silent_rate": sil / d,
            "lost_rate": lost / d,
        }
    )
    out.loc[out.index[-1], ["forward_rate", "lo", "hi"]] = np.nan
    out.loc[
        n == 0, ["forward_rate", "lo", "hi", "stay_rate", "down_rate", "silent_rate", "lost_rate"]
    ] = np.nan
    return out


def bottleneck(
    conversion: pd.DataFrame,
    *,
    min_n: int = 30,
    from_stage: str | None = "access",
    to_stage: str | None = None,
) -> pd.Series:
    """The weakest forward step: the stage (at or above ``from_stage`` and below ``to_stage``,
    with at least ``min_n`` users observed) with the lowest forward conversion. Returns that
    row of ``conversion``. ``to_stage="again"`` reads the purchase funnel alone (the steps up
    to the repeat purchase)."""
    c = conversion.dropna(subset=["forward_rate"])
    c = c.loc[c["n"] >= min_n]
    stages = list(conversion["stage"])
    if from_stage is not None:
        c = c.loc[c["stage"].map(stages.index) >= stages.index(from_stage)]
    if to_stage is not None:
        c = c.loc[c["stage"].map(stages.index) < stages.index(to_stage)]
    if c.empty:
        raise ValueError("no stage has enough users to compare forward conversion")
    return c.loc[c["forward_rate"].idxmin()]


def time_in_stage(codes: pd.DataFrame, *, ladder: Ladder | None = None) -> pd.DataFrame:
    """Spells: consecutive snapshots a user spends in one state, per state.

    Columns: ``spells`` (number of spells), ``completed`` (spells that ended before the last
    snapshot), ``mean_snapshots_completed``, ``median_snapshots_completed``,
    ``mean_snapshots_all`` (censored spells counted with their observed length, a lower
    bound) and ``mean_days_completed`` (using the median spacing of the snapshots).
    """
    ladder = ladder or Ladder()
    arr = codes.to_numpy().astype(np.int64)
    n, k = arr.shape
    m = len(ladder.states)
    if k == 0:
        raise ValueError("no snapshots")
    # a spell starts where the state differs from the previous column
    start = np.ones_like(arr, dtype=bool)
    start[:, 1:] = arr[:, 1:] != arr[:, :-1]
    flat = arr.ravel()
    spell_id = np.cumsum(start.ravel()) - 1
    first_pos = np.flatnonzero(start.ravel())
    state = flat[first_pos]
    length = np.bincount(spell_id)
    end_col = (first_pos % k) + length - 1
    censored = end_col == k - 1
    keep = state >= 0
    state, length, censored = state[keep], length[keep], censored[keep]
    spacing = (pd.Series(codes.columns).diff().median() / pd.Timedelta(days=1)) if k > 1 else np.nan
    rows = []
    for s in range(m):
        sel = state == s
        comp = sel & ~censored
        lens = length[comp]
        rows.append(
            {
                "state": ladder.states[s],
                "zh": ladder.names[ladder.states[s]],
                "spells": int(sel.sum()),
                "completed": int(comp.sum()),
                "mean_snapshots_completed": float(lens.mean()) if lens.size else np.nan,
                "median_snapshots_completed": float(np.median(lens)) if lens.size else np.nan,
                "mean_snapshots_all": float(length[sel].mean()) if sel.any() else np.nan,
            }
        )
    out = pd.DataFrame(rows)
    out["mean_days_completed"] = out["mean_snapshots_completed"] * spacing
    return out


def stage_reach(codes: pd.DataFrame, *, ladder: Ladder | None = None) -> pd.DataFrame:
    """Cumulative funnel: users ever observed at or above each ladder stage at a snapshot."""
    ladder = ladder or Ladder()
    arr = codes.to_numpy().astype(np.int64)
    s_n = len(ladder.stages)
    on = np.where(arr < s_n, arr, -1)
    top = on.max(axis=1)
    ever = (arr >= 0).any(axis=1).sum()
    reach = [int((top >= s).sum()) for s in range(s_n)]
    return pd.DataFrame(
        {
            "stage": list(ladder.stages),
            "zh": [ladder.names[s] for s in ladder.stages],
            "users": reach,
            "share": np.array(reach) / max(int(ever), 1),
        }
    )


def flow_summary(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    start,
    end,
    freq: str = "MS",
    ladder: Ladder | None = None,
) -> dict:
    """Everything of the flow at once: codes, sizes, pooled transition counts and rates,
    forward conversion, bottleneck and time in stage (a dict of frames)."""
    ladder = ladder or Ladder()
    tz = tz_of(contacts["joined_at"])
    snaps = monthly_snapshots(start, end, freq=freq, tz=tz)
    codes = assign_stages(contacts, events, orders, snapshots=snaps, ladder=ladder)
    counts = transitions(codes, ladder=ladder)
    conv = forward_conversion(codes, ladder=ladder)
    return {
        "codes": codes,
        "sizes": stage_sizes(codes, ladder=ladder),
        "transitions": counts,
        "rates": transition_rates(counts),
        "conversion": conv,
        "bottleneck": bottleneck(conv),
        "time_in_stage": time_in_stage(codes, ladder=ladder),
        "reach": stage_reach(codes, ladder=ladder),
    }


__all__ = [
    "Ladder",
    "NOT_IN_POPULATION",
    "NEW",
    "OUT",
    "monthly_snapshots",
    "assign_stages",
    "stage_long",
    "stage_sizes",
    "transitions",
    "transition_rates",
    "forward_conversion",
    "bottleneck",
    "time_in_stage",
    "stage_reach",
    "flow_summary",
    "purchase_gate_effect",
    "off_ladder_at",
    "codes_at",
]
