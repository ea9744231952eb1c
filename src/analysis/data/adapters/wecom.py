"""WeCom (企业微信) exports → canonical contacts and events.

Three kinds of input, as a brand's pull script or callback server saves them (a file holds
one JSON response, a JSON array of responses, or JSON lines; callbacks may also be the
decrypted XML messages, one ``<xml>`` element each):

* external contacts — ``externalcontact/get`` responses (``external_contact`` +
  ``follow_user`` list) or ``externalcontact/batch/get_by_user`` pages
  (``external_contact_list`` of ``external_contact`` + ``follow_info``);
* group chats — ``externalcontact/groupchat/get`` responses (``group_chat`` with
  ``chat_id`` and ``member_list``: ``userid``, ``type``, ``join_time``, ``join_scene``);
* change callbacks — ``change_external_contact`` (``add_external_contact``,
  ``del_follow_user``, ``del_external_contact``, ...) and ``change_external_chat``
  (``update`` with ``UpdateDetail`` ``add_member`` / ``del_member`` and ``MemChangeList``).

Mapping (see ``docs/adapters.md`` for the full tables):

==========================================  ==================================================
WeCom                                       canonical
==========================================  ==================================================
``external_contact.external_userid``        ``contacts.user_id`` (one user however many
                                            employees follow them)
earliest ``follow_user.createtime`` (or     ``contacts.joined_at`` (the first add; an earlier
first group join)                           group join moves it: ``joined_via``); a
                                            ``contact_add`` event per entry (first add, re-add)
``follow_user.state`` via ``state_map``     ``contacts.channel``, ``hook``; ``"<state>:<id>"``
                                            also sets ``referrer_id``
``follow_user.add_way`` (:data:`ADD_WAY`)   ``channel`` when ``state`` is empty; kept as
                                            ``add_way`` / ``add_way_name`` columns
``type``, ``gender``, tags, employees       ``wecom_type``, ``gender``, ``tags``,
                                            ``follow_user``, ``n_follow_users`` columns
``unionid``, ``name``, remarks, mobiles     not carried (personal data, PIPL)
group member ``type`` 2, ``join_time``      ``group_join`` event (context ``group``); members
                                            never added are group-only contacts
callback ``del_member``                     ``group_quit`` event
callback ``add_member``                     ``group_join`` event (duplicates of the snapshot
                                            dropped and counted)
callback ``add_external_contact``           ``contact_add`` when no employee followed
callback ``del_follow_user``                ``del_follow_user`` event (hard churn) — only when
                                            it removes the customer's last employee
retried callbacks (same event, time, ids)   dropped and counted
==========================================  ==================================================

Why this module is long: it is one API's adapter. Contacts, group chats and change callbacks
share the record readers, the id and Unix-time checks, the ``state`` → channel/hook lookup,
the relation history (:class:`_Follows`, replayed over contact pulls and callbacks together)
and the ledger bookkeeping; split by endpoint, three files would import the same private
helpers.
"""

from __future__ import annotations

import functools
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from analysis.data.adapters.common import (
    SOURCE_ROW,
    Adapted,
    combine,
    empty_table,
    from_unix,
    load_mapping,
)
from analysis.data.errors import DataError, Ledger, LedgerError, Source
from analysis.data.read import decode_bytes, read_bytes
from analysis.data.schema import DEFAULT_TZ

#: ``follow_user.add_way`` codes (WeCom's official table): code → (key, 中文).
#: The key is used as the channel when the relation has no ``state``.
ADD_WAY: dict[int, tuple[str, str]] = {
    0: ("unknown", "未知来源"),
    1: ("qr_code", "扫描二维码"),
    2: ("phone_search", "搜索手机号"),
    3: ("business_card", "名片分享"),
    4: ("group_chat", "群聊"),
    5: ("phone_contacts", "手机通讯录"),
    6: ("wechat_contacts", "微信联系人"),
    7: ("wechat_friend_request", "来自微信的添加好友申请(旧)"),
    8: ("third_party_service", "安装第三方应用时自动添加的客服人员"),
    9: ("email", "搜索邮箱"),
    10: ("wechat_channels", "视频号添加"),
    11: ("calendar", "通过日程参与人添加"),
    12: ("meeting", "通过会议参与人添加"),
    13: ("friend_wecom", "添加微信好友对应的企业微信"),
    14: ("smart_hardware", "通过智慧硬件专属客服添加"),
    15: ("onsite_service", "通过上门服务客服添加"),
    16: ("acquisition_link", "通过获客链接添加"),
    17: ("custom_development", "通过定制开发添加"),
    18: ("demand_reply", "通过需求回复添加"),
    21: ("third_party_presales", "通过第三方售前客服添加"),
    22: ("business_partner", "通过可能的商务伙伴添加"),
    24: ("accepted_friend_request", "通过接受微信账号收到的好友申请添加"),
    201: ("colleague_share", "内部成员共享"),
    202: ("admin_assigned", "管理员/负责人分配"),
}

#: ``external_contact.type``: 1 a WeChat user, 2 a WeCom user.
CONTACT_TYPE = {1: "wechat", 2: "wecom"}
#: ``external_contact.gender``.
GENDER = {0: "unknown", 1: "male", 2: "female"}
#: group ``member_list[].join_scene`` / callback ``JoinScene``.
JOIN_SCENE = {0: "unknown", 1: "invited", 2: "link", 3: "qr_code"}
#: callback ``QuitScene``.
QUIT_SCENE = {0: "left", 1: "removed"}

_CALLBACK_KEYS = {
    k.lower(): k
    for k in (
        "Event",
        "ChangeType",
        "CreateTime",
        "UserID",
        "ExternalUserID",
        "ChatId",
        "UpdateDetail",
        "JoinScene",
        "QuitScene",
        "MemChangeCnt",
        "MemChangeList",
        "State",
    )
}


# --------------------------------------------------------------------------- reading


