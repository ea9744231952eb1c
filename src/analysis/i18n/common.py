"""Text shared by every report (all notebooks/*.py): separators, shared labels and sentences."""

from __future__ import annotations

#: Separator between the parts of a computed list, by language.
LIST_SEP = {"en": ", ", "zh": "、"}
AND_SEP = {"en": " and ", "zh": "和"}
CLAUSE_SEP = {"en": "; ", "zh": "；"}
SENTENCE_SEP = {"en": " ", "zh": ""}

#: Chart labels used by more than one report, keyed by the English text.
LABELS: dict[str, str] = {
    # the kinds of personal data a ledger line names (analysis.privacy)
    "mobile phone numbers": "手机号",
    "WeChat unionids / openids": "微信 `unionid` / `openid`",
    "e-mail addresses": "电子邮箱地址",
    # a yes / no cell (the provenance's "code dirty", a check's "inside", any boolean cell
    # of a table: analysis.i18n.tr_frame)
    "yes": "是",
    "no": "否",
}

#: Sentences used by more than one report, keyed "common.…".
SENTENCES: dict[str, dict[str, str]] = {
    "common.plot.small_n": {
        "en": "fewer than {n} users (too few to read)",
        "zh": "不足 {n} 人（样本太少，仅供参考）",
    },
    # the answer every report opens with (analysis.reports.summary) and the glossary
    "common.answer.heading": {
        "en": "The answer in brief",
        "zh": "结论速览",
    },
    "common.answer.pending": {
        "en": "(The answer is computed from the results below; it appears here once the report has run to the end.)",
        "zh": "（结论由下文结果计算得出，报告运行完毕后显示在这里。）",
    },
    "common.answer.no_answer": {
        "en": "These data do not support an answer (see the sections below).",
        "zh": "现有数据不足以得出结论（见下文各节）。",
    },
    "common.answer.ival": {
        "en": "{lo} to {hi}",
        "zh": "{lo} 至 {hi}",
    },
    "common.glossary.heading": {
        "en": "Glossary",
        "zh": "术语表",
    },
    "common.glossary.auc": {
        "en": "**AUC** — how well a score puts users who stay above users who leave: the chance that a randomly chosen stayer scores higher than a randomly chosen leaver. 0.5 is a coin toss, 1 is perfect; 0.7 is useful, 0.8 good.",
        "zh": "**AUC** —— 评分把留下的用户排在流失用户之前的能力：随机抽一位留下的用户和一位流失用户，前者得分更高的概率。0.5 相当于抛硬币，1 为完美；0.7 可用，0.8 较好。",
    },
    "common.glossary.interval": {
        "en": "**Interval (95%)** — the range the true figure most likely lies in, given how many users there are; a narrow interval means a firm figure. A difference whose interval excludes zero is unlikely to be chance.",
        "zh": "**区间（95%）** —— 在现有用户数量下，真实数值最可能落入的范围；区间越窄，数字越可靠。若差值的区间不含 0，则该差异不太可能出于偶然。",
    },
    "common.glossary.clv": {
        "en": "**CLV (customer lifetime value)** — the money a customer is expected to spend over a stated future period, from how often and how recently they bought and how much.",
        "zh": "**CLV（客户终身价值）** —— 根据客户的购买频次、最近购买时间和客单价，预计其在未来一段时间内的消费金额。",
    },
    "common.glossary.p_alive": {
        "en": "**P(alive)** — the chance that a customer is still a customer (may buy again), judged from their own purchase rhythm: a long silence after frequent buying lowers it.",
        "zh": "**存活概率**（模型输出里记作 `P(alive)`）—— 根据客户自己的购买节奏，判断他仍是活跃客户（还会再买）的可能性：一向常买的人很久没买，这个概率就会下降。",
    },
    "common.glossary.cohort": {
        "en": "**Cohort** — the users who joined in the same period (for example the same month), followed together over time.",
        "zh": "**批次（同期群）** —— 同一时期（如同一个月）加入私域的用户，放在一起跟踪他们之后的留存和消费。",
    },
    # the provenance appendix (analysis.reports.provenance)
    "common.provenance.cols": {"en": "item|value", "zh": "项目|取值"},
    "common.provenance.commit": {"en": "code commit", "zh": "代码版本（提交号）"},
    "common.provenance.dirty": {"en": "code dirty", "zh": "代码有未提交的改动"},
    "common.provenance.parameter": {"en": "parameter {name}", "zh": "参数 `{name}`"},
    "common.provenance.sha256": {"en": "sha256 {file}", "zh": "文件 `{file}` 的 SHA-256"},
    "common.provenance.version": {"en": "version {package}", "zh": "`{package}` 版本"},
    "common.provenance.unknown": {"en": "unknown", "zh": "未知"},
    "common.provenance.no_git": {
        "en": "unknown (not a git checkout)",
        "zh": "未知（不在 `git` 仓库中）",
    },
    "common.provenance.not_installed": {"en": "not installed", "zh": "未安装"},
    # the index page of a build (analysis.reports.build.write_index)
    "common.index.title": {"en": "Private-domain research reports", "zh": "私域用户研究报告"},
    "common.index.intro": {
        "en": "Read them in this order; each has a summary for managers and a full version with the code for reviewers.",
        "zh": "建议按以下顺序阅读；每份报告都有给管理者看的摘要版，以及附带代码、供复核的完整版。",
    },
    "common.index.col_report": {"en": "report and headline finding", "zh": "报告与核心结论"},
    "common.index.col_summary": {"en": "for managers", "zh": "管理者版"},
    "common.index.col_full": {"en": "for reviewers", "zh": "复核版"},
    "common.index.col_time": {"en": "run time", "zh": "运行时间"},
    "common.index.summary": {"en": "summary", "zh": "摘要"},
    "common.index.full": {"en": "full, with code", "zh": "完整版（含代码）"},
    "common.index.seconds": {"en": "{s} s", "zh": "{s} 秒"},
    "common.index.skipped": {"en": "skipped: {reason}", "zh": "未生成：{reason}"},
    "common.index.failed": {"en": "failed: {reason}", "zh": "运行失败：{reason}"},
    "common.index.where": {"en": "where", "zh": "出错位置"},
    "common.index.too_little": {
        "en": "too little data: {reason}",
        "zh": "数据太少：{reason}",
    },
    "common.index.no_table": {"en": "the data has no {tables}", "zh": "数据中没有{tables}"},
    "common.index.data": {"en": "The data", "zh": "数据"},
    "common.index.source": {"en": "Source: {source}{span}.", "zh": "来源：{source}{span}。"},
    "common.index.span": {"en": ", {first} to {last}", "zh": "，{first} 至 {last}"},
    "common.index.data_cols": {
        "en": "table|rows|users|first day|last day",
        "zh": "数据表|行数|用户数|首日|末日",
    },
    "common.index.no_overview": {
        "en": "Date range: in the data overview (not built in this run).",
        "zh": "日期范围见数据概览（本次未生成）。",
    },
    "common.index.params": {
        "en": "Parameters that differ from the defaults",
        "zh": "与默认值不同的参数",
    },
    "common.index.params_cols": {
        "en": "parameter|this run|default|reports",
        "zh": "参数|本次取值|默认值|所用报告",
    },
    "common.index.all_default": {
        "en": "Every report ran with its default parameters.",
        "zh": "所有报告均使用默认参数。",
    },
    # pages2: the flow diagram's legend (analysis.plots.flow.plot_alluvial) and the population
    # table of every report (analysis.reports.population)
    "common.flow.legend_title": {
        "en": "stage (band colour = where users come from)",
        "zh": "阶段（色带颜色 = 用户来自的阶段）",
    },
    "common.flow.legend_main": {
        "en": "the {n} largest moves in each interval (users on the band)",
        "zh": "每个区间最大的 {n} 股流动（色带上标有人数）",
    },
    "common.flow.legend_other": {"en": "other flows", "zh": "其余流动"},
    "common.flow.legend_joined": {
        "en": "joined since the previous snapshot",
        "zh": "上一快照之后新加入",
    },
    "common.population.heading": {
        "en": "Who is counted: from the data's contacts to this analysis's users",
        "zh": "统计口径：从数据中的全部联系人到本分析纳入的用户",
    },
    "common.population.caption": {"en": " ({caption})", "zh": "（{caption}）"},
    "common.population.columns": {
        "en": "step|users|of the contacts|left out|why they are left out|used by",
        "zh": "口径|用户数|占联系人比例|剔除人数|剔除原因|使用该口径的部分",
    },
    "common.population.reading": {
        "en": "Of the {contacts:,} contacts in the data, {users:,} ({share:.0%}) are in this "
        "analysis. Left out: {reasons}.",
        "zh": "数据中共有 {contacts:,} 位联系人，本分析纳入 {users:,} 人（{share:.0%}）。"
        "未纳入的原因：{reasons}。",
    },
    "common.population.reading_all": {
        "en": "All {contacts:,} contacts in the data are in this analysis.",
        "zh": "数据中的 {contacts:,} 位联系人全部纳入本分析。",
    },
    # a model fitted on a random sample of a per-user frame (analysis.studies.fit_sample)
    "common.fit_sample.sampled": {
        "en": "{what}: fitted on {n_fit:,} of {n_all:,} users, drawn at random with seed {seed}; scored on all.",
        "zh": "{what}：从 {n_all:,} 位用户中随机抽取 {n_fit:,} 人拟合（随机种子 {seed}），再为全部用户打分。",
    },
    "common.fit_sample.fitted": {
        "en": "{what}: fitted on {n_fit:,} of {n_all:,} users, drawn at random with seed {seed}.",
        "zh": "{what}：从 {n_all:,} 位用户中随机抽取 {n_fit:,} 人拟合（随机种子 {seed}）。",
    },
    "common.fit_sample.models": {"en": "The models", "zh": "模型"},
    "common.population.reason": {"en": "{n:,} {why}", "zh": "{why} {n:,} 人"},
    "common.population.step.contacts": {
        "en": "contacts in the data (as in the data overview)",
        "zh": "数据中的全部联系人（与数据概览一致）",
    },
    "common.population.step.joined": {
        "en": "joined before {date}",
        "zh": "{date} 之前加入",
    },
    "common.population.out.joined": {
        "en": "joined on or after {date}",
        "zh": "{date} 当天或之后才加入",
    },
    "common.population.step.kept": {
        "en": "had not deleted the brand by {date}",
        "zh": "截至 {date} 未删除品牌",
    },
    "common.population.out.kept": {
        "en": "deleted the brand before {date} (and did not come back)",
        "zh": "{date} 之前已删除品牌（且未重新添加）",
    },
    "common.population.step.not_lost": {
        "en": "active in the {days} days before {date}",
        "zh": "{date} 前 {days} 天内有活跃",
    },
    "common.population.out.not_lost": {
        "en": "silent for {days} days or more before {date}: already lost",
        "zh": "{date} 前已沉默 {days} 天以上，视为已流失",
    },
    "common.population.step.on_ladder": {
        "en": "on the ladder at {date} (not silent or lost)",
        "zh": "{date} 处于阶梯上（非沉默、非流失）",
    },
    "common.population.out.on_ladder": {
        "en": "silent or lost at {date}",
        "zh": "{date} 处于沉默或流失状态",
    },
    "common.population.step.active": {
        "en": "with at least one event or order",
        "zh": "至少有一条行为或一笔订单",
    },
    "common.population.out.active": {
        "en": "no event and no order",
        "zh": "没有任何行为和订单",
    },
    "common.population.step.ordered": {
        "en": "with at least one order",
        "zh": "至少有一笔订单",
    },
    "common.population.out.ordered": {
        "en": "no order",
        "zh": "没有订单",
    },
    "common.population.step.buyers": {
        "en": "with at least one paid order",
        "zh": "至少有一笔已支付订单",
    },
    "common.population.out.buyers": {
        "en": "no paid order (none, or every order refunded)",
        "zh": "没有已支付订单（无订单或订单全部退款）",
    },
    "common.population.step.buyers_before": {
        "en": "first paid order on or before {date}",
        "zh": "{date}（含）之前已首购",
    },
    "common.population.out.buyers_before": {
        "en": "no paid order on or before {date}",
        "zh": "{date}（含）之前没有已支付订单",
    },
    "common.population.step.observed": {
        "en": "joined early enough for {days} days after joining to be in the data",
        "zh": "加入时间足够早，加入后 {days} 天都在数据范围内",
    },
    "common.population.out.observed": {
        "en": "joined too late: their first {days} days are not all in the data yet",
        "zh": "加入太晚，加入后 {days} 天尚未全部进入数据",
    },
    "common.population.step.labelled": {
        "en": "had not deleted the brand in their first {days} days",
        "zh": "加入后 {days} 天内未删除品牌",
    },
    "common.population.out.labelled": {
        "en": "deleted the brand in their first {days} days",
        "zh": "加入后 {days} 天内已删除品牌",
    },
    "common.population.step.touched": {
        "en": "received at least one touch from the brand",
        "zh": "至少收到过一次品牌触达",
    },
    "common.population.out.touched": {
        "en": "no touch recorded",
        "zh": "没有触达记录",
    },
    "common.population.step.listed": {
        "en": "on the at-risk list of {date} (still a customer then)",
        "zh": "进入 {date} 的流失预警名单（当时仍是客户）",
    },
    "common.population.out.listed": {
        "en": "not a customer at {date}",
        "zh": "{date} 时已不是客户",
    },
    "common.population.for_test": {
        "en": "the test window from {date}",
        "zh": "自 {date} 起的检验窗口",
    },
    "common.population.for_list": {
        "en": "the at-risk list as of {date}",
        "zh": "截至 {date} 的流失预警名单",
    },
    "common.population.no_truth": {
        "en": "No simulator truth: this check is for simulated data only.",
        "zh": "没有模拟器真实值：本项核对仅适用于模拟数据。",
    },
    "common.population.step.early": {
        "en": "still a contact, and without a purchase, {days} days after joining",
        "zh": "加入 {days} 天后仍是联系人且尚未购买",
    },
    "common.population.out.early": {
        "en": "left or bought within {days} days of joining",
        "zh": "加入后 {days} 天内已离开或已购买",
    },
    "common.population.for_trust": {
        "en": "the section on selling before trust",
        "zh": "“先卖货、后建信任”一节",
    },
    # pages2: money with its currency in figure titles
    "common.money.in_currency": {"en": "{text}, in {currency}", "zh": "{text}（单位：{currency}）"},
    "common.money.spend_title": {
        "en": "Spend in {currency}: giveaway minus others",
        "zh": "消费（{currency}）：赠品活动用户减其他用户",
    },
    "common.money.net_title": {
        "en": "Net value of the outreach in {currency} (cost {cost:g} a contact, {value:g} a "
        "saved customer)",
        "zh": "触达的净价值（每次触达成本 {cost:g} {currency}，每挽回一位客户价值 {value:g} {currency}）",
    },
}

