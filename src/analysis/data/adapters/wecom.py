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
earliest ``follow_user.createtime``         ``contacts.joined_at`` and a ``contact_add`` event
                                            (context ``1v1``)
``follow_user.state`` via ``state_map``     ``contacts.channel``, ``hook``; ``"<state>:<id>"``
                                            also sets ``referrer_id``
``follow_user.add_way`` (:data:`ADD_WAY`)   ``channel`` when ``state`` is empty; kept as
                                            ``add_way`` / ``add_way_name`` columns
``type``, ``gender``, tags, employees       ``wecom_type``, ``gender``, ``tags``,
                                            ``follow_user``, ``n_follow_users`` columns
``unionid``, ``name``, remarks, mobiles     not carried (personal data, PIPL)
group member ``type`` 2, ``join_time``      ``group_join`` event (context ``group``)
callback ``del_member``                     ``group_quit`` event
callback ``add_member``                     ``group_join`` event (duplicates of the snapshot
                                            dropped and counted)
callback ``del_follow_user``                ``del_follow_user`` event (hard churn) — only when
                                            it removes the customer's last employee
==========================================  ==================================================

Why this module is long: it is one API's adapter. Contacts, group chats and change callbacks
share the record readers, the id and Unix-time checks, the ``state`` → channel/hook lookup
and the ledger bookkeeping; split by endpoint, three files would import the same private
helpers.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from analysis.data.adapters.common import Adapted, combine, empty_table, from_unix, load_mapping
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


def _state_lookup(state: str, state_map: Mapping[str, Any]) -> tuple[str, str, str | None] | None:
    def entry(v: Any) -> tuple[str, str]:
        if isinstance(v, Mapping):
            return str(v.get("channel", "unknown")), str(v.get("hook", "unknown"))
        return str(v), "unknown"

    if state in state_map:
        ch, hk = entry(state_map[state])
        return ch, hk, None
    key, sep, ref = state.partition(":")
    if sep and key in state_map and ref:
        ch, hk = entry(state_map[key])
        return ch, hk, ref
    return None


def wecom_contacts(
    inputs: Any, *, state_map: str | Path | Mapping | None = None, tz: str = DEFAULT_TZ
) -> Adapted:
    """External-contact API responses → contacts (+ one ``contact_add`` event per user).

    ``state_map`` maps each channel QR code's ``state`` to ``{channel, hook}`` (a dict, or a
    YAML/JSON file). A state ``"<key>:<user_id>"`` whose key is mapped is a referral code:
    the part after the colon becomes ``referrer_id``. A state not in the map is kept as
    the channel (hook ``unknown``) and counted; an empty state takes the channel from
    ``add_way`` (:data:`ADD_WAY`) and is counted.
    """
    smap = load_mapping(state_map, "state map")
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
        detail="one user per external_userid; earliest createtime kept",
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
    for state, aw in zip(first["state"], add_way):
        if not state:
            from_add_way += 1
            channel.append(ADD_WAY[int(aw)][0])
            hook.append("unknown")
            referrer.append(None)
            continue
        hit = _state_lookup(state, smap)
        if hit is None:
            unmapped += 1
            channel.append(state)
            hook.append("unknown")
            referrer.append(None)
        else:
            channel.append(hit[0])
            hook.append(hit[1])
            referrer.append(hit[2])
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
        }
    )
    contacts["joined_at"] = joined.to_numpy()
    events = pd.DataFrame(
        {
            "user_id": contacts["user_id"],
            "occurred_at": joined.to_numpy(),
            "event_type": "contact_add",
            "value": np.nan,
            "context": "1v1",
        }
    )
    ledger.add(
        "events",
        "wecom: contact_add events from the earliest follow relation",
        rows_in=len(first),
        rows_out=len(events),
        detail="one per user",
    )
    names = " + ".join(sorted(files))
    srcs = {"contacts": [Source(names, 0)], "events": [Source(names, 0)]}
    if len(files) == 1:  # errors name the JSON record each contact came from
        srcs["contacts"] = [Source(names, 0, row_numbers=first["_rec"].to_numpy())]
    return Adapted(contacts=contacts, events=events, ledger=ledger, sources=srcs)


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


