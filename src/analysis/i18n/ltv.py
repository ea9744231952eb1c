"""Text of the customer-lifetime-value report (notebooks/ltv.py): chart labels, sentences."""

from __future__ import annotations

#: Chinese chart titles, axis and legend labels of this report (and the names of its own
#: categories), keyed by the English text; looked up by :func:`analysis.i18n.tr`.
LABELS: dict[str, str] = {
    "end of calibration": "校准期结束",
    "time units": "时间单位",
    "repeat purchases in calibration": "校准期复购次数",
    "mean purchases per customer in holdout": "检验期人均购买次数",
    "Holdout purchases by calibration frequency": "按校准期复购次数看检验期购买",
    "cumulative repeat transactions": "累计复购次数",
    "Cumulative repeat transactions: actual vs model": "累计复购：实际与模型",
    "frequency (repeat purchases)": "频次（复购次数）",
    "recency (time of last purchase)": "最近度（最后一次购买的时间点）",
    "probability alive": "存活概率",
    "expected purchases": "预期购买次数",
    "BG/NBD: holdout purchases by calibration frequency (sample)": (
        "贝塔几何/负二项模型：按校准期复购次数看检验期购买（样本数据）"
    ),
    "Cumulative repeat purchases: actual vs BG/NBD (sample)": (
        "累计复购次数：实际与贝塔几何/负二项模型对比（样本数据）"
    ),
    "CDNOW: BG/NBD holdout purchases by calibration frequency": (
        "唱片零售数据：贝塔几何/负二项模型按校准期复购次数看检验期购买"
    ),
    "decile of predicted value (10 = highest)": "预测价值十档（10 = 最高）",
    "purchase rate": "购买率",
    "equal value": "价值均等",
    "share of customers (highest value first)": "客户占比（按价值从高到低）",
    "share of total CLV": "占 CLV 总额的比例",
    "How concentrated is customer value?": "客户价值有多集中？",
    "dropout rate": "流失率",
    "spend per purchase": "每次消费",
    "Purchase and dropout rates by channel (95% CI)": "各渠道的购买率、流失率与每次消费（95% 区间）",
    "Holdout spend by decile of predicted value": "按预测价值十档看检验期消费",
    "Holdout purchases by decile of predicted value": "按预测价值十档看检验期购买",
    # the purchase and spend models (analysis.studies.ltv.PURCHASE_MODELS) and their parameters
    "bgnbd": "贝塔几何/负二项模型",
    "pareto_nbd": "帕累托/负二项模型",
    "mbgnbd": "修正贝塔几何/负二项模型",
    "gamma_gamma": "伽马-伽马模型",
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    # table headers and cells of the report
    "p_alive": "存活概率",
    "predicted_value_decile": "预测价值十档",
    "predicted_purchases": "预测购买次数",
    "actual_purchases": "实际购买次数",
    "purchases_error": "购买次数误差",
    "purchases_error_pct": "购买次数误差 (%)",
    "predicted_spend": "预测消费",
    "actual_spend": "实际消费",
    "spend_error": "消费误差",
    "spend_error_pct": "消费误差 (%)",
    "n_rest": "其余联系人数",
    "mean_rest": "其余联系人均值",
    "p_holm": "霍尔姆校正后 p 值",
    "significant": "校正后仍显著",
    "process": "过程",
    "purchase": "购买",
    "dropout": "流失",
    "multiplier": "倍数",
    "coefficient": "系数",
    "log_likelihood_full": "含协变量的对数似然",
    "log_likelihood_base": "不含协变量的对数似然",
    "statistic": "似然比统计量",
    "df": "自由度",
    "published_std_error": "已发表标准误",
}


