"""The simulated worlds: every known mechanism's parameters, and the true coefficients.

The constants are the brand's set-up, the same in both worlds: how organic contacts split
across channels (``CHANNELS``) and hooks (``HOOKS``), who is a coupon hunter
(``HUNTER_PROB``), how channel and hunter status shift the five latent values (``Z_SHIFT``,
``HUNTER_Z_SHIFT``), how often an average user does each thing (``ACTIVE_RATES``,
``VALUE_RATES``), and where it happens (``CONTEXTS``). :class:`Truth` holds the coefficients
that differ between worlds (the hazard of leaving) and the purchase, spend, referral and
refund parameters; :func:`truth_for` gives them for each of :data:`WORLDS`.
Everything here is written to ``truth/params.json`` beside the simulated data.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.data.vocab import VALUES

DAY = 86_400  # seconds

CHANNELS = {  # share of organic joins, screening probability, hazard shift (effects world)
    "douyin": (0.30, 0.30, 0.30),
    "xiaohongshu": (0.20, 0.40, 0.10),
    "offline_store": (0.20, 0.50, -0.20),
    "offline_event": (0.15, 0.10, 0.40),
    "partner": (0.15, 0.40, 0.00),
    "referral": (0.00, 0.30, -0.30),
}
HOOKS = {
    "douyin": {
        "coupon": 0.35,
        "trial": 0.25,
        "free_consultation": 0.20,
        "industry_report": 0.10,
        "merch": 0.10,
    },
    "xiaohongshu": {
        "industry_report": 0.30,
        "trial": 0.30,
        "free_consultation": 0.20,
        "coupon": 0.20,
    },
    "offline_store": {"coupon": 0.40, "offline_group": 0.30, "trial": 0.30},
    "offline_event": {"merch": 0.50, "coupon": 0.30, "offline_group": 0.20},
    "partner": {"industry_report": 0.40, "free_consultation": 0.30, "coupon": 0.30},
    "referral": {"coupon": 0.50, "trial": 0.50},
}
HUNTER_PROB = {
    ("offline_event", "merch"): 0.45,
    ("offline_event", "coupon"): 0.35,
    ("offline_event", "offline_group"): 0.20,
}
HUNTER_PROB_COUPON = 0.12
HUNTER_PROB_BASE = 0.04
Z_SHIFT = {  # channel -> shift of the five latent propensities (VALUES order)
    "douyin": (-0.1, -0.1, -0.1, -0.1, -0.1),
    "xiaohongshu": (0.1, 0.0, 0.1, 0.4, 0.1),
    "offline_store": (0.3, 0.3, 0.0, 0.0, 0.1),
    "offline_event": (-0.2, -0.2, -0.2, -0.2, -0.2),
    "partner": (0.1, 0.1, 0.0, 0.0, 0.2),
    "referral": (0.1, 0.1, 0.3, 0.1, 0.1),
}
HUNTER_Z_SHIFT = (-0.6, -0.8, -0.6, -0.6, -0.6)

# Mean monthly rates of each event type for an average user while alive.
ACTIVE_RATES = {"message": 2.0, "read": 2.5, "click": 0.8, "checkin": 0.4}
VALUE_RATES = {
    "inquiry": 0.25,
    "trial_request": 0.08,
    "store_visit": 0.12,
    "event_attend": 0.06,
    "feedback": 0.10,
    "share": 0.25,
    "invite": 0.06,
    "helpful_reply": 0.15,
    "post": 0.12,
    "review": 0.12,
    "buyer_show": 0.05,
    "xhs_note": 0.04,
    "suggestion": 0.04,
    "suggestion_adopted": 0.008,
    "cocreation": 0.01,
    "beta_test": 0.006,
}
AFTER_FIRST_PURCHASE = ("review", "buyer_show")
CONTEXTS = {
    "read": (("moments", "group", "miniprogram"), (0.5, 0.3, 0.2)),
    "click": (("miniprogram", "group", "1v1"), (0.6, 0.3, 0.1)),
    "checkin": (("group",), (1.0,)),
    "store_visit": (("offline",), (1.0,)),
    "event_attend": (("offline",), (1.0,)),
    "share": (("moments", "group"), (0.6, 0.4)),
    "post": (("group", "moments"), (0.6, 0.4)),
    "xhs_note": (("xiaohongshu",), (1.0,)),
    "helpful_reply": (("group",), (1.0,)),
    "cocreation": (("offline", "group"), (0.5, 0.5)),
}
DEFAULT_CONTEXT = (("1v1", "group", "miniprogram"), (0.5, 0.3, 0.2))


@dataclass(frozen=True)
class Truth:
    """The simulator's true parameters (written to ``truth/params.json``)."""

    beta: dict[str, float]
    gamma_hunter: float
    gamma_screened: float
    gamma_channel: dict[str, float]
    base_hazard_per_day: float = 1 / 420
    p_hard: float = 0.5
    purchase_r: float = 0.6
    purchase_alpha: float = 45.0  # rate, per day: mean λ = r / α purchases a day
    spend_p: float = 6.0
    spend_q: float = 4.0
    spend_gamma: float = 60.0
    referral_k0_per_year: float = 0.25
    value_sd: float = 0.8
    refund_prob: float = 0.05
    refund_prob_hunter: float = 0.12
    #: Weibull shape of the lifetime: 1 = exponential (memoryless); below 1 the hazard falls
    #: with tenure, ``shape · μ · (μ t)^(shape − 1)`` at tenure t (new contacts leave first).
    lifetime_shape: float = 1.0