def wecom_callbacks(
    inputs: Any,
    *,
    followers: Mapping[str, Iterable[str]] | None = None,
    customers: Iterable[str] | None = None,
    tz: str = DEFAULT_TZ,
) -> Adapted:
    """Decrypted change callbacks → ``del_follow_user``, ``group_join``, ``group_quit`` events.

    ``followers`` (customer → employees, e.g. :func:`followers_of` the contact responses) lets
    a ``del_follow_user`` count as hard churn only when it removes the customer's last
    employee; ``customers`` (known external_userids) drops group members that are employees.
    Every callback item (one per message; one per ``MemChangeList`` member for group
    callbacks) is either an event or dropped and counted by reason.
    """
    follow = {k: set(v) for k, v in (followers or {}).items()}
    known = set(customers) if customers is not None else None
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
    n = len(items)
    ledger.add(
        "events",
        "wecom: callback items read",
        rows_in=n,
        rows_out=len(items),
        detail="one per message; group callbacks one per changed member",
    )
    if not items:
        return Adapted(ledger=ledger)
    order = {"add_external_contact": 0, "add_half_external_contact": 0}
    items.sort(
        key=lambda x: (
            x[0],
            order.get(x[2], 1),
            str(x[1]),
            str(x[2]),
            str(x[3]),
            str(x[4]),
            str(x[5].get("ExternalUserID")),
            str(x[5].get("UserID")),
        )
    )
    # each item's fate: the event it became (a tuple) or the reason it was dropped (a str)
    fates: list[tuple | str | None] = []
    other_types: set[str] = set()

    def drop(reason: str) -> None:
        fates[-1] = reason

    def keep(event: tuple) -> None:
        fates[-1] = event

    for t, ev, ct, detail, member, d, file, rec in items:
        fates.append(None)
        ext = str(d.get("ExternalUserID") or "").strip()
        emp = str(d.get("UserID") or "").strip()
        if ev == "change_external_contact" and ct in (
            "add_external_contact",
            "add_half_external_contact",
        ):
            if not ext:
                raise DataError(file, "ExternalUserID", "missing id", rows=[rec])
            follow.setdefault(ext, set()).add(emp)
            drop("contact adds (contacts come from externalcontact/get)")
        elif ev == "change_external_contact" and ct == "del_follow_user":
            if not ext:
                raise DataError(file, "ExternalUserID", "missing id", rows=[rec])
            rest = follow.setdefault(ext, set())
            rest.discard(emp)
            if rest:
                drop("del_follow_user while another employee still follows (not churn)")
            else:
                keep((ext, t, "del_follow_user", "1v1", None, None))
        elif ev == "change_external_contact" and ct == "del_external_contact":
            follow.setdefault(ext, set()).discard(emp)
            drop("del_external_contact (the employee deleted the customer: not customer churn)")
        elif detail in ("add_member", "del_member"):
            if member is None:
                drop("group callbacks without MemChangeList (member unknown)")
                continue
            if known is not None and member not in known:
                drop("group members that are not known customers (employees)")
                continue
            chat = str(d.get("ChatId") or "")
            if detail == "add_member":
                scene = JOIN_SCENE.get(
                    _int(d.get("JoinScene", 0) or 0, file, "JoinScene", rec, what="JoinScene"),
                    "unknown",
                )
                keep((member, t, "group_join", "group", chat, scene))
            else:
                scene = QUIT_SCENE.get(
                    _int(d.get("QuitScene", 0) or 0, file, "QuitScene", rec, what="QuitScene"),
                    "unknown",
                )
                keep((member, t, "group_quit", "group", chat, scene))
        else:
            other_types.add(f"{ev}/{ct}" + (f"/{detail}" if detail else ""))
            drop("callback types with no event in the vocabulary")
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
    if not out:
        return Adapted(ledger=ledger)
    df = pd.DataFrame(out, columns=["user_id", "t", "event_type", "context", "chat_id", "scene"])
    events = pd.DataFrame(
        {
            "user_id": pd.array(df["user_id"], dtype="str"),
            "occurred_at": from_unix(df["t"].to_numpy(), tz).to_numpy(),
            "event_type": df["event_type"],
            "value": np.nan,
            "context": df["context"],
            "chat_id": df["chat_id"],
            "join_scene": df["scene"].where(df["event_type"] == "group_join"),
            "quit_scene": df["scene"].where(df["event_type"] == "group_quit"),
        }
    )
    files = " + ".join(sorted({it[6] for it in items}))
    return Adapted(events=events, ledger=ledger, sources={"events": [Source(files, 0)]})


def read_wecom(
    *,
    contacts: Any = None,
    groupchats: Any = None,
    callbacks: Any = None,
    state_map: str | Path | Mapping | None = None,
    tz: str = DEFAULT_TZ,
) -> Adapted:
    """All WeCom inputs together: contacts, group snapshot joins, callbacks.

    A group join seen both in the ``groupchat/get`` snapshot and in an ``add_member``
    callback (same customer, chat and second) is kept once; the duplicates are counted.
    """
    c = wecom_contacts(contacts, state_map=state_map, tz=tz) if contacts is not None else Adapted()
    g = wecom_groupchats(groupchats, tz=tz) if groupchats is not None else Adapted()
    cb = Adapted()
    if callbacks is not None:
        known = set(c.contacts["user_id"]) if len(c.contacts) else None
        cb = wecom_callbacks(callbacks, followers=followers_of(contacts), customers=known, tz=tz)
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
    if not len(out.events):
        out.events = empty_table("events")
    return out


#: The record readers and checks under public names, for the group-send adapter
#: (:mod:`analysis.data.adapters.wecom_touches`).
api_records = _inputs
check_api = _check_api
as_int = _int
unix_seconds = _unix