#: The row ledger's steps in Chinese (the data-overview report's ledger table, and every
#: report that shows one): ``(pattern of the English step, its Chinese)``, tried in order;
#: ``{0}``, ``{1}`` are the pattern's groups. Identifiers (columns, parameters) stay in
#: backticks, which a page shows as ``<code>``.
LEDGER_STEPS: tuple[tuple[str, str], ...] = (
    (r"read", "读取"),
    (r"final", "最终保留（各报告读取的行）"),
    (r"(\w+): null spellings read as missing", "`{0}`：空值写法（空、NULL、- 等）按缺失处理"),
    (r"(\w+): whitespace around ids stripped", "`{0}`：去掉 ID 前后的空格"),
    (r"(\w+): naive timestamps read as (.+)", "`{0}`：不带时区的时间按 `{1}` 时区读取"),
    (r"(\w+): timestamps in other layouts read", "`{0}`：按其他格式读取时间"),
    (r"(\w+): full-width digits normalised", "`{0}`：全角数字转为半角"),
    (r"(\w+): Excel date serials converted", "`{0}`：Excel 日期序号转为日期"),
    (r"(\w+): year-first dates \(.*\) read as ISO", "`{0}`：年份在前的日期按标准格式读取"),
    (r"(\w+): currency symbols / thousands separators removed", "`{0}`：去掉货币符号和千位分隔符"),
    (r"(\w+): bracketed negatives read as negative", "`{0}`：会计括号表示的负数按负数读取"),
    (r"(\w+): amounts in 万 multiplied by 10,000", "`{0}`：以“万”为单位的金额乘以 10,000"),
    (r"exact duplicate rows of (\w+) dropped", "删除 `{0}` 完全重复的行"),
    (r"event types mapped by vocabulary aliases", "按事件词表的别名统一事件类型"),
    (
        r"no is_refund column: refunds are the rows with a negative amount",
        "没有 `is_refund` 列：金额为负的行视为退款",
    ),
    (r"refund rows folded into their orders", "退款行并入对应订单"),
    (r"users not in contacts dropped", "删除不在联系人表中的用户的行"),
    (r"personal data: (\w+) looks like (.+)", "个人信息：`{0}` 列像是{1}"),
    (r"events before the user joined dropped", "删除用户加入之前的事件"),
    (r"rows after observed_until (\S+) dropped", "删除 `observed_until` {0} 之后的行"),
    (
        r"rows of users who joined after observed_until (\S+) dropped",
        "删除在 `observed_until` {0} 之后才加入的用户的行",
    ),
    (r"title rows above the header dropped", "删除表头上方的标题行"),
    (r"blank rows dropped", "删除空行"),
    (r"total rows dropped \((.+)\)", "删除合计行（{0}）"),
    (r"empty trailing fields trimmed", "去掉行尾多余的空字段"),
    (r"repeated header rows dropped", "删除重复出现的表头行"),
    (r"decoded as gb18030 \(not UTF-8\)", "按 GB18030 解码（不是 UTF-8）"),
    (r"decoded as utf-16 \(Excel 'Unicode text'\)", "按 UTF-16 解码（Excel 的 `Unicode 文本`）"),
    (r"no export found: empty table", "未找到导出文件：按空表处理"),
    (
        r"group messages expanded to members \(from here a row is one recipient\)",
        "群发消息展开到群成员（此后每行是一位接收人）",
    ),
    (r"exact duplicate rows dropped", "删除完全重复的行"),
    (r"group messages that reached no member dropped", "删除没有触达任何成员的群发消息"),
    (r"group message rows from before the member joined dropped", "删除成员入群之前的群消息行"),
    (r"(\w+): spellings mapped by the rule table's aliases", "`{0}`：按规则表的别名统一写法"),
    (r"(\w+): classified by the rule table", "`{0}`：按规则表归类"),
    (
        r"(\w+): unclassified \(no value and no rule matched\)",
        "`{0}`：无法归类（没有取值，也没有匹配的规则）",
    ),
    # the spreadsheet adapter (analysis.data.adapters.spreadsheet)
    (r"headers mapped", "表头映射为标准列名"),
    (r"id cells stored as numbers read as text", "以数字存储的 ID 单元格按文本读取"),
    # the WeCom adapters (analysis.data.adapters.wecom, wecom_touches)
    (r"customers read", "读取客户"),
    (r"follow relations", "跟进关系（客户与员工的好友关系）"),
    (r"customers followed by several employees merged", "被多位员工添加的客户合并为一人"),
    (r"unknown add_way codes read as 0 \(unknown\)", "未知的 `add_way` 代码按 0（未知）读取"),
    (r"referrer read from referral states", "从老带新渠道码读出推荐人"),
    (r"states not in the state map kept as channel", "渠道码表里没有的 `state` 原样作为渠道"),
    (r"empty state: channel from add_way", "`state` 为空：渠道按添加方式（`add_way`）确定"),
    (r"contact_add events from follow relations", "从跟进关系生成添加联系人事件"),
    (r"group members read", "读取群成员"),
    (r"duplicate callbacks \(retried deliveries\) dropped", "删除重复回调（企业微信重试推送的）"),
    (r"callback items read", "读取回调记录"),
    (
        r"callback types with no event in the vocabulary dropped",
        "删除事件词表中没有对应事件的回调类型",
    ),
    (r"contact adds already in the contact responses dropped", "删除客户列表中已有的添加记录"),
    (
        r"contact adds by a further employee \(not an entry\) dropped",
        "删除其他员工再次添加的记录（不算新入域）",
    ),
    (
        r"del_follow_user while another employee still follows \(not churn\) dropped",
        "删除仍有其他员工跟进时的 `del_follow_user`（不算流失）",
    ),
    (
        r"del_external_contact \(the employee deleted the customer: not customer churn\) dropped",
        "删除 `del_external_contact`（员工删了客户，不算客户流失）",
    ),
    (
        r"first add seen only in callbacks \(deleted and re-added before the pull\)",
        "首次添加只出现在回调里（拉取数据前删除后又重新添加）",
    ),
    (r"customers seen only in callbacks added", "补入只在回调里出现的客户"),
    (
        r"group-only members \(in a customer group, never a contact\) added",
        "补入只在客户群里、从未加为联系人的成员",
    ),
    (
        r"events of group-only members dropped \(group_only=drop\)",
        "删除只在群里的成员的事件（`group_only=drop`）",
    ),
    (
        r"joined a customer group before the contact add: joined_at is the group join",
        "先入客户群、后加联系人：入域时间取入群时间",
    ),
    (
        r"deleted before any add in the exports: joined_at is the deletion",
        "导出数据里先出现删除、没有添加记录：入域时间取删除时间",
    ),
    (r"group joins seen in both snapshot and callbacks", "客户群快照和回调里都出现的入群记录"),
    (r"group-send tasks read", "读取群发任务"),
    (
        r"send results read; recipients who did not get the message dropped",
        "读取发送结果；删除没有收到消息的接收人",
    ),
    (
        r"listed messages without send results \(no recipient known\)",
        "有群发记录但没有发送结果的消息（不知道发给了谁）",
    ),
    (
        r"send results of messages not in any group_msg_list \(text unknown\)",
        "不在任何 `group_msg_list` 里的消息的发送结果（内容未知）",
    ),
    (
        r"sent rows without send_time given the message's create_time",
        "没有 `send_time` 的发送记录，取消息的 `create_time`",
    ),
)