def read_json_records(path: str | Path) -> list[tuple[int, Any]]:
    """The JSON values in a file: one value, a JSON array (each item), or JSON lines.

    Returns ``(record_number, value)`` pairs (1-based; the line number for JSON lines).
    """
    text, _ = decode_bytes(read_bytes(path), str(path))
    text = text.strip()
    if not text:
        raise DataError(str(path), None, "file has no JSON content")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as first_exc:
        out = []
        for i, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                out.append((i, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise DataError(
                    str(path),
                    None,
                    f"not valid JSON ({exc.msg})",
                    rows=[i],
                    examples=[line[:60]],
                    hint="one JSON value per file, a JSON array, or one JSON object per line",
                ) from first_exc
        return out
    if isinstance(value, list):
        return list(enumerate(value, start=1))
    return [(1, value)]


def _read_xml_messages(path: Path) -> list[tuple[int, dict]]:
    text, _ = decode_bytes(read_bytes(path), str(path))
    text = re.sub(r"<\?xml[^>]*\?>", "", text)
    try:
        root = ET.fromstring(f"<root>{text}</root>")
    except ET.ParseError as exc:
        raise DataError(
            str(path),
            None,
            f"not valid XML ({exc})",
            rows=[exc.position[0]] if exc.position else None,
        ) from exc
    out = []
    for i, msg in enumerate(root.findall("xml"), start=1):
        d: dict[str, Any] = {}
        for child in msg:
            if child.tag == "MemChangeList":
                d[child.tag] = [(it.text or "").strip() for it in child.findall("Item")]
            else:
                d[child.tag] = (child.text or "").strip()
        out.append((i, d))
    return out


def _inputs(inputs: Any) -> list[tuple[str, int, Any]]:
    """(file, record, value) for a path, a list of paths, a parsed dict or a list of dicts."""
    if inputs is None:
        return []
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    if isinstance(inputs, Mapping):
        inputs = [inputs]
    out: list[tuple[str, int, Any]] = []
    for i, item in enumerate(inputs, start=1):
        if isinstance(item, (str, Path)):
            path = Path(item)
            recs = (
                _read_xml_messages(path)
                if path.suffix.lower() == ".xml"
                else read_json_records(path)
            )
            out.extend((str(path), n, v) for n, v in recs)
        else:
            out.append(("<records>", i, item))
    return out


@functools.lru_cache(maxsize=256)
def _base(file: str) -> str:
    return Path(file).name


def _at(file: str, rec: int) -> str:
    """A row's source as ``file:record`` (the file's base name)."""
    return f"{_base(file)}:{rec}"


def _check_api(file: str, rec: int, resp: Any) -> dict:
    if not isinstance(resp, Mapping):
        raise DataError(
            file, None, f"expected a JSON object, got {type(resp).__name__}", rows=[rec]
        )
    code = resp.get("errcode", 0)
    if code not in (0, "0", None):
        raise DataError(
            file,
            "errcode",
            f"the API returned an error ({code}: {resp.get('errmsg', '')})",
            rows=[rec],
            examples=[code],
            hint="save only successful responses (errcode 0)",
        )
    return dict(resp)


def _int(value: Any, file: str, column: str, rec: int, *, what: str) -> int:
    if isinstance(value, bool):
        value = None
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise DataError(file, column, f"{what} is not an integer", rows=[rec], examples=[value])


def _unix(value: Any, file: str, column: str, rec: int) -> int:
    v = _int(value, file, column, rec, what="Unix time")
    if v > 10**11:
        raise DataError(
            file,
            column,
            "Unix time in milliseconds, expected seconds",
            rows=[rec],
            examples=[value],
        )
    if v <= 0:
        raise DataError(
            file, column, "missing Unix time (0 or negative)", rows=[rec], examples=[value]
        )
    return v


# --------------------------------------------------------------------------- contacts


#: Referral ``state`` shapes every brand gets without configuration: ``referral_<id>`` and
#: ``ref:<id>`` (the id is the referrer's). ``"<key>:<id>"`` with a mapped ``<key>`` and the
#: ``referral_pattern`` option come before these.
REFERRAL_STATES = (re.compile(r"referral_(?P<referrer>\S+)"), re.compile(r"ref:(?P<referrer>\S+)"))


def referral_regex(pattern: str | re.Pattern | None) -> re.Pattern | None:
    """The brand's own referral ``state`` pattern, checked: a regular expression matched
    against the whole state, whose group ``referrer`` (or only group) is the referrer's id;
    an optional group ``key`` is looked up in the state map for channel and hook."""
    if pattern is None or pattern == "":
        return None
    try:
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
    except re.error as exc:
        raise ValueError(
            f"referral_pattern {pattern!r} is not a regular expression: {exc}"
        ) from exc
    if "referrer" not in rx.groupindex and rx.groups != 1:
        raise ValueError(
            f"referral_pattern {rx.pattern!r} must have a group named 'referrer' (or exactly "
            "one group) holding the referrer's id, e.g. 'inv-(?P<referrer>\\w+)'"
        )
    return rx


def _state_lookup(
    state: str, state_map: Mapping[str, Any], pattern: re.Pattern | None = None
) -> tuple[str, str, str | None, str] | None:
    """(channel, hook, referrer, rule) for a state, or None when nothing knows it."""

    def entry(v: Any) -> tuple[str, str]:
        if isinstance(v, Mapping):
            return str(v.get("channel", "unknown")), str(v.get("hook", "unknown"))
        return str(v), "unknown"

    def referral(key: str | None) -> tuple[str, str]:
        if key is not None and key in state_map:
            return entry(state_map[key])
        if "referral" in state_map:
            return entry(state_map["referral"])
        return "referral", "unknown"

    if state in state_map:
        ch, hk = entry(state_map[state])
        return ch, hk, None, "mapped"
    key, sep, ref = state.partition(":")
    if sep and key in state_map and ref:
        ch, hk = entry(state_map[key])
        return ch, hk, ref, "<key>:<id>"
    if pattern is not None:
        m = pattern.fullmatch(state)
        if m:
            ref = m.group("referrer") if "referrer" in pattern.groupindex else m.group(1)
            if ref:
                key = m.group("key") if "key" in pattern.groupindex else None
                return *referral(key), ref, "referral_pattern"
    for rx, rule in zip(REFERRAL_STATES, ("referral_<id>", "ref:<id>")):
        m = rx.fullmatch(state)
        if m:
            return *referral(None), m.group("referrer"), rule
    return None


def _state_channel(
    state: str, add_way: int, smap: Mapping[str, Any], rx: re.Pattern | None
) -> tuple[str, str, str | None, str]:
    """(channel, hook, referrer, rule) of a relation: its ``state`` looked up
    (:func:`_state_lookup`), else the state itself (rule ``unmapped``), else ``add_way``'s key
    (rule ``empty``)."""
    if not state:
        return ADD_WAY.get(add_way, ADD_WAY[0])[0], "unknown", None, "empty"
    hit = _state_lookup(state, smap, rx)
    if hit is None:
        return state, "unknown", None, "unmapped"
    return hit


def wecom_contacts(
    inputs: Any,
    *,
    state_map: str | Path | Mapping | None = None,
    referral_pattern: str | re.Pattern | None = None,
    tz: str = DEFAULT_TZ,
    history: bool = True,
) -> Adapted:
    """External-contact API responses → contacts (+ ``contact_add`` events).

    One ``contact_add`` per entry (see :class:`_Follows`): the first add of each customer and
    every re-add the responses show (several saved pulls: the same employee's relation with a
    later ``createtime``); the contact keeps the **first** relation's time, ``add_way`` and
    ``state``. ``history=False`` leaves the events to :func:`wecom_callbacks` (given
    ``relations=``), which also sees the deletions.

    ``state_map`` maps each channel QR code's ``state`` to ``{channel, hook}`` (a dict, or a
    YAML/JSON file). A state ``"<key>:<user_id>"`` whose key is mapped is a referral code:
    the part after the colon becomes ``referrer_id``; so do ``referral_<id>``, ``ref:<id>``
    and states matching ``referral_pattern`` (see :func:`referral_regex`), with the channel
    and hook of the state map's ``referral`` entry (default ``referral`` / ``unknown``).
    A state not in the map is kept as
    the channel (hook ``unknown``) and counted; an empty state takes the channel from
    ``add_way`` (:data:`ADD_WAY`) and is counted.
    """
    smap = load_mapping(state_map, "state map")
    rx = referral_regex(referral_pattern)
    rels: list[dict] = []
    no_follow = 0
    followed = 0
    n_customers_in = 0
    files = set()
    for file, rec, raw in _inputs(inputs):
        files.add(file)
        resp = _check_api(file, rec, raw)
        if "external_contact_list" in resp:
            items = [
                (
                    it.get("external_contact") or {},
                    [it.get("follow_info")]
                    if it.get("follow_info")
                    else (it.get("follow_user") or []),
                )
                for it in resp["external_contact_list"]
            ]
        elif "external_contact" in resp:
            items = [(resp["external_contact"] or {}, resp.get("follow_user") or [])]
        else:
            raise DataError(
                file,
                None,
                "not an externalcontact/get or batch/get_by_user "
                "response (no 'external_contact' or 'external_contact_list')",
                rows=[rec],
                examples=sorted(resp)[:5],
            )
        for ec, follows in items:
            n_customers_in += 1
            ext = str(ec.get("external_userid") or "").strip()
            if not ext:
                raise DataError(
                    file,
                    "external_contact.external_userid",
                    "missing id",
                    rows=[rec],
                    examples=sorted(ec)[:5],
                    hint="keys present are shown, not values (personal data)",
                )
            if not follows:
                no_follow += 1
                continue
            followed += 1
            for fu in follows:
                tags = fu.get("tags")
                if tags:
                    tag_names = sorted(
                        {str(t.get("tag_name") or t.get("tag_id") or "") for t in tags} - {""}
                    )
                else:
                    tag_names = sorted(str(t) for t in (fu.get("tag_id") or []))
                rels.append(
                    {
                        "user_id": ext,
                        "wecom_type": CONTACT_TYPE.get(ec.get("type"), "unknown"),
                        "gender": GENDER.get(ec.get("gender"), "unknown"),
                        "follow_user": str(fu.get("userid") or ""),
                        "createtime": _unix(
                            fu.get("createtime"), file, "follow_user.createtime", rec
                        ),
                        "add_way": _int(
                            fu.get("add_way", 0), file, "follow_user.add_way", rec, what="add_way"
                        ),
                        "state": str(fu.get("state") or "").strip(),
                        "tags": "|".join(tag_names),
                        "_file": file,
                        "_rec": rec,
                        "_label": _at(file, rec),
                    }
                )
    ledger = Ledger()
    n_rel = len(rels)
    ledger.add(
        "contacts",
        "wecom: customers read",
        rows_in=n_customers_in,
        rows_out=followed,
        dropped=no_follow,
        detail="customers with no follow_user (no add time) dropped"
        if no_follow
        else ", ".join(sorted(files)),
    )
    if not rels:
        return Adapted(ledger=ledger)
    df = pd.DataFrame(rels)
    # the same relation saved twice (overlapping pages) is one relation
    dup = df.duplicated(["user_id", "follow_user", "createtime"])
    df = df.loc[~dup]
    ledger.add(
        "contacts",
        "wecom: follow relations",
        rows_in=n_rel,
        rows_out=len(df),
        dropped=int(dup.sum()),
        detail="duplicate relations (same customer, employee and time) dropped",
    )
    # one user per customer: the earliest relation decides joined_at and channel
    df = df.sort_values(["user_id", "createtime", "follow_user"], kind="mergesort")
    n_follow = df.groupby("user_id", sort=False)["follow_user"].nunique()
    all_tags = df.groupby("user_id", sort=False)["tags"].agg(
        lambda s: "|".join(sorted({t for v in s for t in v.split("|") if t}))
    )
    first = df.drop_duplicates("user_id", keep="first").set_index("user_id")
    ledger.add(
        "contacts",
        "wecom: customers followed by several employees merged",
        rows_in=len(df),
        rows_out=len(first),
        dropped=int(df["user_id"].duplicated().sum()),
        detail="one user per external_userid (several employees, or one employee's "
        "relation in several pulls); earliest createtime kept",
    )
    known = first["add_way"].isin(list(ADD_WAY))
    add_way = first["add_way"].where(known, 0)
    if not bool(known.all()):
        codes = sorted(first.loc[~known, "add_way"].unique().tolist())
        ledger.add(
            "contacts",
            "wecom: unknown add_way codes read as 0 (unknown)",
            rows_in=len(first),
            rows_out=len(add_way),
            repaired=int((~known).sum()),
            detail=f"codes {codes}",
        )
    channel, hook, referrer = [], [], []
    unmapped, from_add_way = 0, 0
    rules: dict[str, int] = {}
    for state, aw in zip(first["state"], add_way):
        ch, hk, ref, rule = _state_channel(state, int(aw), smap, rx)
        channel.append(ch)
        hook.append(hk)
        referrer.append(ref)
        from_add_way += rule == "empty"
        unmapped += rule == "unmapped"
        if ref is not None:
            rules[rule] = rules.get(rule, 0) + 1
    if rules:
        ledger.add(
            "contacts",
            "wecom: referrer read from referral states",
            rows_in=len(first),
            rows_out=len(channel),
            detail=", ".join(f"{rule} {k}" for rule, k in sorted(rules.items())),
        )
    if unmapped:
        ledger.add(
            "contacts",
            "wecom: states not in the state map kept as channel",
            rows_in=len(first),
            rows_out=len(channel),
            repaired=unmapped,
            detail="hook 'unknown'",
        )
    if from_add_way:
        ledger.add(
            "contacts",
            "wecom: empty state: channel from add_way",
            rows_in=len(first),
            rows_out=len(channel),
            repaired=from_add_way,
            detail="hook 'unknown'",
        )
    joined = from_unix(first["createtime"].to_numpy(), tz)
    contacts = pd.DataFrame(
        {
            "user_id": pd.array(first.index.to_numpy(dtype=object), dtype="str"),
            "joined_at": joined.to_numpy(),
            "channel": channel,
            "hook": hook,
            "referrer_id": pd.array(referrer, dtype="str"),
            "wecom_type": first["wecom_type"].to_numpy(),
            "gender": first["gender"].to_numpy(),
            "add_way": add_way.astype(int).astype(str).to_numpy(),
            "add_way_name": [ADD_WAY[int(a)][1] for a in add_way],
            "follow_user": first["follow_user"].to_numpy(),
            "n_follow_users": n_follow.reindex(first.index).astype(int).to_numpy(),
            "tags": all_tags.reindex(first.index).to_numpy(),
            SOURCE_ROW: first["_label"].to_numpy(),
        }
    )
    contacts["joined_at"] = joined.to_numpy()
    relations = df[["user_id", "follow_user", "createtime", "state", "_label"]]
    relations = relations.reset_index(drop=True)
    names = " + ".join(sorted(files))
    srcs = {"contacts": [Source(names, 0)], "events": [Source(names, 0)]}
    if len(files) == 1:  # errors name the JSON record each contact came from
        srcs["contacts"] = [Source(names, 0, row_numbers=first["_rec"].to_numpy())]
    out = Adapted(contacts=contacts, ledger=ledger, sources=srcs, relations=relations)
    if history:
        follows = _Follows()
        rows = []
        for u, emp, t, state, label in relations.sort_values(
            ["createtime", "user_id", "follow_user"], kind="mergesort"
        ).itertuples(index=False):
            entry = follows.start(u, emp, int(t))
            if entry in ("first", "re-add"):
                rows.append((u, int(t), "contact_add", "1v1", None, None, emp, state, entry, label))
        out.events = _event_frame(rows, tz)
        ledger.add(
            "events",
            "wecom: contact_add events from follow relations",
            rows_in=len(relations),
            rows_out=len(out.events),
            dropped=len(relations) - len(out.events),
            detail="the first add of each customer and re-adds (an employee's relation "
            f"re-created with a later createtime: {follows.recreated}); adds by a further "
            "employee are not entries",
        )
    return out


class _Follows:
    """Which employees follow each customer, as relation evidence is replayed in time order.

    A customer *enters* (a ``contact_add`` event) when an employee adds them while no employee
    follows them: the first time (``first``) or after they deleted every employee
    (``re-add``). A relation seen again at its own ``createtime`` (a snapshot and the
    ``add_external_contact`` callback of the same add) is ``known``. A relation seen with a
    later ``createtime`` than the open one was re-created, so the customer deleted that
    employee in between (the deletion itself is not in the data): counted in ``recreated``.
    """

    def __init__(self, initial: Mapping[str, Iterable[str]] | None = None):
        self.open: dict[str, dict[str, int | None]] = {
            k: dict.fromkeys(v) for k, v in (initial or {}).items()
        }
        self.entered = set(self.open)
        self.recreated = 0

    def start(self, ext: str, emp: str, t: int) -> str | None:
        rel = self.open.setdefault(ext, {})
        if emp in rel and rel[emp] in (None, t):
            rel[emp] = t
            return "known"
        if emp in rel:
            self.recreated += 1
            entry = len(rel) == 1
        else:
            entry = not rel
        rel[emp] = t
        if not entry:
            return None
        kind = "re-add" if ext in self.entered else "first"
        self.entered.add(ext)
        return kind

    def end(self, ext: str, emp: str) -> bool:
        """The relation ends; True when no employee follows the customer any more."""
        rel = self.open.setdefault(ext, {})
        rel.pop(emp, None)
        return not rel


_EVENT_COLUMNS = [
    "user_id",
    "t",
    "event_type",
    "context",
    "chat_id",
    "scene",
    "follow_user",
    "state",
    "entry",
    SOURCE_ROW,
]


def _event_frame(rows: list[tuple], tz: str) -> pd.DataFrame:
    """Event tuples (:data:`_EVENT_COLUMNS`) → an events frame; the columns after
    ``context`` are extras the loader drops (read_wecom uses them for the contacts)."""
    df = pd.DataFrame(rows, columns=_EVENT_COLUMNS)
    return pd.DataFrame(
        {
            "user_id": pd.array(df["user_id"], dtype="str"),
            "occurred_at": from_unix(df["t"].to_numpy(), tz).to_numpy(),
            "event_type": df["event_type"].to_numpy(),
            "value": np.nan,
            "context": df["context"].to_numpy(),
            "chat_id": df["chat_id"].to_numpy(),
            "join_scene": df["scene"].where(df["event_type"] == "group_join").to_numpy(),
            "quit_scene": df["scene"].where(df["event_type"] == "group_quit").to_numpy(),
            "follow_user": df["follow_user"].to_numpy(),
            "state": df["state"].to_numpy(),
            "entry": df["entry"].to_numpy(),
            SOURCE_ROW: df[SOURCE_ROW].to_numpy(),
        }
    )


def followers_of(inputs: Any) -> dict[str, set[str]]:
    """Employees following each customer in external-contact responses."""
    out: dict[str, set[str]] = {}
    for _file, _rec, raw in _inputs(inputs):
        if not isinstance(raw, Mapping):
            continue
        if "external_contact_list" in raw:
            items = [
                (it.get("external_contact") or {}, [it.get("follow_info") or {}])
                for it in raw["external_contact_list"]
            ]
        else:
            items = [(raw.get("external_contact") or {}, raw.get("follow_user") or [])]
        for ec, follows in items:
            ext = str(ec.get("external_userid") or "").strip()
            for fu in follows:
                if ext and fu.get("userid"):
                    out.setdefault(ext, set()).add(str(fu["userid"]))
    return out


# --------------------------------------------------------------------------- groups


def wecom_groupchats(inputs: Any, *, tz: str = DEFAULT_TZ) -> Adapted:
    """``groupchat/get`` responses → ``group_join`` events of external members (type 2)."""
    rows = []
    n_members = 0
    employees = 0
    for file, rec, raw in _inputs(inputs):
        resp = _check_api(file, rec, raw)
        chat = resp.get("group_chat", resp)
        chat_id = str(chat.get("chat_id") or "").strip()
        if not chat_id or "member_list" not in chat:
            raise DataError(
                file,
                "group_chat.chat_id",
                "not a groupchat/get response (no chat_id or member_list)",
                rows=[rec],
                examples=sorted(chat)[:5],
            )
        for m in chat.get("member_list") or []:
            n_members += 1
            mtype = _int(m.get("type", 2), file, "member_list.type", rec, what="member type")
            if mtype != 2:
                employees += 1
                continue
            uid = str(m.get("userid") or "").strip()
            if not uid:
                raise DataError(file, "member_list.userid", "missing id", rows=[rec])
            scene = _int(
                m.get("join_scene", 0), file, "member_list.join_scene", rec, what="join_scene"
            )
            rows.append(
                {
                    "user_id": uid,
                    "t": _unix(m.get("join_time"), file, "member_list.join_time", rec),
                    "chat_id": chat_id,
                    "join_scene": JOIN_SCENE.get(scene, str(scene)),
                    "_file": file,
                    SOURCE_ROW: _at(file, rec),
                }
            )
    ledger = Ledger()
    ledger.add(
        "events",
        "wecom: group members read",
        rows_in=n_members,
        rows_out=len(rows),
        dropped=employees,
        detail="employees (type 1) are not customers",
    )
    if not rows:
        return Adapted(ledger=ledger)
    df = pd.DataFrame(rows)
    events = pd.DataFrame(
        {
            "user_id": pd.array(df["user_id"], dtype="str"),
            "occurred_at": from_unix(df["t"].to_numpy(), tz).to_numpy(),
            "event_type": "group_join",
            "value": np.nan,
            "context": "group",
            "chat_id": df["chat_id"],
            "join_scene": df["join_scene"],
            SOURCE_ROW: df[SOURCE_ROW].to_numpy(),
        }
    )
    files = " + ".join(sorted(set(df["_file"])))
    return Adapted(events=events, ledger=ledger, sources={"events": [Source(files, 0)]})


# --------------------------------------------------------------------------- callbacks


def _norm_callback(d: Mapping) -> dict:
    out = {}
    for k, v in d.items():
        key = _CALLBACK_KEYS.get(str(k).lower(), str(k))
        out[key] = v
    mcl = out.get("MemChangeList")
    if isinstance(mcl, Mapping):
        mcl = mcl.get("Item", [])
    if isinstance(mcl, str):
        mcl = [mcl]
    out["MemChangeList"] = [str(x).strip() for x in (mcl or []) if str(x).strip()]
    return out


def _callback_key(item: tuple) -> tuple:
    """What makes two callback items the same delivery: event, time and every id in it."""
    t, ev, ct, detail, member, d, _file, _rec = item
    ids = tuple(str(d.get(k) or "").strip() for k in ("ExternalUserID", "UserID", "ChatId"))
    return (t, ev, ct, detail, member) + ids


def _drop_retried(items: list[tuple], ledger: Ledger) -> list[tuple]:
    """WeCom re-sends a callback the server did not acknowledge within 5 seconds (up to three
    times), and a callback log keeps every delivery: items with the same event, time and ids
    are one change. The first delivery is kept; the others are dropped and counted."""
    seen: set[tuple] = set()
    kept = []
    for it in items:
        key = _callback_key(it)
        if key not in seen:
            seen.add(key)
            kept.append(it)
    ledger.add(
        "events",
        "wecom: duplicate callbacks (retried deliveries) dropped",
        rows_in=len(items),
        rows_out=len(kept),
        dropped=len(items) - len(kept),
        detail="same Event, ChangeType, CreateTime and ids: one change delivered again",
    )
    return kept


def wecom_callbacks(
    inputs: Any,
    *,
    followers: Mapping[str, Iterable[str]] | None = None,
    customers: Iterable[str] | None = None,
    employees: Iterable[str] | None = None,
    relations: pd.DataFrame | None = None,
    tz: str = DEFAULT_TZ,
) -> Adapted:
    """Decrypted change callbacks → ``contact_add``, ``del_follow_user``, ``group_join``,
    ``group_quit`` events.

    The relation history is replayed in time order (:class:`_Follows`): ``relations`` (the
    follow relations of the contact responses, ``Adapted.relations``) and
    ``add_external_contact`` callbacks start relations, ``del_follow_user`` and
    ``del_external_contact`` end them. An add while no employee follows the customer is a
    ``contact_add`` (the first add or a re-add after deleting every employee); a
    ``del_follow_user`` is hard churn only when it removes the customer's last employee.
    ``followers`` (customer → employees, e.g. :func:`followers_of`) are relations open from
    the start, for callbacks read without ``relations``.

    Group members (:func:`_member_kind`): ``employees`` (staff ids) are dropped; ``customers``
    and ids shaped like an ``external_userid`` are customers, or group-only members when no
    employee follows them; any other id is dropped and counted.

    Every callback item (one per message; one per ``MemChangeList`` member for group
    callbacks) is either an event or dropped and counted by reason.
    """
    follows = _Follows(followers)
    known = set(customers or ())
    staff = set(employees or ())
    items = []
    for file, rec, raw in _inputs(inputs):
        if not isinstance(raw, Mapping):
            raise DataError(file, None, "a callback must be an object", rows=[rec])
        d = _norm_callback(raw)
        if not d.get("Event"):
            raise DataError(
                file, "Event", "callback without Event", rows=[rec], examples=[sorted(d)[:5]]
            )
        t = _unix(d.get("CreateTime"), file, "CreateTime", rec)
        ev, ct = str(d["Event"]), str(d.get("ChangeType") or "")
        if (
            ev == "change_external_chat"
            and ct == "update"
            and d.get("UpdateDetail") in ("add_member", "del_member")
        ):
            members = d["MemChangeList"] or [None]
            for m in members:
                items.append((t, ev, ct, d.get("UpdateDetail"), m, d, file, rec))
        else:
            items.append((t, ev, ct, None, None, d, file, rec))
    ledger = Ledger()
    ledger.add(
        "events",
        "wecom: callback items read",
        rows_in=len(items),
        rows_out=len(items),
        detail="one per message; group callbacks one per changed member",
    )
    items = _drop_retried(items, ledger)
    n = len(items)
    staff |= {str(x[5].get("UserID") or "").strip() for x in items} - {""}
    # relation starts from the contact responses join the callbacks in time order; at one
    # second, starts come before ends, and a snapshot's start before the callback of it
    snap = []
    if relations is not None and len(relations):
        cols = ["user_id", "follow_user", "createtime", "state"]
        labels = relations["_label"] if "_label" in relations.columns else [None] * len(relations)
        snap = [
            (int(t), "snapshot", u, emp, st, label)
            for (u, emp, t, st), label in zip(
                relations[cols].astype({"createtime": "int64"}).itertuples(index=False), labels
            )
        ]
        staff |= set(relations["follow_user"].astype(str))
    adds = ("add_external_contact", "add_half_external_contact")
    items.sort(
        key=lambda x: (
            x[0],
            0 if x[2] in adds else 1,
            str(x[1]),
            str(x[2]),
            str(x[3]),
            str(x[4]),
            str(x[5].get("ExternalUserID")),
            str(x[5].get("UserID")),
        )
    )
    timeline: list[tuple] = [((x[0], 0, 0, f"{x[2]}\x00{x[3]}", 0), "snapshot", x) for x in snap]
    timeline += [
        ((x[0], 0 if x[2] in adds else 1, 1, "", i), "callback", x) for i, x in enumerate(items)
    ]
    timeline.sort(key=lambda k: k[0])
    # each item's fate: the event it became (a tuple) or the reason it was dropped (a str)
    fates: list[tuple | str | None] = [None] * len(items)
    other_types: set[str] = set()
    snap_events: list[tuple] = []

    for key, source, x in timeline:
        if source == "snapshot":
            t, _, ext, emp, state, label = x
            entry = follows.start(ext, emp, t)
            if entry in ("first", "re-add"):
                snap_events.append(
                    (ext, t, "contact_add", "1v1", None, None, emp, state, entry, label)
                )
            continue
        i = key[4]
        t, ev, ct, detail, member, d, file, rec = x
        at = _at(file, rec)
        ext = str(d.get("ExternalUserID") or "").strip()
        emp = str(d.get("UserID") or "").strip()
        if ev == "change_external_contact" and ct in adds:
            if not ext:
                raise DataError(file, "ExternalUserID", "missing id", rows=[rec])
            entry = follows.start(ext, emp, t)
            if entry in ("first", "re-add"):
                state = str(d.get("State") or "").strip()
                fates[i] = (ext, t, "contact_add", "1v1", None, None, emp, state, entry, at)
            elif entry == "known":
                fates[i] = "contact adds already in the contact responses"
            else:
                fates[i] = "contact adds by a further employee (not an entry)"
        elif ev == "change_external_contact" and ct == "del_follow_user":
            if not ext:
                raise DataError(file, "ExternalUserID", "missing id", rows=[rec])
            if follows.end(ext, emp):
                fates[i] = (ext, t, "del_follow_user", "1v1", None, None, emp, None, None, at)
            else:
                fates[i] = "del_follow_user while another employee still follows (not churn)"
        elif ev == "change_external_contact" and ct == "del_external_contact":
            follows.end(ext, emp)
            fates[i] = (
                "del_external_contact (the employee deleted the customer: not customer churn)"
            )
        elif detail in ("add_member", "del_member"):
            kind = _member_kind(member, known, staff)
            if kind != "customer":
                fates[i] = {
                    None: "group callbacks without MemChangeList (member unknown)",
                    "employee": "group members who are employees",
                    "unknown": "group members neither known nor shaped like an external_userid",
                }[kind]
                continue
            chat = str(d.get("ChatId") or "")
            if detail == "add_member":
                scene = JOIN_SCENE.get(
                    _int(d.get("JoinScene", 0) or 0, file, "JoinScene", rec, what="JoinScene"),
                    "unknown",
                )
                fates[i] = (member, t, "group_join", "group", chat, scene, None, None, None, at)
            else:
                scene = QUIT_SCENE.get(
                    _int(d.get("QuitScene", 0) or 0, file, "QuitScene", rec, what="QuitScene"),
                    "unknown",
                )
                fates[i] = (member, t, "group_quit", "group", chat, scene, None, None, None, at)
        else:
            other_types.add(f"{ev}/{ct}" + (f"/{detail}" if detail else ""))
            fates[i] = "callback types with no event in the vocabulary"
    lost = [i for i, f in enumerate(fates) if f is None]
    if lost:
        raise LedgerError(
            f"wecom_callbacks: {len(lost)} callback items neither became an event nor were "
            f"dropped for a reason (items {lost[:5]})"
        )
    out = [f for f in fates if isinstance(f, tuple)]
    done: set[str] = set()
    for reason in sorted({f for f in fates if isinstance(f, str)}):
        done.add(reason)
        extra = f" ({', '.join(sorted(other_types))})" if "vocabulary" in reason else ""
        ledger.add(
            "events",
            f"wecom: {reason} dropped",
            rows_in=n,
            rows_out=sum(1 for f in fates if f not in done),
            dropped=sum(1 for f in fates if f == reason),
            detail=extra.strip(),
        )
        n = ledger.entries[-1]["kept"]
    if snap:
        ledger.add(
            "events",
            "wecom: contact_add events from follow relations",
            rows_in=len(snap),
            rows_out=len(snap_events),
            dropped=len(snap) - len(snap_events),
            detail="entries (first adds, re-adds) of the contact responses' relations; "
            "relations re-created with a later createtime (deletion not in the data): "
            f"{follows.recreated}; the rest were adds by a further employee or the same add "
            "as a callback",
        )
    rows = snap_events + out
    if not rows:
        return Adapted(ledger=ledger)
    files = " + ".join(sorted({it[6] for it in items}))
    return Adapted(
        events=_event_frame(rows, tz), ledger=ledger, sources={"events": [Source(files, 0)]}
    )


#: WeCom's ``external_userid`` starts with ``wm`` (a WeChat user) or ``wo`` (a WeCom user);
#: staff ``userid``s are whatever the admin typed.
EXTERNAL_USERID = re.compile(r"w[mo][0-9A-Za-z_-]{6,}")


def _member_kind(member: str | None, customers: set[str], employees: set[str]) -> str | None:
    """A group callback's changed member: ``customer`` (a contact or a group-only member),
    ``employee``, ``unknown``, or None (no member given).

    Staff ids (employees following customers, type-1 snapshot members, group owners and
    admins, ``UserID`` of contact callbacks) are employees; known customers (contacts,
    type-2 snapshot members) and ids shaped like an ``external_userid``
    (:data:`EXTERNAL_USERID`) are customers; anything else cannot be told apart."""
    if member is None:
        return None
    if member in employees and member not in customers:
        return "employee"
    if member in customers or EXTERNAL_USERID.fullmatch(member):
        return "customer"
    return "unknown"


def _chat_staff(inputs: Any) -> set[str]:
    """Staff ids in ``groupchat/get`` responses: type-1 members, owners and admins."""
    out: set[str] = set()
    for _file, _rec, raw in _inputs(inputs):
        if not isinstance(raw, Mapping):
            continue
        chat = raw.get("group_chat", raw)
        if not isinstance(chat, Mapping):
            continue
        out.add(str(chat.get("owner") or ""))
        out |= {str(a.get("userid") or "") for a in chat.get("admin_list") or []}
        out |= {
            str(m.get("userid") or "")
            for m in chat.get("member_list") or []
            if str(m.get("type", 2)) == "1"
        }
    return out - {""}


GROUP_ONLY_RULES = ("keep", "drop")


def _contact_rows(users: pd.Index, joined: pd.Series, **columns: Any) -> pd.DataFrame:
    """Contacts rows for ``users`` (``joined`` indexed by user), other columns as given."""
    df = pd.DataFrame(
        {
            "user_id": pd.array(users.to_numpy(dtype=object), dtype="str"),
            "joined_at": joined.reindex(users).to_numpy(),
        }
    )
    for k, v in columns.items():
        df[k] = v if not isinstance(v, pd.Series) else v.reindex(users).to_numpy()
    return df


def _complete_contacts(
    out: Adapted,
    smap: Mapping[str, Any],
    rx: re.Pattern | None,
    group_only: str,
    others: set[str],
) -> None:
    """Contacts from all the evidence (in place): the first add seen only in callbacks,
    customers seen only in callbacks, group-only members, and the earliest entry (a group
    join before the contact add). Each change is a ledger step."""
    e, c, ledger = out.events, out.contacts, out.ledger
    if not len(e) or "follow_user" not in e.columns:
        return
    c = c.copy() if len(c) else c.iloc[0:0].copy()
    c["joined_via"] = "contact_add"
    c["wecom_relation"] = "contact"
    adds = e.loc[e["event_type"] == "contact_add"].sort_values(
        ["occurred_at", "follow_user"], kind="mergesort"
    )
    first_add = adds.drop_duplicates("user_id").set_index("user_id")
    # the first group evidence per user: a join, or a quit (a member who left and rejoined
    # before the snapshot, with the join callback not logged, was in the group before it)
    group_ev = e.loc[e["event_type"].isin(["group_join", "group_quit"])]
    first_group = group_ev.sort_values(["occurred_at", "event_type"], kind="mergesort")
    first_group = first_group.drop_duplicates("user_id").set_index("user_id")

    def channel_of(states: pd.Series) -> pd.DataFrame:
        rows = [_state_channel(str(st or ""), 0, smap, rx) for st in states]
        return pd.DataFrame(rows, index=states.index, columns=["channel", "hook", "ref", "rule"])

    # the contact responses show only the current relation: a customer who deleted and was
    # re-added before the pull has an earlier add in the callbacks, which is the first one
    fa = first_add.reindex(c["user_id"])
    earlier = np.zeros(len(c), dtype=bool)
    if len(c):
        first_t = fa["occurred_at"].reset_index(drop=True)
        earlier = (first_t < c["joined_at"].reset_index(drop=True)).to_numpy(bool)
    if earlier.any():
        ch = channel_of(fa.loc[earlier, "state"])
        c.loc[earlier, "joined_at"] = fa.loc[earlier, "occurred_at"].to_numpy()
        c.loc[earlier, "channel"] = ch["channel"].to_numpy()
        c.loc[earlier, "hook"] = ch["hook"].to_numpy()
        c.loc[earlier, "referrer_id"] = ch["ref"].to_numpy()
        c.loc[earlier, "add_way"] = "0"
        c.loc[earlier, "add_way_name"] = ADD_WAY[0][1]
        c.loc[earlier, "follow_user"] = fa.loc[earlier, "follow_user"].to_numpy()
    ledger.add(
        "contacts",
        "wecom: first add seen only in callbacks (deleted and re-added before the pull)",
        rows_in=len(c),
        rows_out=len(c),
        repaired=int(earlier.sum()),
        detail="joined_at, channel, hook, referrer and follow_user from the first "
        "add_external_contact; its add_way is not in the callback: 0 (unknown)",
    )
    parts = [c] if len(c) else []
    only_cb = first_add.index.difference(pd.Index(c["user_id"])).difference(others)
    if len(only_cb):
        fa = first_add.loc[only_cb]
        ch = channel_of(fa["state"])
        n_follow = adds.groupby("user_id")["follow_user"].nunique()
        parts.append(
            _contact_rows(
                only_cb,
                fa["occurred_at"],
                channel=ch["channel"],
                hook=ch["hook"],
                referrer_id=ch["ref"],
                wecom_type="unknown",
                gender="unknown",
                add_way="0",
                add_way_name=ADD_WAY[0][1],
                follow_user=fa["follow_user"],
                n_follow_users=n_follow,
                tags="",
                joined_via="contact_add",
                wecom_relation="contact",
                **{SOURCE_ROW: fa[SOURCE_ROW]},
            )
        )
    ledger.add(
        "contacts",
        "wecom: customers seen only in callbacks added",
        rows_in=len(only_cb),
        rows_out=len(only_cb),
        detail="add_external_contact of a customer not in the contact responses (e.g. "
        "deleted before the pull): channel from its State, add_way 0 (unknown)",
    )
    go = first_group.index.difference(pd.Index(c["user_id"])).difference(only_cb)
    elsewhere = go.intersection(others)
    go = go.difference(others)
    if group_only == "keep" and len(go):
        parts.append(
            _contact_rows(
                go,
                first_group["occurred_at"],
                channel="group_only",
                hook="unknown",
                referrer_id=None,
                wecom_type="unknown",
                gender="unknown",
                add_way=None,
                add_way_name=None,
                follow_user=None,
                n_follow_users=0,
                tags="",
                joined_via=first_group["event_type"],
                wecom_relation="group_only",
                **{SOURCE_ROW: first_group[SOURCE_ROW]},
            )
        )
    ledger.add(
        "contacts",
        "wecom: group-only members (in a customer group, never a contact) added",
        rows_in=len(go) if group_only == "keep" else 0,
        rows_out=len(go) if group_only == "keep" else 0,
        detail=f"rule group_only={group_only}: "
        + (
            "one contact each, joined at the first group evidence, channel 'group_only', "
            "wecom_relation 'group_only'"
            if group_only == "keep"
            else f"{len(go)} members not added; their events are dropped"
        )
        + (
            f"; {len(elsewhere)} group members are contacts of another export (not added)"
            if len(elsewhere)
            else ""
        ),
    )
    if group_only == "drop":
        mine = e["user_id"].isin(go)
        out.events = e.loc[~mine].reset_index(drop=True)
        ledger.add(
            "events",
            "wecom: events of group-only members dropped (group_only=drop)",
            rows_in=len(e),
            rows_out=len(out.events),
            dropped=int(mine.sum()),
        )
    added = len(parts) > (1 if len(c) else 0)
    if added:
        c = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    # the earliest evidence of entering the private domain: a group join (or quit) may come
    # before the first add, and so may a deletion whose add predates the exports
    c = c.reset_index(drop=True)
    dels = e.loc[e["event_type"] == "del_follow_user"].groupby("user_id")["occurred_at"].min()
    for what, first in (
        ("group", first_group),
        ("deletion", dels.to_frame().assign(event_type="del_follow_user")),
    ):
        ft = first["occurred_at"].reindex(c["user_id"]).reset_index(drop=True)
        before = (ft < c["joined_at"]).to_numpy(bool)
        if before.any():
            c.loc[before, "joined_at"] = ft[before]
            via = first["event_type"].reindex(c["user_id"]).reset_index(drop=True)
            c.loc[before, "joined_via"] = via[before]
        if what == "group":
            step = (
                "wecom: joined a customer group before the contact add: joined_at is the group join"
            )
            detail = (
                "the earliest evidence of entering the private domain (a group_join, or a "
                "group_quit before any join); channel and add_way stay the first contact "
                "relation's"
            )
        else:
            step = "wecom: deleted before any add in the exports: joined_at is the deletion"
            detail = (
                "a del_follow_user before the first add known: the customer was a contact "
                "before it (the add predates the exports); channel and add_way are those of "
                "the later relation, the only one known"
            )
        ledger.add(
            "contacts",
            step,
            rows_in=len(c),
            rows_out=len(c),
            repaired=int(before.sum()),
            detail=detail,
        )
    if added:
        names = {x.file for t in ("contacts", "events") for x in out.sources.get(t, [])}
        out.sources["contacts"] = [Source(" + ".join(sorted(names)), 0)]
    out.contacts = c


def read_wecom(
    *,
    contacts: Any = None,
    groupchats: Any = None,
    callbacks: Any = None,
    state_map: str | Path | Mapping | None = None,
    referral_pattern: str | re.Pattern | None = None,
    group_only: str = "keep",
    other_contacts: Iterable[str] = (),
    tz: str = DEFAULT_TZ,
) -> Adapted:
    """All WeCom inputs together: contacts, group snapshot joins, callbacks.

    The relation history of contacts and callbacks is replayed together
    (:func:`wecom_callbacks` with ``relations=``): a customer who deletes and is re-added keeps
    the first add's time, ``add_way`` and ``state``, and every add and deletion stays an event.
    A contact's ``joined_at`` is the earliest evidence of entering the private domain: a group
    join before the contact add moves it (``joined_via`` says which). Customers seen only in
    callbacks become contacts. Group members who are never contacts are group-only members:
    with ``group_only="keep"`` (default) one contact each (``channel`` and ``wecom_relation``
    ``group_only``), with ``"drop"`` their events are dropped. ``other_contacts`` are ids
    that other exports (a contacts spreadsheet) hold: customers, never group-only members or
    contacts made from callbacks. All counted in the ledger.

    A group join seen both in the ``groupchat/get`` snapshot and in an ``add_member``
    callback (same customer, chat and second) is kept once; the duplicates are counted.
    """
    if group_only not in GROUP_ONLY_RULES:
        raise ValueError(f"group_only must be one of {GROUP_ONLY_RULES}, got {group_only!r}")
    smap = load_mapping(state_map, "state map")
    rx = referral_regex(referral_pattern)
    c = (
        wecom_contacts(
            contacts, state_map=smap, referral_pattern=rx, tz=tz, history=callbacks is None
        )
        if contacts is not None
        else Adapted()
    )
    g = wecom_groupchats(groupchats, tz=tz) if groupchats is not None else Adapted()
    cb = Adapted()
    if callbacks is not None:
        known = set(c.contacts["user_id"]) | set(g.events["user_id"]) | set(other_contacts)
        staff = _chat_staff(groupchats) if groupchats is not None else set()
        cb = wecom_callbacks(
            callbacks, customers=known, employees=staff, relations=c.relations, tz=tz
        )
    out = combine(c, g, cb)
    e = out.events
    if len(e) and "chat_id" in e.columns:
        joins = e["event_type"] == "group_join"
        dup = joins & e.duplicated(["user_id", "chat_id", "occurred_at", "event_type"])
        if bool(dup.any()):
            out.events = e.loc[~dup].reset_index(drop=True)
            out.ledger.add(
                "events",
                "wecom: group joins seen in both snapshot and callbacks",
                rows_in=len(e),
                rows_out=len(out.events),
                dropped=int(dup.sum()),
                detail="kept once",
            )
    _complete_contacts(out, smap, rx, group_only, set(other_contacts))
    if not len(out.events):
        out.events = empty_table("events")
    return out


#: The record readers and checks under public names, for the group-send adapter
#: (:mod:`analysis.data.adapters.wecom_touches`).
api_records = _inputs
check_api = _check_api
as_int = _int
unix_seconds = _unix
