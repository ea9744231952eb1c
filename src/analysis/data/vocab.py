"""The event vocabulary: which event types exist, which of the five values each feeds and
which stage of the flow ladder it evidences.

The default vocabulary below is documented in ``docs``-style tables in the README. A brand
overrides it with a YAML file or a dict of the same shape::

    event_types:
      live_watch: {value: experience, stage: active, meaning: watched a live stream}
    aliases:            # map the brand's own names onto known types
      点赞: read

Unknown event types are an error at load time unless mapped by ``aliases``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import pandas as pd

#: The five values (五个价值), in the essay's order, with Chinese names.
VALUES: dict[str, str] = {
    "experience": "体验价值",
    "consumption": "消费价值",
    "social": "社交价值",
    "content": "内容价值",
    "innovation": "创新价值",
}

#: The default nine-stage ladder (our synthesis of 5A / AIPL / O-5A, not the essay's own),
#: lowest first, with Chinese names. Two off-ladder states follow it.
STAGES: dict[str, str] = {
    "aware": "认知",
    "appeal": "吸引",
    "access": "入域",
    "active": "互动",
    "ask": "问询/体验",
    "act": "首购",
    "again": "复购",
    "advocate": "拥护",
    "ambassador": "大使/共创",
}
OFF_LADDER: dict[str, str] = {"silent": "沉默", "lost": "流失"}


@dataclass(frozen=True)
class EventType:
    name: str
    value: str | None  # one of VALUES or None
    stage: str | None  # one of STAGES, "lost", or None
    meaning: str
    pre_join: bool = False  # may legitimately happen before the user joined


_DEFAULT = [
    # name, value, stage, meaning, pre_join
    ("content_view", None, "aware", "saw brand content before joining (pre-join data)", True),
    ("qr_scan", None, "appeal", "scanned a channel QR code", True),
    ("lure_claim", None, "appeal", "claimed the hook (report, coupon, merch, ...)", True),
    ("contact_add", None, "access", "became a WeCom contact", False),
    ("group_join", None, "access", "joined a brand group", False),
    ("message", None, "active", "sent a message in a group or 1:1", False),
    ("read", None, "active", "read / opened brand content", False),
    ("click", None, "active", "clicked a link or mini-program card", False),
    ("checkin", None, "active", "checked in (打卡) in a group activity", False),
    ("inquiry", "experience", "ask", "asked about a product", False),
    ("trial_request", "experience", "ask", "requested a trial or sample", False),
    ("store_visit", "experience", "ask", "visited a store", False),
    ("event_attend", "experience", "ask", "attended a brand event", False),
    ("feedback", "experience", "ask", "gave product / experience feedback", False),
    ("share", "social", "advocate", "shared brand content to their circles", False),
    ("invite", "social", "advocate", "sent an invitation to a friend", False),
    ("referral_join", "social", "advocate", "a friend they invited joined", False),
    ("helpful_reply", "social", "advocate", "answered another member in a group", False),
    ("post", "content", "advocate", "posted UGC in a group or Moments", False),
    ("review", "content", "advocate", "wrote a product review", False),
    ("buyer_show", "content", "advocate", "posted a buyer show (买家秀)", False),
    ("xhs_note", "content", "advocate", "posted a note on 小红书", False),
    ("suggestion", "innovation", "advocate", "made a product or service suggestion", False),
    ("suggestion_adopted", "innovation", "ambassador", "a suggestion was adopted", False),
    ("cocreation", "innovation", "ambassador", "took part in a co-creation session", False),
    ("beta_test", "innovation", "ambassador", "took part in a beta test", False),
    ("group_quit", None, None, "left a brand group", False),
    ("del_follow_user", None, "lost", "deleted the brand's WeCom contact (hard churn)", False),
]


class VocabularyError(ValueError):
    """A vocabulary configuration is malformed."""


@dataclass(frozen=True)
class Vocabulary:
    event_types: Mapping[str, EventType]
    aliases: Mapping[str, str]

    def resolve(self, name: str) -> str | None:
        """The canonical type for ``name`` (itself or via alias), or None if unknown."""
        if name in self.event_types:
            return name
        return self.aliases.get(name)

    def of_value(self, value: str) -> list[str]:
        return [e.name for e in self.event_types.values() if e.value == value]

    def of_stage(self, stage: str) -> list[str]:
        return [e.name for e in self.event_types.values() if e.stage == stage]

    @property
    def pre_join_types(self) -> list[str]:
        return [e.name for e in self.event_types.values() if e.pre_join]

    @property
    def churn_types(self) -> list[str]:
        """Types that mark hard churn (stage ``lost``, e.g. ``del_follow_user``)."""
        return [e.name for e in self.event_types.values() if e.stage == "lost"]

    @property
    def interaction_types(self) -> list[str]:
        """Types that count as the user doing something after joining: every type that
        evidences a ladder stage from ``access`` up (not pre-join, not churn, not quits)."""
        ladder = list(STAGES)
        lowest = ladder.index("access")
        return [
            e.name
            for e in self.event_types.values()
            if not e.pre_join and e.stage in ladder and ladder.index(e.stage) >= lowest
        ]

    def table(self) -> pd.DataFrame:
        """The vocabulary as a table (event_type, value, value_zh, stage, stage_zh, ...)."""
        rows = [
            {
                "event_type": e.name,
                "value": e.value,
                "value_zh": VALUES.get(e.value) if e.value else None,
                "stage": e.stage,
                "stage_zh": {**STAGES, **OFF_LADDER}.get(e.stage) if e.stage else None,
                "pre_join": e.pre_join,
                "meaning": e.meaning,
            }
            for e in self.event_types.values()
        ]
        return pd.DataFrame(rows)


def default_vocabulary() -> Vocabulary:
    return Vocabulary({n: EventType(n, v, s, m, p) for n, v, s, m, p in _DEFAULT}, {})


def load_vocabulary(
    config: str | Path | Mapping | Vocabulary | None = None, *, extend_default: bool = True
) -> Vocabulary:
    """Build a vocabulary from a YAML path, a dict, or None (the default).

    With ``extend_default`` the configuration adds to and overrides the default types;
    otherwise it replaces them.
    """
    if config is None:
        return default_vocabulary()
    if isinstance(config, Vocabulary):
        return config
    source = "dict"
    if isinstance(config, (str, Path)):
        import yaml

        source = str(config)
        with open(config, encoding="utf-8") as fh:
            config = yaml.safe_load(fh) or {}
    if not isinstance(config, Mapping):
        raise VocabularyError(
            f"{source}: a vocabulary must be a mapping, got {type(config).__name__}"
        )
    unknown_keys = set(config) - {"event_types", "aliases"}
    if unknown_keys:
        raise VocabularyError(
            f"{source}: unknown keys {sorted(unknown_keys)}; "
            "expected 'event_types' and/or 'aliases'"
        )
    types = dict(default_vocabulary().event_types) if extend_default else {}
    for name, spec in (config.get("event_types") or {}).items():
        spec = spec or {}
        value, stage = spec.get("value"), spec.get("stage")
        if value is not None and value not in VALUES:
            raise VocabularyError(
                f"{source}: event type {name!r} has value {value!r}; "
                f"expected one of {list(VALUES)} or null"
            )
        if stage is not None and stage not in {**STAGES, "lost": ""}:
            raise VocabularyError(
                f"{source}: event type {name!r} has stage {stage!r}; "
                f"expected one of {list(STAGES) + ['lost']} or null"
            )
        types[str(name)] = EventType(
            str(name), value, stage, str(spec.get("meaning", "")), bool(spec.get("pre_join", False))
        )
    aliases = {}
    for alias, target in (config.get("aliases") or {}).items():
        if target not in types:
            raise VocabularyError(
                f"{source}: alias {alias!r} points to unknown event type {target!r}"
            )
        aliases[str(alias)] = str(target)
    return Vocabulary(types, aliases)