#: The worlds :func:`truth_for` knows. ``effects``: the five values (all in the preset's
#: direction), channel, coupon hunting and screening drive leaving. ``null``: nothing does and
#: every departure is a hard churn. The worlds that can catch the study out:
#: ``null_silent`` (nothing drives leaving, but half the departures are silent);
#: ``null_tenure`` (the values do nothing; channel and tenure drive leaving — the hazard
#: falls with tenure); ``wrong_weights`` (experience and innovation, which the preset weighs
#: 0.1, drive staying; social and content, which it weighs 0.3 each, drive leaving);
#: ``small_effect``
#: (the effects world's coefficients at a 24th: the index predicts, but by less than
#: the smallest AUC difference that matters).
WORLDS = ("effects", "null", "null_silent", "null_tenure", "wrong_weights", "small_effect")
#: The worlds in which the five values have no effect on leaving.
NULL_WORLDS = ("null", "null_silent", "null_tenure")

_EFFECTS_BETA = {
    "experience": -0.15,
    "consumption": -0.25,
    "social": -0.35,
    "content": -0.30,
    "innovation": -0.20,
}
_SMALL_EFFECT_SCALE = 1 / 24


def truth_for(world: str) -> Truth:
    """True coefficients of one of :data:`WORLDS`."""
    zero_channel = {c: 0.0 for c in CHANNELS}
    if world == "effects":
        return Truth(
            beta=dict(_EFFECTS_BETA),
            gamma_hunter=1.5,
            gamma_screened=-0.5,
            gamma_channel={c: v[2] for c, v in CHANNELS.items()},
        )
    if world in ("null", "null_silent"):
        return Truth(
            beta={v: 0.0 for v in VALUES},
            gamma_hunter=0.0,
            gamma_screened=0.0,
            gamma_channel=zero_channel,
            p_hard=1.0 if world == "null" else 0.5,
        )
    if world == "null_tenure":
        return Truth(
            beta={v: 0.0 for v in VALUES},
            gamma_hunter=0.0,
            gamma_screened=0.0,
            gamma_channel={c: 2 * v[2] for c, v in CHANNELS.items()},
            p_hard=1.0,
            lifetime_shape=0.5,
        )
    if world == "wrong_weights":
        return Truth(
            beta={
                "experience": -0.9,
                "consumption": 0.0,
                "social": 0.9,
                "content": 0.6,
                "innovation": -0.9,
            },
            gamma_hunter=0.0,
            gamma_screened=0.0,
            gamma_channel=zero_channel,
        )
    if world == "small_effect":
        return Truth(
            beta={v: b * _SMALL_EFFECT_SCALE for v, b in _EFFECTS_BETA.items()},
            gamma_hunter=0.0,
            gamma_screened=0.0,
            gamma_channel=zero_channel,
        )
    raise ValueError(f"world must be one of {WORLDS}, got {world!r}")
