"""Text shared by every report (all notebooks/*.py): separators, shared labels and sentences."""

from __future__ import annotations

#: Separator between the parts of a computed list, by language.
LIST_SEP = {"en": ", ", "zh": "、"}
AND_SEP = {"en": " and ", "zh": "和"}
CLAUSE_SEP = {"en": "; ", "zh": "；"}
SENTENCE_SEP = {"en": " ", "zh": ""}

#: Chart labels used by more than one report, keyed by the English text.
LABELS: dict[str, str] = {}

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
        "zh": "**P(alive)（存活概率）** —— 根据客户自身的购买节奏，判断其仍是活跃客户（还会再买）的概率：一向常买的人长时间没有购买，这个概率就会下降。",
    },
    "common.glossary.cohort": {
        "en": "**Cohort** — the users who joined in the same period (for example the same month), followed together over time.",
        "zh": "**批次（cohort）** —— 同一时期（如同一个月）加入的用户，放在一起跟踪其后续表现。",
    },
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
}