#: The sources a ledger step may name before the step (``prepare: read``), in Chinese.
LEDGER_PREFIXES: tuple[tuple[str, str], ...] = (
    ("prepare: ", "预处理："),
    ("wecom: ", "企业微信："),
    ("spreadsheet: ", "表格："),
)

#: The ledger's details in Chinese, as :data:`LEDGER_STEPS` (a detail without a match is
#: shown as it is).
LEDGER_DETAILS: tuple[tuple[str, str], ...] = (
    # the read step: the file, its encoding and delimiter
    (
        r"(\S+(?: \+ \S+)*) \(encoding ([\w-]+), delimiter (.+)\)",
        "`{0}`（编码 `{1}`，分隔符 `{2}`）",
    ),
    (r"(\S+(?: \+ \S+)*) \(encoding ([\w-]+)\)", "`{0}`（编码 `{1}`）"),
    (r"(\S+\.(?:csv|gz|parquet|xlsx|xls|txt|json|jsonl)(?: \+ \S+)*)", "`{0}`"),
    (
        r"Excel's default for Chinese Windows; every row transcoded",
        "中文系统上 Excel 的默认编码；所有行已转码",
    ),
    (
        r"UTF-16 with a byte-order mark, what Excel saves as 'Unicode text'; every row transcoded",
        "带字节序标记的 UTF-16，即 Excel 另存为的 `Unicode 文本`；所有行已转码",
    ),
    (r"(\d+) rows with a negative amount", "{0} 行金额为负"),
    (r"days since 1899-12-30, local time", "自 1899-12-30 起的天数，按本地时间"),
    (
        r"(\d+) of (\d+) rows; kept for loading, pseudonymised in every report",
        "{1} 行中有 {0} 行；读取时保留，所有报告中均已假名化",
    ),
    (r"none", "无"),
    (r"kept once", "只保留一条"),
    (r"(.+) → ASCII", "全角 {0} 转为半角"),
    (
        r"currency marks \(¥ ￥ 元 RMB CNY\) in (\d+) rows, thousands separators in (\d+) rows",
        "{0} 行有货币符号（`¥ ￥ 元 RMB CNY`），{1} 行有千位分隔符",
    ),
    (
        r"unambiguous day-first dates or month names; e\.g\. (.+)",
        "日在前且无歧义的日期，或英文月份名；例如 `{0}`",
    ),
    (
        r"kept; kind and content type stay unclassified\. e\.g\. (.+)",
        "保留；触达类型和内容类型记为未分类。例如 `{0}`",
    ),
    (r"accounting brackets, e\.g\. (.+)", "会计括号，例如 `{0}`"),
    (r"e\.g\. (.+)", "例如 `{0}`"),
    (
        r"amount = the purchase, refund_amount = the sum of its refunds, "
        r"refunded_at = the first refund's time",
        "`amount` 为购买金额，`refund_amount` 为各次退款之和，`refunded_at` 为第一次退款的时间",
    ),
    (
        r"left as 'unclassified'; add keywords to the rule table to classify them",
        "记为“未分类”；在规则表里补充关键词即可归类",
    ),
    (r"(\d+) group messages -> (\d+) member rows", "{0} 条群发消息 → {1} 行成员记录"),
    (
        r"who was asked to send; recipients come from send results",
        "要求哪些员工发送；接收人取自发送结果",
    ),
    (
        r"leading zeros Excel dropped cannot be recovered; format id columns as Text",
        "Excel 去掉的前导 0 无法恢复；请把 ID 列设为文本格式",
    ),
    (
        r"no (\w+)\* file in the folder; reports that need \w+ are skipped",
        "文件夹里没有 `{0}*` 文件；需要这张表的报告将跳过",
    ),
    (
        r"customers with no follow_user \(no add time\) dropped",
        "删除没有 `follow_user`（没有添加时间）的客户",
    ),
    (
        r"duplicate relations \(same customer, employee and time\) dropped",
        "删除重复的关系（同一客户、同一员工、同一时间）",
    ),
    (
        r"one user per external_userid \(several employees, or one employee's relation in "
        r"several pulls\); earliest createtime kept",
        "每个 `external_userid` 算一位用户（被多位员工添加，或同一员工的关系在多次拉取中重复出现）；"
        "保留最早的 `createtime`",
    ),
    (r"codes (.+)", "代码 `{0}`"),
    (r"hook 'unknown'", "钩子记为“未知”"),
    (r"employees \(type 1\) are not customers", "员工（`type` 为 1）不是客户"),
    (
        r"one per message; group callbacks one per changed member",
        "每条消息一条；群回调按变动的成员各算一条",
    ),
    (
        r"same Event, ChangeType, CreateTime and ids: one change delivered again",
        "`Event`、`ChangeType`、`CreateTime` 和各 ID 都相同：同一变动被重复推送",
    ),
    (
        r"the first add of each customer and re-adds \(an employee's relation re-created with a "
        r"later createtime: (\d+)\); adds by a further employee are not entries",
        "每位客户的首次添加和重新添加（员工关系以更晚的 `createtime` 重建：{0} 次）；"
        "其他员工的再次添加不算入域",
    ),
    (
        r"entries \(first adds, re-adds\) of the contact responses' relations; relations "
        r"re-created with a later createtime \(deletion not in the data\): (\d+); the rest were "
        r"adds by a further employee or the same add as a callback",
        "客户列表中关系的入域记录（首次添加、重新添加）；以更晚的 `createtime` 重建的关系"
        "（删除不在数据里）：{0} 条；其余是其他员工的添加，或与回调重复的同一次添加",
    ),
    (
        r"joined_at, channel, hook, referrer and follow_user from the first add_external_contact; "
        r"its add_way is not in the callback: 0 \(unknown\)",
        "`joined_at`、`channel`、`hook`、`referrer` 和 `follow_user` 取自首次 "
        "`add_external_contact`；回调里没有 `add_way`，记为 0（未知）",
    ),
    (
        r"add_external_contact of a customer not in the contact responses \(e\.g\. deleted "
        r"before the pull\): channel from its State, add_way 0 \(unknown\)",
        "客户列表里没有的客户的 `add_external_contact`（例如拉取前已删除）：渠道取自它的 "
        "`State`，`add_way` 记为 0（未知）",
    ),
    (
        r"rule group_only=keep: one contact each, joined at the first group evidence, channel "
        r"'group_only', wecom_relation 'group_only'(.*)",
        "规则 `group_only=keep`：每人一位联系人，入域时间取最早的入群证据，渠道和 "
        "`wecom_relation` 记为 `group_only`{0}",
    ),
    (
        r"rule group_only=drop: (\d+) members not added; their events are dropped(.*)",
        "规则 `group_only=drop`：{0} 位成员不补入，他们的事件删除{1}",
    ),
    (
        r"the earliest evidence of entering the private domain \(a group_join, or a group_quit "
        r"before any join\); channel and add_way stay the first contact relation's",
        "取最早的入域证据（`group_join`，或在任何入群之前的 `group_quit`）；渠道和 `add_way` "
        "仍取第一段联系人关系的",
    ),
    (
        r"a del_follow_user before the first add known: the customer was a contact before it "
        r"\(the add predates the exports\); channel and add_way are those of the later "
        r"relation, the only one known",
        "在已知的首次添加之前出现 `del_follow_user`：客户在此之前就是联系人（添加早于导出数据）；"
        "渠道和 `add_way` 取后来那段关系的，也是唯一已知的",
    ),
    # lists of identifiers and counts: mapped headers, aliases, null spellings, rules
    (r"(.+->.+)", "`{0}`"),
    (r"(.+ x\d+(?:, .+ x\d+)*)", "`{0}`"),
    (r"\((.+)\)", "（`{0}`）"),
    (r"(\S+ \d+(?:, \S+ \d+)*)", "`{0}`"),
)
