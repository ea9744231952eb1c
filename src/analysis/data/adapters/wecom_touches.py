"""WeCom group-send records (企业微信 群发) → the optional ``touches`` table.

A brand's pull script saves three calls of the customer-contact "message template" API (a
file holds one JSON response, a JSON array of responses, or JSON lines; files named
``wecom_groupmsg*.json`` / ``.jsonl`` in a raw export folder):

* ``get_groupmsg_list_v2`` — ``group_msg_list`` of messages: ``msgid``, ``creator`` (the
  employee), ``create_type``, ``create_time``, ``text.content``, ``attachments`` (each with a
  ``msgtype``: ``image``, ``link``, ``miniprogram``, ``video``, ``file``);
* ``get_groupmsg_task`` — ``task_list`` of the employees asked to send a message (``userid``,
  ``status``, ``send_time``); the response does not repeat the message id, so the script adds
  the ``msgid`` it asked for beside ``task_list``;
* ``get_groupmsg_send_result`` — ``send_list`` of recipients: ``external_userid`` (a customer,
  1:1) or ``chat_id`` (a customer group), ``userid`` (the employee who sent), ``status``
  (0 not sent, 1 sent, 2 not a friend, 3 already got another mass message today) and
  ``send_time``; again with the ``msgid`` added beside ``send_list``.

Mapping:

==============================================  =============================================
WeCom                                           touches
==============================================  =============================================
``msgid``                                       ``touch_id``
send result ``send_time`` (status 1 only)       ``sent_at`` (the message's ``create_time`` when
                                                a sent row has none; counted)
``external_userid``                             ``user_id``, ``channel`` ``1v1``
``chat_id``                                     ``group_id``, ``channel`` ``group`` (expanded to
                                                the members by the loader)
send result ``userid``, else ``creator``        ``sender``
``text.content``                                ``text`` (read by the rule table, not kept)
``attachments[].msgtype``                       ``attachment_type`` (comma-separated)
==============================================  =============================================

Recipients with status 0, 2 or 3 never got the message: dropped and counted by status. A
listed message with no send result reached no one the export knows of: counted. Task records
are counted (who was asked to send) but add no rows: recipients come from send results.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.data.adapters.common import Adapted, from_unix
from analysis.data.adapters.wecom import api_records, as_int, check_api, unix_seconds
from analysis.data.errors import DataError, Ledger, Source
from analysis.data.schema import DEFAULT_TZ

#: ``send_list.status`` codes: code → why the row is (not) a touch.
SEND_STATUS = {0: "not sent", 1: "sent", 2: "not a friend", 3: "already got a mass message"}


def _msgid(rec_value: dict, file: str, rec: int, column: str) -> str:
    msgid = str(rec_value.get("msgid") or "").strip()
    if not msgid:
        raise DataError(
            file,
            column,
            "send result or task without the msgid it was requested for",
            rows=[rec],
            examples=sorted(rec_value)[:5],
            hint="save the msgid your script asked for beside task_list / send_list, e.g. "
            '{"msgid": "msgXXX", "send_list": [...]}',
        )
    return msgid


def wecom_group_sends(inputs: Any, *, tz: str = DEFAULT_TZ) -> Adapted:
    """Group-send records (paths, parsed responses, or a list of them) → raw ``touches``
    rows (one per recipient that got the message), with the ledger of what was dropped."""
    messages: dict[str, dict] = {}
    results: list[dict] = []
    n_tasks = 0
    files: set[str] = set()
    for file, rec, raw in api_records(inputs):
        resp = check_api(file, rec, raw)
        files.add(file)
        if "group_msg_list" in resp:
            for m in resp.get("group_msg_list") or []:
                msgid = str(m.get("msgid") or "").strip()
                if not msgid:
                    raise DataError(file, "group_msg_list.msgid", "missing msgid", rows=[rec])
                atts = [
                    str(a.get("msgtype") or "").strip()
                    for a in (m.get("attachments") or [])
                    if isinstance(a, dict)
                ]
                text = m.get("text") or {}
                messages[msgid] = {
                    "create_time": unix_seconds(
                        m.get("create_time"), file, "group_msg_list.create_time", rec
                    ),
                    "creator": str(m.get("creator") or "").strip() or None,
                    "text": (text.get("content") if isinstance(text, dict) else str(text)) or None,
                    "attachment_type": ",".join(a for a in atts if a) or None,
                }
        elif "send_list" in resp:
            msgid = _msgid(resp, file, rec, "send_list")
            for r in resp.get("send_list") or []:
                status = as_int(r.get("status"), file, "send_list.status", rec, what="status")
                t = r.get("send_time")
                results.append(
                    {
                        "touch_id": msgid,
                        "user_id": str(r.get("external_userid") or "").strip() or None,
                        "group_id": str(r.get("chat_id") or "").strip() or None,
                        "sender": str(r.get("userid") or "").strip() or None,
                        "status": status,
                        "t": unix_seconds(t, file, "send_list.send_time", rec)
                        if status == 1 and t not in (None, "", 0, "0")
                        else None,
                        "_file": file,
                        "_rec": rec,
                    }
                )
        elif "task_list" in resp:
            _msgid(resp, file, rec, "task_list")
            n_tasks += len(resp.get("task_list") or [])
        else:
            raise DataError(
                file,
                None,
                "not a group-send record (no group_msg_list, task_list or send_list)",
                rows=[rec],
                examples=sorted(resp)[:5],
            )
    ledger = Ledger()
    source = Source(" + ".join(sorted(files)) or "<group-send records>", 0)
    n = len(results)
    if n_tasks:
        ledger.add(
            "touches",
            "wecom: group-send tasks read",
            rows_in=n_tasks,
            rows_out=n_tasks,
            detail="who was asked to send; recipients come from send results",
        )
    rows = [r for r in results if r["status"] == 1]
    by_status = pd.Series([r["status"] for r in results if r["status"] != 1], dtype="int64")
    ledger.add(
        "touches",
        "wecom: send results read; recipients who did not get the message dropped",
        rows_in=n,
        rows_out=len(rows),
        dropped=n - len(rows),
        detail=", ".join(
            f"{SEND_STATUS.get(int(k), f'status {k}')} x{v}"
            for k, v in by_status.value_counts().sort_index().items()
        ),
    )
    sent_ids = {r["touch_id"] for r in rows}
    unsent = [m for m in messages if m not in {r["touch_id"] for r in results}]
    if unsent:
        ledger.add(
            "touches",
            "wecom: listed messages without send results (no recipient known)",
            rows_in=len(messages),
            rows_out=len(messages) - len(unsent),
            dropped=len(unsent),
            detail="e.g. " + ", ".join(unsent[:3]),
        )
    for r in rows:
        if r["user_id"] is None and r["group_id"] is None:
            raise DataError(
                r["_file"],
                "send_list",
                "sent row with neither external_userid nor chat_id",
                rows=[r["_rec"]],
                examples=[r["touch_id"]],
            )
    if not rows:
        return Adapted(ledger=ledger, touches=None)
    orphan = sorted(sent_ids - set(messages))
    no_time = [r for r in rows if r["t"] is None]
    if orphan:
        ledger.add(
            "touches",
            "wecom: send results of messages not in any group_msg_list (text unknown)",
            rows_in=len(rows),
            rows_out=len(rows),
            repaired=sum(r["touch_id"] in set(orphan) for r in rows),
            detail="kept; kind and content type stay unclassified. e.g. " + ", ".join(orphan[:3]),
        )
    for r in no_time:
        m = messages.get(r["touch_id"])
        if m is None:
            raise DataError(
                r["_file"],
                "send_list.send_time",
                "sent row without send_time, and its message is not listed",
                rows=[r["_rec"]],
                examples=[r["touch_id"]],
            )
        r["t"] = m["create_time"]
    if no_time:
        ledger.add(
            "touches",
            "wecom: sent rows without send_time given the message's create_time",
            rows_in=len(rows),
            rows_out=len(rows),
            repaired=len(no_time),
        )
    df = pd.DataFrame(rows)
    meta = pd.DataFrame.from_dict(messages, orient="index")
    meta = meta.reindex(df["touch_id"]).reset_index(drop=True)
    sender = df["sender"].where(df["sender"].notna(), meta.get("creator"))
    touches = pd.DataFrame(
        {
            "touch_id": df["touch_id"].astype("str"),
            "sent_at": from_unix(df["t"].to_numpy(dtype="int64"), tz).to_numpy(),
            "user_id": df["user_id"].where(df["group_id"].isna(), None),
            "group_id": df["group_id"],
            "channel": df["group_id"].notna().map({True: "group", False: "1v1"}),
            "sender": sender,
            "text": meta.get("text"),
            "attachment_type": meta.get("attachment_type"),
        }
    )
    return Adapted(ledger=ledger, touches=touches, sources={"touches": [source]})
