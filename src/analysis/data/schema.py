"""The canonical data model: three tables, their columns, types and meaning.

Every loader, adapter and simulator in the kit produces exactly these columns, and every
analysis reads only these. Times are timezone-aware timestamps (the kit's default zone
is ``Asia/Shanghai``); ids are strings end to end (a leading zero is never lost).

contacts — one row per user
    user_id      str       pseudonymous or raw id of the user (personal data: never shown raw)
    joined_at    datetime  when the user entered the private domain (added as contact / joined)
    channel      str       acquisition channel (douyin, xiaohongshu, offline_store, ...)
    hook         str       the lure that brought them in (coupon, trial, industry_report, ...)
    referrer_id  str|NA    user_id of the user who referred them (nullable)
    (any further columns are kept as optional attributes / tags)

events — one row per interaction
    user_id      str       who
    occurred_at  datetime  when
    event_type   str       from the event vocabulary (:mod:`analysis.data.vocab`)
    value        float|NA  optional numeric payload (e.g. minutes watched); NA when absent
    context      str|NA    group, 1v1, moments, miniprogram, offline, ... (nullable)

orders — one row per order
    order_id       str      unique order id
    user_id        str      who paid
    ordered_at     datetime when
    amount         float    amount paid (CNY, >= 0)
    is_refund      bool     optional; the order was refunded (in full, unless refund_amount
                            says less). Absent: refunds are the rows with a negative amount.
    refund_amount  float    optional; money returned (0 <= refund_amount <= amount). When the
                            column is absent it is ``amount`` for refunded orders, else 0.
    refunded_at    datetime optional; when the (first) refund happened. Present when the export
                            has such a column or lists refunds as their own rows; NaT for
                            orders without a refund time.
    Net revenue of an order is ``amount - refund_amount``; an order whose net is 0 is not a
    purchase for frequency counts. Exports that list refunds as rows of their own (the order
    id again, with a negative amount or a refund flag) are folded into this one-row-per-order
    form by the loader (:func:`analysis.data.clean.clean_orders`).

touches — optional; one row per message the brand sent, per user it reached
    touch_id      str       message id (a group message keeps its id on every member's row)
    sent_at       datetime  when it was sent
    user_id       str       who it reached (a group message is expanded to the group's members
                            at ``sent_at``, from ``group_join`` / ``group_quit`` events that
                            carry a ``group_id``)
    group_id      str|NA    the group it was posted in; NA for 1:1 messages and Moments
    channel       str       group, 1v1 or moments (:data:`TOUCH_CHANNELS`)
    kind          str       promo, content, care, greeting, survey, event_invite, other
                            (:data:`TOUCH_KINDS`), or ``unclassified`` when neither the file
                            nor the rule table (``touch_rules.yaml``) says (counted)
    content_type  str       图文, 短视频, 直播, 问答, 测试, 优惠券, 小程序, 文件, 文字, ... or
                            ``unclassified``
    sender        str|NA    staff id of the sender (pseudonymised in reports)
    campaign      str|NA    optional campaign name
    The file may give ``kind`` and ``content_type`` or leave them to the rules, which read the
    optional ``text`` and ``attachment_type`` columns; see :mod:`analysis.data.touches`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_TZ = "Asia/Shanghai"

#: Cell spellings read as a true flag (compared stripped, in lower case). Order exports' refund
#: and status columns (是否退款, 退款, 订单状态, 交易类型) write refunds in these words.
FLAG_TRUE = (
    "true",
    "1",
    "yes",
    "y",
    "t",
    "是",
    "已退款",
    "退款",
    "退款成功",
    "退款完成",
    "部分退款",
    "全额退款",
    "refund",
    "refunded",
)

#: Cell spellings read as a false flag; an empty cell is false. Statuses of unpaid or
#: cancelled orders (待付款, 已取消, 交易关闭) are deliberately absent: such rows are not
#: purchases, and reading them as one would be a silent error.
FLAG_FALSE = (
    "false",
    "0",
    "no",
    "n",
    "f",
    "否",
    "未退款",
    "无退款",
    "无",
    "",
    "支付",
    "付款",
    "已支付",
    "已付款",
    "支付成功",
    "交易成功",
    "已完成",
    "paid",
    "completed",
)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "id", "str", "datetime", "float", "bool"
    required: bool
    meaning: str


@dataclass(frozen=True)
class TableSchema:
    name: str
    columns: tuple[Column, ...]
    key: str | None = None  # column that must be unique
    time_col: str | None = None
    extras_allowed: bool = field(default=True)

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


CONTACTS = TableSchema(
    name="contacts",
    key="user_id",
    time_col="joined_at",
    columns=(
        Column("user_id", "id", True, "id of the user (personal data; pseudonymised in reports)"),
        Column("joined_at", "datetime", True, "when the user entered the private domain"),
        Column("channel", "str", True, "acquisition channel"),
        Column("hook", "str", True, "the lure (钩子) that brought the user in"),
        Column("referrer_id", "id", False, "user_id of the referrer, empty if none"),
    ),
)

EVENTS = TableSchema(
    name="events",
    key=None,
    time_col="occurred_at",
    columns=(
        Column("user_id", "id", True, "who"),
        Column("occurred_at", "datetime", True, "when"),
        Column("event_type", "str", True, "type from the event vocabulary"),
        Column("value", "float", False, "optional numeric payload"),
        Column("context", "str", False, "group, 1v1, moments, miniprogram, offline"),
    ),
)

ORDERS = TableSchema(
    name="orders",
    key="order_id",
    time_col="ordered_at",
    columns=(
        Column("order_id", "id", True, "unique order id"),
        Column("user_id", "id", True, "who paid"),
        Column("ordered_at", "datetime", True, "when"),
        Column("amount", "float", True, "amount paid, CNY"),
        Column(
            "is_refund",
            "bool",
            False,
            "the order was refunded; without it, refunds are rows with a negative amount",
        ),
        Column("refund_amount", "float", False, "money returned; default amount if refunded"),
        Column("refunded_at", "datetime", False, "when the (first) refund happened"),
    ),
)

SCHEMAS: dict[str, TableSchema] = {s.name: s for s in (CONTACTS, EVENTS, ORDERS)}
REQUIRED_SCHEMAS = SCHEMAS

#: Where a touch was sent.
TOUCH_CHANNELS = ("group", "1v1", "moments")

#: What a touch was for (``unclassified``: no rule matched; counted, never guessed).
TOUCH_KINDS = ("promo", "content", "care", "greeting", "survey", "event_invite", "other")

TOUCHES = TableSchema(
    name="touches",
    key=None,  # (touch_id, user_id) is unique once group messages are expanded
    time_col="sent_at",
    columns=(
        Column("touch_id", "id", True, "message id (shared by the members of a group message)"),
        Column("sent_at", "datetime", True, "when the brand sent it"),
        Column("user_id", "id", False, "who it reached; empty for a group message"),
        Column("group_id", "id", False, "group of a group message (expanded to its members)"),
        Column("channel", "str", True, "group, 1v1 or moments"),
        Column("kind", "str", False, "promo/content/care/greeting/survey/event_invite/other"),
        Column("content_type", "str", False, "图文/短视频/直播/问答/测试/优惠券/..."),
        Column("sender", "id", False, "staff id of the sender (pseudonymised in reports)"),
        Column("campaign", "str", False, "optional campaign name"),
    ),
)

#: Tables a folder may hold besides the three required ones; every report runs without them.
OPTIONAL_SCHEMAS: dict[str, TableSchema] = {"touches": TOUCHES}


def schema_table() -> "pd.DataFrame":  # noqa: F821
    """The data dictionary as a tidy table (one row per column of each table)."""
    import pandas as pd

    rows = [
        {
            "table": s.name,
            "column": c.name,
            "type": c.kind,
            "required": c.required,
            "meaning": c.meaning,
        }
        for s in (*SCHEMAS.values(), *OPTIONAL_SCHEMAS.values())
        for c in s.columns
    ]
    return pd.DataFrame(rows)
