"""Write canonical tables back in the raw shapes real exports have (synthetic data only).

``write_raw(tables, out)`` turns contacts / events / orders (e.g. the committed sample or a
:func:`analysis.simulate.simulate` run) into:

==============================  ===========================================================
file                            content
==============================  ===========================================================
``wecom_contacts.json``         ``externalcontact/batch/get_by_user`` pages: one item per
                                (customer, employee) relation; ~15% of customers are also
                                followed by a second employee, later
``state_map.yaml``              each channel QR code's ``state`` → ``{channel, hook}``;
                                referral codes are ``"<state>:<referrer user_id>"``
``wecom_groupchats.json``       ``groupchat/get`` snapshots: customers still in each group
                                plus two employees (type 1)
``wecom_callbacks.jsonl``       decrypted change callbacks: ``add_member`` for every group
                                join, ``del_member`` for every quit, ``del_follow_user`` for
                                every hard churn (first the second employee, if any, then the
                                last one), and ``edit_external_contact`` noise; optionally
                                ``add_external_contact`` for every relation and retried
                                deliveries (``add_callbacks``, ``retry_rate``)
``events.csv``                  every other event: Excel-style CSV in GB18030 with CRLF and
                                Chinese headers (用户ID, 发生时间, 事件类型, 数值, 场景)
``orders.xlsx``                 orders with Chinese headers (订单编号, 用户ID, 下单时间,
                                实付金额, 是否退款, 退款金额), dates as Excel date cells
==============================  ===========================================================

:func:`analysis.data.adapters.load_raw` on the folder gives back the canonical tables (the
``contact_add`` events are rebuilt from ``createtime``: one per user at ``joined_at``).

Command line: ``python -m analysis.simulate.raw_exports --data data/sample --out DIR``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.data.schema import DEFAULT_TZ

WECOM_TYPES = ("contact_add", "group_join", "group_quit", "del_follow_user")
EVENT_HEADERS = {
    "user_id": "用户ID",
    "occurred_at": "发生时间",
    "event_type": "事件类型",
    "value": "数值",
    "context": "场景",
}
ORDER_HEADERS = {
    "order_id": "订单编号",
    "user_id": "用户ID",
    "ordered_at": "下单时间",
    "amount": "实付金额",
    "is_refund": "是否退款",
    "refund_amount": "退款金额",
}
GROUP_SIZE = 400


def _unix(s: pd.Series) -> np.ndarray:
    return (
        s.dt.tz_convert("UTC")
        .dt.tz_localize(None)
        .astype("datetime64[s]")
        .astype("int64")
        .to_numpy()
    )


def _local_naive(s: pd.Series, tz: str) -> pd.Series:
    return s.dt.tz_convert(tz).dt.tz_localize(None)


def _synthetic(text: str, n: int) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:n]


def write_raw(
    tables: Any,
    out: str | Path,
    *,
    seed: int = 0,
    n_employees: int = 5,
    tz: str = DEFAULT_TZ,
    add_callbacks: bool = False,
    retry_rate: float = 0.0,
) -> dict[str, Path]:
    """Write ``tables`` (anything with ``.contacts``, ``.events``, ``.orders`` canonical
    frames) as raw exports into ``out``; returns the paths written.

    ``add_callbacks`` also logs an ``add_external_contact`` callback for every follow
    relation (with its ``State``), as a brand's callback server does; ``retry_rate`` is the
    share of callbacks delivered a second time (WeCom's retries, kept by the log). Neither
    changes what the exports mean: :func:`analysis.data.adapters.load_raw` gives back the
    same tables."""
    import yaml

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    c = tables.contacts.reset_index(drop=True)
    e = tables.events.reset_index(drop=True)
    o = tables.orders.reset_index(drop=True)
    paths: dict[str, Path] = {}

    # ---- state codes
    pairs = sorted(set(zip(c["channel"].astype(str), c["hook"].astype(str))))
    code = {p: f"s{i + 1:02d}" for i, p in enumerate(pairs)}
    state_map = {code[p]: {"channel": p[0], "hook": p[1]} for p in pairs}
    paths["state_map"] = out / "state_map.yaml"
    with open(paths["state_map"], "w", encoding="utf-8") as fh:
        fh.write("# channel QR code state -> channel and hook (synthetic)\n")
        yaml.safe_dump(state_map, fh, allow_unicode=True, sort_keys=True)

    # ---- contacts: one relation per employee following the customer
    n = len(c)
    uid = c["user_id"].astype(str).to_numpy()
    ref = c["referrer_id"].astype(object).where(c["referrer_id"].notna(), None).to_numpy()
    states = np.array(
        [
            code[(ch, hk)] + (f":{r}" if r is not None else "")
            for ch, hk, r in zip(c["channel"].astype(str), c["hook"].astype(str), ref)
        ],
        dtype=object,
    )
    joined = _unix(c["joined_at"])
    emp = np.array([f"emp{i + 1:02d}" for i in range(n_employees)], dtype=object)
    first_emp = emp[rng.integers(0, n_employees, size=n)]
    churn = e.loc[e["event_type"] == "del_follow_user"].groupby("user_id")["occurred_at"].min()
    churn_t = pd.Series(uid).map(churn)
    churn_s = np.where(churn_t.notna(), _unix(churn_t.fillna(pd.Timestamp(0, tz=tz))), -1)
    end = int(max(_unix(e["occurred_at"]).max() if len(e) else 0, joined.max() if n else 0)) + 1
    second_t = joined + rng.integers(3600, 30 * 86400, size=n)
    limit = np.where(churn_s > 0, churn_s - 60, end)
    second = (rng.random(n) < 0.15) & (second_t < limit) & (n_employees > 1)
    second_emp = np.where(first_emp == emp[0], emp[-1], emp[0]) if n_employees > 1 else first_emp
    gender = rng.choice([0, 1, 2], size=n, p=[0.1, 0.3, 0.6])

    def item(i: int, employee: str, t: int) -> dict:
        return {
            "external_contact": {
                "external_userid": uid[i],
                "name": f"客户{i + 1:05d}",
                "type": 1,
                "avatar": "",
                "gender": int(gender[i]),
                "unionid": "o" + _synthetic("union" + uid[i], 27),
            },
            "follow_info": {
                "userid": employee,
                "remark": "",
                "description": "",
                "createtime": int(t),
                "tag_id": [],
                "remark_mobiles": [],
                "oper_userid": employee,
                "add_way": 1,
                "state": states[i],
            },
        }

    rels = [item(i, first_emp[i], joined[i]) for i in range(n)]
    rels += [item(i, second_emp[i], second_t[i]) for i in np.flatnonzero(second)]
    pages = [
        {
            "errcode": 0,
            "errmsg": "ok",
            "external_contact_list": rels[k : k + 100],
            "next_cursor": f"cursor{k // 100 + 1}" if k + 100 < len(rels) else "",
        }
        for k in range(0, len(rels), 100)
    ]
    paths["wecom_contacts"] = out / "wecom_contacts.json"
    paths["wecom_contacts"].write_text(
        json.dumps(pages, ensure_ascii=False, indent=1), encoding="utf-8"
    )

    # ---- groups: snapshot of current members + callbacks for every join and quit
    ge = e.loc[e["event_type"].isin(["group_join", "group_quit"])].copy()
    ge["t"] = _unix(ge["occurred_at"])
    rank = {u: i for i, u in enumerate(uid)}
    ge["chat"] = [f"wrSYN{rank.get(u, 0) // GROUP_SIZE:05d}" for u in ge["user_id"].astype(str)]
    ge = ge.sort_values(["t", "user_id", "event_type"], kind="mergesort")
    last = ge.drop_duplicates(["user_id", "chat"], keep="last")
    current = last.loc[last["event_type"] == "group_join"]
    callbacks: list[dict] = []
    chats = []
    for chat in sorted(ge["chat"].unique()):
        mem = current.loc[current["chat"] == chat]
        members = [
            {
                "userid": emp[0],
                "type": 1,
                "join_time": int(ge["t"].min()),
                "join_scene": 1,
                "invitor": {"userid": emp[0]},
            },
            {
                "userid": emp[-1],
                "type": 1,
                "join_time": int(ge["t"].min()),
                "join_scene": 1,
                "invitor": {"userid": emp[0]},
            },
        ]
        members += [
            {
                "userid": str(u),
                "type": 2,
                "unionid": "o" + _synthetic("union" + u, 27),
                "join_time": int(t),
                "join_scene": 3,
                "group_nickname": "",
                "name": f"客户{rank.get(u, 0) + 1:05d}",
            }
            for u, t in zip(mem["user_id"].astype(str), mem["t"])
        ]
        chats.append(
            {
                "errcode": 0,
                "errmsg": "ok",
                "group_chat": {
                    "chat_id": chat,
                    "name": f"品牌福利群{chat[-3:]}",
                    "owner": emp[0],
                    "create_time": int(ge["t"].min()),
                    "notice": "",
                    "member_list": members,
                    "admin_list": [{"userid": emp[0]}],
                    "member_version": _synthetic(chat, 32),
                },
            }
        )
    paths["wecom_groupchats"] = out / "wecom_groupchats.json"
    paths["wecom_groupchats"].write_text(
        json.dumps(chats, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    for u, t, et, chat in zip(
        ge["user_id"].astype(str), ge["t"], ge["event_type"].astype(str), ge["chat"]
    ):
        msg = {
            "ToUserName": "wwSYNTHETIC",
            "FromUserName": "sys",
            "CreateTime": int(t),
            "MsgType": "event",
            "Event": "change_external_chat",
            "ChatId": chat,
            "ChangeType": "update",
            "MemChangeCnt": 1,
            "MemChangeList": [u],
        }
        if et == "group_join":
            msg.update(UpdateDetail="add_member", JoinScene=3)
        else:
            msg.update(UpdateDetail="del_member", QuitScene=0)
        callbacks.append(msg)
    # ---- hard churn: the second employee (if any) is deleted first, then the last one
    for i in np.flatnonzero(churn_s > 0):
        base = {
            "ToUserName": "wwSYNTHETIC",
            "FromUserName": "sys",
            "MsgType": "event",
            "Event": "change_external_contact",
            "ChangeType": "del_follow_user",
            "ExternalUserID": uid[i],
        }
        if second[i]:
            callbacks.append({**base, "CreateTime": int(churn_s[i] - 30), "UserID": second_emp[i]})
        callbacks.append({**base, "CreateTime": int(churn_s[i]), "UserID": first_emp[i]})
    for i in rng.choice(n, size=min(n, max(1, n // 50)), replace=False) if n else []:
        callbacks.append(
            {
                "ToUserName": "wwSYNTHETIC",
                "FromUserName": "sys",
                "MsgType": "event",
                "Event": "change_external_contact",
                "ChangeType": "edit_external_contact",
                "UserID": first_emp[i],
                "ExternalUserID": uid[i],
                "CreateTime": int(joined[i] + 60),
            }
        )
    if add_callbacks:
        for item in rels:
            fi = item["follow_info"]
            callbacks.append(
                {
                    "ToUserName": "wwSYNTHETIC",
                    "FromUserName": "sys",
                    "MsgType": "event",
                    "Event": "change_external_contact",
                    "ChangeType": "add_external_contact",
                    "UserID": fi["userid"],
                    "ExternalUserID": item["external_contact"]["external_userid"],
                    "State": fi["state"],
                    "WelcomeCode": _synthetic("welcome" + str(fi["createtime"]), 16),
                    "CreateTime": fi["createtime"],
                }
            )
    if retry_rate > 0 and callbacks:
        again = rng.random(len(callbacks)) < retry_rate
        callbacks += [dict(m) for m, a in zip(callbacks, again) if a]
    callbacks.sort(key=lambda m: (m["CreateTime"], json.dumps(m, sort_keys=True)))
    paths["wecom_callbacks"] = out / "wecom_callbacks.jsonl"
    with open(paths["wecom_callbacks"], "w", encoding="utf-8") as fh:
        for m in callbacks:
            fh.write(json.dumps(m, ensure_ascii=False) + "\n")

    # ---- other events: Excel-style GB18030 CSV with Chinese headers
    rest = e.loc[~e["event_type"].astype(str).isin(WECOM_TYPES)]
    frame = pd.DataFrame(
        {
            EVENT_HEADERS["user_id"]: rest["user_id"].astype(str).to_numpy(),
            EVENT_HEADERS["occurred_at"]: _local_naive(rest["occurred_at"], tz)
            .dt.strftime("%Y-%m-%d %H:%M:%S")
            .to_numpy(),
            EVENT_HEADERS["event_type"]: rest["event_type"].astype(str).to_numpy(),
            EVENT_HEADERS["value"]: rest["value"].to_numpy(),
            EVENT_HEADERS["context"]: rest["context"].astype(object).to_numpy(),
        }
    )
    paths["events"] = out / "events.csv"
    frame.to_csv(
        paths["events"],
        index=False,
        encoding="gb18030",
        lineterminator="\r\n",
        float_format="%.10g",
    )

    # ---- orders: a workbook with Chinese headers and date cells
    paths["orders"] = out / "orders.xlsx"
    write_orders_xlsx(o, paths["orders"], tz=tz)
    return paths


def write_orders_xlsx(orders: pd.DataFrame, path: str | Path, *, tz: str = DEFAULT_TZ) -> Path:
    """Orders as an ``.xlsx`` sheet with Chinese headers (ids as text, dates as date cells)."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("订单")
    ws.append([ORDER_HEADERS[c] for c in ORDER_HEADERS])
    times = _local_naive(orders["ordered_at"], tz).dt.to_pydatetime() if len(orders) else []
    refund = (
        orders["refund_amount"]
        if "refund_amount" in orders.columns
        else orders["amount"].where(orders["is_refund"], 0.0)
    )
    for oid, u, t, a, r, ra in zip(
        orders["order_id"].astype(str),
        orders["user_id"].astype(str),
        times,
        orders["amount"],
        orders["is_refund"],
        refund,
    ):
        ws.append([oid, u, t, float(a), "是" if bool(r) else "否", float(ra)])
    wb.save(path)
    return Path(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis.simulate.raw_exports",
        description="write canonical tables as raw exports",
    )
    parser.add_argument("--data", default="data/sample", help="folder with canonical tables")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    from analysis.data.load import load_tables
    from analysis.paths import resolve

    tables = load_tables(resolve(args.data))
    for name, p in write_raw(tables, args.out, seed=args.seed, tz=tables.tz).items():
        print(f"{name}: {p}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