#: The report's computed readings, keyed "ltv.…", filled by :func:`analysis.i18n.say`.
SENTENCES: dict[str, dict[str, str]] = {
    "ltv.plot.since_first": {
        "en": "{unit} since the cohort's first purchase",
        "zh": "这批客户首次购买以来的{unit}数",
    },
    "ltv.plot.alive_title": {
        "en": "P(alive) for a customer of age {age:.0f} {unit}",
        "zh": "认识 {age:.0f} {unit}的客户的存活概率",
    },
    "ltv.plot.expected_title": {
        "en": "Expected purchases in the next {horizon} {unit}",
        "zh": "未来 {horizon} {unit}内的预期购买次数",
    },
    "ltv.plot.clv_x": {
        "en": "mean {horizon}-{unit_one} CLV per contact",
        "zh": "每位联系人 {horizon} {unit_one}的平均 CLV",
    },
    "ltv.plot.clv_title": {
        "en": "CLV per contact by {by} (95% bootstrap CI)",
        "zh": "按{by}看每位联系人的 CLV（95% 区间）",
    },
    "ltv.summary": {
        "en": "{orders:,} orders, of which {purchases:,} are purchases (net amount above 0), "
        "from {buyers:,} of {contacts:,} contacts ({buyer_share:.0%}). {repeat:,} of them "
        "bought again on a later day. The calibration period (to {calibration_end}) has "
        "{cal_buyers:,} buyers, followed by a holdout of {holdout:.1f} {unit}.",
        "zh": "{orders:,} 笔订单中 {purchases:,} 笔为购买（净金额大于 0），来自 {contacts:,} 位联系人中的 "
        "{buyers:,} 位（{buyer_share:.0%}）。其中 {repeat:,} 位在之后的某天再次购买。校准期（至 "
        "{calibration_end}）有 {cal_buyers:,} 位购买者，之后是 {holdout:.1f} {unit}的检验期。",
    },
    "ltv.fits": {
        "en": "On the calibration data the highest log-likelihood is {best} ({best_ll:,.1f}); "
        "BG/NBD, the default, reaches {bg_ll:,.1f}.",
        "zh": "在校准期数据上，对数似然最高的是{best}（{best_ll:,.1f}）；默认的贝塔几何/负二项模型为 "
        "{bg_ll:,.1f}。",
    },
    "ltv.independence": {
        "en": "{judgement}Among {n:,} repeat buyers the correlation of frequency and mean spend "
        "is Pearson r = {r:.3f} (95% CI {lo:.3f} to {hi:.3f}; p = {p:.2g}) and Spearman "
        "rho = {rho:.3f} (p = {rho_p:.2g}). The model's mean spend per purchase is "
        "{mean_spend:,.1f}.",
        "zh": "{judgement}在 {n:,} 位复购客户中，复购次数与平均每次消费的皮尔逊相关系数 r = {r:.3f}"
        "（95% 区间 {lo:.3f} 至 {hi:.3f}；p = {p:.2g}），斯皮尔曼秩相关系数 ρ = {rho:.3f}（p = "
        "{rho_p:.2g}）。模型估计的平均每次消费为 {mean_spend:,.1f}。",
    },
    "ltv.independent": {
        "en": "Neither Pearson's nor Spearman's test rejects independence at the {level:.0%} "
        "level: no evidence against Gamma-Gamma's assumption. ",
        "zh": "皮尔逊与斯皮尔曼检验在 {level:.0%} 水平上都不拒绝独立性：没有证据否定伽马-伽马模型的"
        "假设。",
    },
    "ltv.dependent_pearson": {
        "en": "**Warning:** Pearson's test rejects independence at the {level:.0%} level: spend "
        "per purchase rises or falls with how often customers buy, so Gamma-Gamma's spend "
        "predictions are biased for very frequent or very rare buyers — read CLV with that in "
        "mind. ",
        "zh": "**注意**：皮尔逊检验在 {level:.0%} 水平上拒绝独立性：每次消费随购买频次升降，因此"
        "伽马-伽马模型对极高频或极低频购买者的消费预测有偏——解读 CLV 时需注意。",
    },
    "ltv.dependent_spearman": {
        "en": "**Warning:** Spearman's test rejects independence at the {level:.0%} level (the "
        "ranks of spend and frequency move together even where Pearson's r, driven by a few "
        "large spenders, does not show it), so Gamma-Gamma's spend predictions are biased for "
        "very frequent or very rare buyers — read CLV with that in mind. ",
        "zh": "**注意**：斯皮尔曼检验在 {level:.0%} 水平上拒绝独立性（即使受少数大额客户左右的"
        "皮尔逊 r 看不出，消费与复购次数的排序也同向变化），因此伽马-伽马模型对极高频或极低频购买者的"
        "消费预测有偏——解读 CLV 时需注意。",
    },
    "ltv.dependent_both": {
        "en": "**Warning:** both Pearson's and Spearman's tests reject independence at the "
        "{level:.0%} level: spend per purchase is related to how often customers buy, so "
        "Gamma-Gamma's spend predictions are biased for very frequent or very rare buyers — "
        "read CLV with that in mind. ",
        "zh": "**注意**：皮尔逊与斯皮尔曼检验在 {level:.0%} 水平上都拒绝独立性：每次消费与购买频次"
        "相关，因此伽马-伽马模型对极高频或极低频购买者的消费预测有偏——解读 CLV 时需注意。",
    },
    "ltv.segment_tests": {
        "en": "{n} comparisons of mean CLV (each channel and each hook against all other "
        "contacts): {raw} have p < {level:.0%} on their own, {held} stay significant after "
        "Holm's adjustment for making {n} comparisons at once: {hits}.",
        "zh": "共 {n} 项平均 CLV 比较（每个渠道、每个钩子分别对比其余联系人）：单独看 {raw} 项 "
        "p < {level:.0%}，经霍尔姆多重比较校正（同时做 {n} 项比较）后仍显著的有 {held} 项：{hits}。",
    },
    "ltv.segment_test_hit_higher": {
        "en": "{segment} higher ({mean:,.1f} against {rest:,.1f}, adjusted p = {p:.2g})",
        "zh": "{segment}更高（{mean:,.1f} 对 {rest:,.1f}，校正后 p = {p:.2g}）",
    },
    "ltv.segment_test_hit_lower": {
        "en": "{segment} lower ({mean:,.1f} against {rest:,.1f}, adjusted p = {p:.2g})",
        "zh": "{segment}更低（{mean:,.1f} 对 {rest:,.1f}，校正后 p = {p:.2g}）",
    },
    "ltv.list_sep": {"en": "; ", "zh": "；"},
    "ltv.none": {"en": "none", "zh": "无"},
    "ltv.plot.holdout_spend_y": {
        "en": "mean spend per customer in holdout ({currency})",
        "zh": "检验期人均消费（{currency}）",
    },
    "ltv.revenue": {
        "en": "Over the holdout ({duration:.1f} {unit}) the models fitted on the calibration "
        "period predicted {currency} {predicted_spend:,.0f} of spend against {currency} "
        "{actual_spend:,.0f} actual ({spend_error:+,.0f}, {spend_pct:+.1f}%), and "
        "{predicted_purchases:,.0f} purchases against {actual_purchases:,.0f} "
        "({purchases_pct:+.1f}%). The tenth of customers with the highest predicted value "
        "spent {currency} {top_actual:,.0f} against {currency} {top_predicted:,.0f} predicted "
        "({top_pct:+.1f}%) — {top_share:.0%} of all holdout spend.",
        "zh": "在检验期（{duration:.1f} {unit}）内，用校准期拟合的模型预测消费 "
        "{predicted_spend:,.0f} {currency}，实际 {actual_spend:,.0f} {currency}（{spend_error:+,.0f}，"
        "{spend_pct:+.1f}%）；预测购买 {predicted_purchases:,.0f} 次，实际 {actual_purchases:,.0f} 次"
        "（{purchases_pct:+.1f}%）。预测价值最高的十分之一客户实际消费 {top_actual:,.0f} {currency}，"
        "预测 {top_predicted:,.0f} {currency}（{top_pct:+.1f}%），占检验期全部消费的 {top_share:.0%}。",
    },
    "ltv.plot.multiplier_x": {
        "en": "multiplier against {reference} (log scale; 1 = same)",
        "zh": "相对{reference}的倍数（对数刻度；1 = 相同）",
    },
    "ltv.covariate_effect": {
        "en": "{level} ({m:.2f}×, 95% CI {lo:.2f}–{hi:.2f})",
        "zh": "{level}（{m:.2f} 倍，95% 区间 {lo:.2f}–{hi:.2f}）",
    },
    # the covariate models fitted on a sample (analysis.studies.fit_sample; fit_sample)
    "ltv.fit_sample.covariates": {
        "en": "The covariate models (purchase, dropout and spend)",
        "zh": "协变量模型（购买、流失与客单价）",
    },
    "ltv.covariates_matter": {
        "en": "The {covariate} changes how often customers buy and how soon they leave: "
        "the model with it fits clearly better (likelihood-ratio chi-squared {stat:,.1f} on "
        "{df} degrees of freedom, p = {p:.2g}). Against {reference}, the largest difference in "
        "purchase rate is {purchase} and in dropout rate {dropout}; a multiplier above 1 means "
        "faster buying, or faster leaving.",
        "zh": "{covariate}会改变客户购买的频率和流失的快慢：加入它的模型拟合明显更好（似然比卡方 "
        "{stat:,.1f}，自由度 {df}，p = {p:.2g}）。相对{reference}，购买率差异最大的是{purchase}，"
        "流失率差异最大的是{dropout}；倍数大于 1 表示购买更快或流失更快。",
    },
    "ltv.covariates_do_not_matter": {
        "en": "The data do not show that the {covariate} changes purchase or dropout rates "
        "(likelihood-ratio chi-squared {stat:,.1f} on {df} degrees of freedom, p = {p:.2g}); "
        "the largest estimated differences against {reference}, purchase {purchase} and "
        "dropout {dropout}, are within what chance gives.",
        "zh": "数据未显示{covariate}会改变购买率或流失率（似然比卡方 {stat:,.1f}，自由度 {df}，"
        "p = {p:.2g}）；相对{reference}估计差异最大的购买率{purchase}与流失率{dropout}均在随机波动范围内。",
    },
    "ltv.intervals": {
        "en": "Carrying the models' parameter uncertainty into the {n:,} buyers' values: their "
        "{horizon}-{unit} CLV totals {currency} {total:,.0f} (95% interval {currency} "
        "{lo:,.0f}–{hi:,.0f}). A typical buyer's interval is {width} of their "
        "CLV wide. The largest channel, {segment}, holds {currency} {seg_total:,.0f} "
        "({seg_lo:,.0f}–{seg_hi:,.0f}). These intervals cover the uncertainty of the fitted "
        "parameters only, not whether a given customer actually buys.",
        "zh": "把模型参数的不确定性带入 {n:,} 位购买者的价值：他们 {horizon} {unit}的 CLV 合计 "
        "{total:,.0f} {currency}（95% 区间 {lo:,.0f}–{hi:,.0f} {currency}）。典型购买者"
        "区间宽度为其 CLV 的 {width}。最大的渠道{segment}合计 {seg_total:,.0f} {currency}"
        "（{seg_lo:,.0f}–{seg_hi:,.0f}）。这些区间只反映参数估计的不确定性，不反映某位客户是否真的购买。",
    },
    "ltv.concentration": {
        "en": "Value is concentrated: the 10% of buyers with the highest {horizon}-{unit} CLV "
        "hold {top10:.0%} of the total ({currency} {value10:,.0f} of {currency} {total:,.0f}), "
        "the top 20% hold {top20:.0%}.",
        "zh": "价值高度集中：{horizon} {unit} CLV 最高的 10% 购买者占总额的 {top10:.0%}（{total:,.0f} "
        "{currency} 中的 {value10:,.0f} {currency}），最高的 20% 占 {top20:.0%}。",
    },
    "ltv.alive_why": {
        "en": "Why P(alive) can look harsh: a customer with {f} repeat purchases over {span:.0f} "
        "{unit} bought about every {gap:.1f} {unit}; after {silence:.0f} {unit} of silence — many "
        "times their usual gap — the model concludes they have most likely left (P(alive) = "
        "{p:.2f}), however much they bought before. A customer who never bought again has no "
        "rhythm to break, and in BG/NBD a customer can only drop out right after a purchase, so "
        "one-time buyers count as alive (P(alive) = {p_once:.2f}); their value is low because "
        "they buy rarely (expected purchases {e_once:.2f}), not because they are known to have "
        "left. Read P(alive) together with expected purchases.",
        "zh": "为什么存活概率有时显得很“狠”：复购 {f} 次、跨度 {span:.0f} {unit}的客户大约每 {gap:.1f} "
        "{unit}买一次；沉默 {silence:.0f} {unit}——相当于其平常间隔的许多倍——之后，无论之前买得多"
        "频繁，模型都判断其很可能已流失（存活概率 = {p:.2f}）。从未复购的客户没有可打破的节奏，且在"
        "贝塔几何/负二项模型中客户只会在一次购买之后流失，因此一次性购买者被视为存活（存活概率 = {p_once:.2f}）；"
        "他们价值低是因为购买稀少（预期购买 {e_once:.2f} 次），而不是已知流失。请把存活概率与预期购买"
        "次数一起解读。",
    },
    "ltv.covariates_spend": {
        "en": "Spend per purchase (Gamma-Gamma with the same covariate) differs most for {spend}.",
        "zh": "每次消费（加入同一协变量的伽马-伽马模型）差异最大的是{spend}。",
    },
    "ltv.covariates_spend_none": {
        "en": "Spend per purchase (Gamma-Gamma with the same covariate) does not differ clearly "
        "by this covariate: every interval includes 1 (the largest estimate: {spend}).",
        "zh": "每次消费（加入同一协变量的伽马-伽马模型）没有明显差异：所有区间都包含 1（估计差异最大的是"
        "{spend}）。",
    },
    "ltv.holdout": {
        "en": "BG/NBD predicted {predicted:,.0f} repeat purchases in the holdout against "
        "{actual:,.0f} actual ({error:+.1f}%); per customer, predictions and outcomes "
        "correlate at r = {r:.2f}. The smallest aggregate error is {best}'s "
        "({best_error:.1f}%).",
        "zh": "贝塔几何/负二项模型预测检验期复购 {predicted:,.0f} 次，实际 {actual:,.0f} 次"
        "（{error:+.1f}%）；逐个客户看，预测与实际的相关系数 r = {r:.2f}。合计误差最小的是"
        "{best}（{best_error:.1f}%）。",
    },
    "ltv.cumulative": {
        "en": "By the end of observation the cohort made {actual:,.0f} repeat purchases; the "
        "model expected {predicted:,.0f} ({error:+.1%}).",
        "zh": "到观察期结束，这批客户共复购 {actual:,.0f} 次；模型预期 {predicted:,.0f} 次（{error:+.1%}）。",
    },
    "ltv.alive": {
        "en": "A customer with {f_high} repeat purchases whose last purchase was at recency "
        "{mid:.0f} (half-way) has P(alive) = {p_mid_high:.2f}; the same customer whose "
        "last purchase was at the end ({end:.0f}) has {p_end_high:.2f}. With {f_low} "
        "repeat purchase the same two customers have {p_mid_low:.2f} and "
        "{p_end_low:.2f}: silence means more after many purchases.",
        "zh": "复购 {f_high} 次、最后一次购买在第 {mid:.0f} 个时间单位（观察期中点）的客户，存活概率为 {p_mid_high:.2f}；同样的客户如果最后一次购买在末尾（第 {end:.0f} 个时间单位），存活概率为 {p_end_high:.2f}。只复购 {f_low} 次的客户，这两种情况分别为 {p_mid_low:.2f} 和 {p_end_low:.2f}：买得越多的人，沉默越说明问题。",
    },
    "ltv.channels": {
        "en": "The most valuable channel per contact is {top} ({top_mean:,.1f}, 95% CI "
        "{top_lo:,.1f}–{top_hi:,.1f}), the least valuable {bottom} ({bottom_mean:,.1f}, "
        "{bottom_lo:,.1f}–{bottom_hi:,.1f}); in total the contacts are expected to be "
        "worth {total:,.0f} over the next {horizon} {unit}.",
        "zh": "每位联系人价值最高的渠道是{top}（{top_mean:,.1f}，95% 区间 {top_lo:,.1f}–"
        "{top_hi:,.1f}），最低的是{bottom}（{bottom_mean:,.1f}，{bottom_lo:,.1f}–"
        "{bottom_hi:,.1f}）；全部联系人在未来 {horizon} {unit}内的预期总价值为 {total:,.0f}。",
    },
    "ltv.headline": {
        "en": "BG/NBD misses holdout repeat purchases by {error:+.1f}%; contacts from offline "
        "giveaway events are worth {currency} {yes:,.1f} (95% CI {yes_lo:,.1f}–{yes_hi:,.1f}) "
        "over {horizon} {unit} against {currency} {no:,.1f} for the rest.",
        "zh": "贝塔几何/负二项模型对检验期复购次数的预测误差为 {error:+.1f}%；线下赠品活动带来的联系人在 "
        "{horizon} {unit}内人均价值 {yes:,.1f} {currency}（95% 区间 {yes_lo:,.1f}–{yes_hi:,.1f}），"
        "其余联系人为 {no:,.1f} {currency}。",
    },
    "ltv.giveaway": {
        "en": "Contacts from offline giveaway events have a mean {horizon}-{unit_one} CLV of "
        "{yes:,.1f} (95% CI {yes_lo:,.1f}–{yes_hi:,.1f}, {n:,} contacts) against {no:,.1f} "
        "({no_lo:,.1f}–{no_hi:,.1f}) for all other contacts, {ratio:.2f} times as much. "
        "{judgement}",
        "zh": "线下赠品活动带来的联系人 {horizon} {unit_one}平均 CLV 为 {yes:,.1f}（95% 区间 "
        "{yes_lo:,.1f}–{yes_hi:,.1f}，{n:,} 位联系人），其他联系人为 {no:,.1f}（{no_lo:,.1f}–"
        "{no_hi:,.1f}），是后者的 {ratio:.2f} 倍。{judgement}",
    },
    "ltv.giveaway_lower": {
        "en": "The intervals do not overlap: the data support the essay's claim that giveaway "
        "events bring lower-value contacts.",
        "zh": "区间不重叠：数据支持文章关于赠品活动带来低价值联系人的论断。",
    },
    "ltv.giveaway_higher": {
        "en": "The intervals do not overlap: giveaway contacts are worth *more*, against the "
        "essay's claim.",
        "zh": "区间不重叠：赠品活动联系人的价值*更高*，与文章的论断相反。",
    },
    "ltv.giveaway_overlap": {
        "en": "The intervals overlap: these data cannot tell the two apart.",
        "zh": "区间重叠：这些数据无法区分两者。",
    },
    "ltv.recovery": {
        "en": "{covered} of {n} true values lie inside the estimate's 95% interval. The largest "
        "relative error is {parameter} ({model}): {estimate:.3f} against a true "
        "{true:.3f} ({error:+.0%}). The mean purchase rate r/alpha is {rate:.3f} per "
        "{unit_one} against a true {true_rate:.3f}.",
        "zh": "{n} 个真实值中有 {covered} 个落在估计的 95% 区间内。相对误差最大的是 {parameter}"
        "（{model}）：估计 {estimate:.3f}，真实 {true:.3f}（{error:+.0%}）。平均购买率 r/α "
        "为每{unit_one} {rate:.3f}，真实值为 {true_rate:.3f}。",
    },
    "ltv.no_truth": {
        "en": "No simulator truth at {path}: this section is skipped for real data.",
        "zh": "{path} 处没有模拟器真实参数：真实数据跳过本节。",
    },
    "ltv.cdnow": {
        "en": "{matched} of {n} published numbers are reproduced to the reported precision, on "
        "{customers:,} customers of whom {repeat:,} are repeat buyers.",
        "zh": "{n} 个已发表数值中有 {matched} 个在报告精度内得到复现；共 {customers:,} 位客户，其中 "
        "{repeat:,} 位为复购者。",
    },
    "ltv.cdnow_holdout": {
        "en": "On CDNOW, BG/NBD predicts {predicted:,.0f} holdout repeat purchases against "
        "{actual:,.0f} actual ({error:+.1f}%).",
        "zh": "在唱片零售数据上，贝塔几何/负二项模型预测检验期复购 {predicted:,.0f} 次，实际 {actual:,.0f} 次"
        "（{error:+.1f}%）。",
    },
    # the answer the report opens with (analysis.reports.summary)
    "ltv.answer.holdout": {
        "en": "Checked on a later period it never saw, the model's forecast of repeat purchases was off by {error:+.1f}%.",
        "zh": "在模型从未见过的后期时段检验，其复购次数预测偏差为 {error:+.1f}%。",
    },
    "ltv.answer.channel.differ": {
        "en": "Contacts from {best} are worth the most, {mean} each over the next {horizon} {unit} (95% interval {ival}); those from {worst} the least, {wmean} ({wival}).",
        "zh": "来自{best}的联系人价值最高，未来 {horizon} {unit}人均 {mean}（95% 区间 {ival}）；来自{worst}的最低，人均 {wmean}（{wival}）。",
    },
    "ltv.answer.channel.same": {
        "en": "The channels cannot be told apart on value: from {worst} {wmean} ({wival}) to {best} {mean} ({ival}) per contact over the next {horizon} {unit}.",
        "zh": "各渠道联系人的价值分不出高下：未来 {horizon} {unit}人均从{worst}的 {wmean}（{wival}）到{best}的 {mean}（{ival}）。",
    },
    "ltv.answer.giveaway.below": {
        "en": "Contacts from giveaway events are worth less: {yes} each ({yival}) against {no} ({nival}) for the others — {ratio} as much.",
        "zh": "赠品活动带来的联系人价值更低：人均 {yes}（{yival}），其他联系人 {no}（{nival}）——只有后者的 {ratio}。",
    },
    "ltv.answer.giveaway.above": {
        "en": "Contacts from giveaway events are worth more: {yes} each ({yival}) against {no} ({nival}) for the others — {ratio} as much.",
        "zh": "赠品活动带来的联系人价值更高：人均 {yes}（{yival}），其他联系人 {no}（{nival}）——是后者的 {ratio}。",
    },
    "ltv.answer.giveaway.same": {
        "en": "Contacts from giveaway events cannot be told apart from the others on value: {yes} each ({yival}) against {no} ({nival}).",
        "zh": "赠品活动带来的联系人与其他联系人的价值分不出高下：人均 {yes}（{yival}）对 {no}（{nival}）。",
    },
    "ltv.answer.concentration": {
        "en": "The top {top} of buyers hold {share} of the expected value.",
        "zh": "价值最高的 {top} 买家占预计总价值的 {share}。",
    },
    "ltv.answer.do.channel": {
        "en": "**What to do:** put acquisition money where contacts are worth more ({best}), and judge each channel and event by the value of the contacts it brings, not their number.",
        "zh": "**建议：** 把拉新预算投向联系人价值更高的渠道（{best}），按带来的联系人价值而非人数评估各渠道和活动。",
    },
    "ltv.answer.do.same": {
        "en": "**What to do:** do not move acquisition money between channels on value alone; look after the top buyers, who hold most of the value.",
        "zh": "**建议：** 不要仅凭价值在渠道间调整拉新预算；重点维护贡献大部分价值的头部买家。",
    },
}
