"""One place for every reader-facing label in English and Chinese.

``tr(key, lang)`` translates a term (value, stage, channel, hook, column header, axis title);
unknown keys come back unchanged, so English identifiers are their own fallback.
``tr_frame(df, lang)`` returns a copy with column headers and categorical cells translated.
Reports take a ``lang`` parameter (``"en"`` or ``"zh"``) and pass it to both.
"""

from __future__ import annotations

import re
from typing import Iterable

import pandas as pd

from analysis.data.vocab import OFF_LADDER, STAGES, VALUES

LANGS = ("en", "zh")

_ZH: dict[str, str] = {
    **VALUES,
    **STAGES,
    **OFF_LADDER,
    # channels and hooks
    "douyin": "抖音",
    "xiaohongshu": "小红书",
    "offline_store": "线下门店",
    "offline_event": "线下活动",
    "partner": "合作伙伴",
    "referral": "老带新",
    "coupon": "优惠券",
    "trial": "试用",
    "free_consultation": "免费咨询",
    "industry_report": "行业报告",
    "merch": "周边礼品",
    "offline_group": "线下社群",
    "unknown": "未知",
    # tables and columns
    "contacts": "联系人",
    "events": "事件",
    "orders": "订单",
    "users": "用户数",
    "rows": "行数",
    "rows_in": "输入行数",
    "kept": "保留",
    "dropped": "删除",
    "repaired": "修复",
    "step": "步骤",
    "detail": "说明",
    "table": "表",
    "first": "最早",
    "last": "最晚",
    "channel": "渠道",
    "hook": "钩子",
    "share": "占比",
    "period": "时期",
    "month": "月份",
    "event_type": "事件类型",
    "value": "价值",
    "stage": "阶段",
    "meaning": "含义",
    "buyers": "购买人数",
    "gross": "总收入",
    "refunded": "退款",
    "net": "净收入",
    "refunded_orders": "退款订单数",
    "retention": "留存率",
    "retained": "留存",
    "churn": "流失",
    "revenue": "收入",
    "new contacts": "新增联系人",
    "CNY": "元",
    "item": "项目",
    # titles and axis labels used by the overview plots
    "% of contacts": "联系人占比 (%)",
    "Contacts by channel and hook (% of all contacts)": "各渠道与钩子的联系人占比 (%)",
    "New contacts per month by channel": "各渠道每月新增联系人",
    "events (log scale)": "事件数（对数刻度）",
    "Events per month, most frequent types": "每月事件数（最常见类型）",
    "Revenue per month (net and refunded) and orders": "每月收入（净收入与退款）及订单数",
    "net revenue": "净收入",
    "event type": "事件类型",
    # --- value-index-retention (analysis.studies.validity / plots_validity) ---
    "index": "指数",
    "spend": "消费额",
    "rfm": "RFM 评分",
    "rfm_score": "RFM 评分",
    "equal": "等权重",
    "learned": "学习权重",
    "expansion": "扩张期预设",
    "custom": "自定义",
    **{f"only_{v}": f"仅{zh}" for v, zh in VALUES.items()},
    "best region (top 5% mean)": "最优区域（前 5% 均值）",
    "best draw": "最优抽样",
    "no_hard_churn": "未硬流失",
    "score": "评分",
    "outcome": "结果",
    "bin": "分箱",
    "n": "人数",
    "n_outcome": "结果人数",
    "rate": "比率",
    "lo": "下限",
    "hi": "上限",
    "score_min": "评分最小值",
    "score_max": "评分最大值",
    "score_mean": "评分均值",
    "auc": "AUC",
    "se": "标准误",
    "n_pos": "正例数",
    "n_boot": "自助次数",
    "ci": "置信水平",
    "base_rate": "基础比率",
    "diff": "差值",
    "diff_lo": "差值下限",
    "diff_hi": "差值上限",
    "p_value": "p 值",
    "value_zh": "中文名",
    "weight": "权重",
    "calib_median": "校准中位数",
    "calib_p90": "校准 90 分位",
    "share_zero": "零值占比",
    "coef_per_sd": "每标准差系数",
    "coef_lo": "系数下限",
    "coef_hi": "系数上限",
    "implied_weight": "隐含权重",
    "preset_weight": "预设权重",
    "controls": "控制变量",
    "lr_stat": "似然比统计量",
    "lr_df": "自由度",
    "lr_p": "似然比 p 值",
    "odds_ratio_per_sd": "每标准差优势比",
    "or_lo": "优势比下限",
    "or_hi": "优势比上限",
    "auc_without": "不含指数 AUC",
    "auc_with": "含指数 AUC",
    "auc_diff": "AUC 差值",
    "draw": "权重方案",
    "percentile": "百分位",
    "auc_random_median": "随机权重 AUC 中位数",
    "auc_random_min": "随机权重 AUC 最小值",
    "auc_random_max": "随机权重 AUC 最大值",
    "cutoff": "截止日",
    "hazard_ratio_per_sd": "每标准差风险比",
    "p": "p 值",
    "true_auc": "真实 AUC",
    "oracle_auc": "理想 AUC",
    "inside": "落在区间内",
    "ROC curves": "ROC 曲线",
    "chance": "随机水平",
    "false positive rate": "假阳性率",
    "true positive rate": "真阳性率",
    "AUC of the index and the baselines (same users)": "指数与各基准的 AUC（同一批用户）",
    "AUC (95% bootstrap interval; 0.5 = chance)": "AUC（95% 自助法区间；0.5 = 随机）",
    "RFM + tenure + channel": "RFM + 在册时长 + 渠道",
    "… + index": "… + 指数",
    "model (logistic regression, out-of-fold)": "模型（逻辑回归，折外）",
    "AUC (bar: interval of the difference)": "AUC（误差线：差值的区间）",
    "random weights": "随机权重",
    "AUC over weights drawn uniformly on the simplex": "在单纯形上均匀抽取权重时的 AUC",
    "AUC of the weighted index": "加权指数的 AUC",
    "number of weight vectors": "权重向量个数",
    "Where the best weights lie": "最优权重落在哪里",
    "equal (0.2)": "等权重 (0.2)",
    "AUC at successive cut-offs (rolling origin)": "各截止日的 AUC（滚动起点）",
    "cut-off": "截止日",
    "AUC (95% bootstrap interval)": "AUC（95% 自助法区间）",
    "days after the cut-off": "截止日后天数",
    "share without hard churn": "未硬流失占比",
    "none": "无",
    # --- churn (analysis.studies.churn / plots_churn) ---
    "logistic": "逻辑回归",
    "hgb": "梯度提升",
    "oracle": "理想模型",
    "logistic regression (L2)": "逻辑回归（L2）",
    "gradient boosting (HGB)": "梯度提升（HGB）",
    "roc_auc": "ROC AUC",
    "pr_auc": "PR AUC",
    "brier": "Brier 分数",
    **{
        f"{k}@{f}%": f"{zh}@{f}%"
        for k, zh in (("gain", "覆盖率"), ("lift", "提升度"))
        for f in (1, 2, 5, 10, 20, 30, 50)
    },
    "set": "数据集",
    "train": "训练",
    "test": "测试",
    "churned": "流失人数",
    "hard_churn": "硬流失人数",
    "churn_rate": "流失率",
    "setting": "设置",
    "feature": "特征",
    "metric": "指标",
    "estimate": "估计值",
    "gap": "差距",
    "gap_lo": "差距下限",
    "gap_hi": "差距上限",
    "mean_predicted": "平均预测值",
    "observed": "观测值",
    "rank": "排名",
    "risk": "风险",
    "value_index": "价值指数",
    "priority": "优先级",
    "days_since_last_interaction": "距上次互动天数",
    "reason_1": "原因 1",
    "reason_2": "原因 2",
    "reason_3": "原因 3",
    "importance": "重要性",
    "perfect calibration": "完美校准",
    "random order": "随机顺序",
    "mean predicted churn probability (bin)": "平均预测流失概率（分箱）",
    "observed churn rate (bin, 95% interval)": "观测流失率（分箱，95% 区间）",
    "share of users contacted, riskiest first": "触达用户占比（风险最高者优先）",
    "share of all churners reached (gain)": "覆盖的流失者占比（覆盖率）",
    "lift over the base churn rate": "相对基础流失率的提升度",
    "drop in ROC AUC when the feature is shuffled": "打乱该特征后 ROC AUC 的下降",
    "Calibration": "校准",
    "Cumulative gain": "累积覆盖率",
    "Lift": "提升度",
    "Permutation importance": "置换重要性",
    # --- segments-and-flow (analysis.studies.segments / cohorts / flow / plots_flow) ---
    # (RFM segment and tier names: _SEGMENT_ZH below)
    "no_purchase": "未购买",
    "segment": "分群",
    "zh": "中文名",
    "order": "顺序",
    "share_retained": "留存占比",
    "retention_n": "留存样本数",
    "retention_lo": "留存率下限",
    "retention_hi": "留存率上限",
    "mean_spend": "平均消费",
    "tier": "层级",
    "persona": "画像",
    "name": "名称",
    "state": "状态",
    "code": "编码",
    "on_ladder": "在阶梯上",
    "evidence": "证据",
    "new": "新用户",
    "all": "全部",
    "claim": "论断",
    "group_a": "组 a",
    "group_b": "组 b",
    "value_a": "组 a 数值",
    "value_b": "组 b 数值",
    "n_a": "组 a 人数",
    "n_b": "组 b 人数",
    "effect": "效应",
    "verdict": "结论",
    "claimed": "论断方向",
    "supported": "得到支持",
    "contradicted": "被否定",
    "inconclusive": "不确定",
    "giveaway": "赠品活动用户",
    "others": "其他用户",
    "screened": "1:1 筛选后入群",
    "straight_in": "直接入群",
    "giveaway users retain less": "赠品活动用户留存更低",
    "giveaway users spend less": "赠品活动用户消费更少",
    "screened in 1:1 retain better": "1:1 筛选后入群的用户留存更好",
    "k_factor": "K 因子",
    "k_lo": "K 下限",
    "k_hi": "K 上限",
    "referred": "被推荐人数",
    "base": "基数",
    "invitations": "邀请数",
    "mean_days_completed": "完整停留平均天数",
    "forward_rate": "前进率",
    "stay_rate": "停留率",
    "log_hr": "对数风险比",
    "log_hr_marginal_true": "真实边际对数风险比",
    "gamma_structural": "真实结构效应",
    "share of users": "用户占比",
    "snapshot": "快照",
    "share of the row": "行内占比",
    "state at the next snapshot": "下一快照的状态",
    "state at a snapshot": "快照时的状态",
    "users (stacked by state; top = highest stage)": "用户数（按状态堆叠；顶部为最高阶段）",
    "stage at a snapshot": "快照时的阶段",
    "share at a higher stage one snapshot later": "下一快照处于更高阶段的占比",
    "months since the join month": "加入后的月数",
    "share active in the month (95% CI)": "当月活跃占比（95% 置信区间）",
    "join cohort": "加入批次",
    "share active": "活跃占比",
    "comparison": "比较",
    "K per month (referred joins / base)": "每月 K 值（被推荐加入数 / 基数）",
    "K-factor": "K 因子",
    "value (log1p, standardised)": "价值（log1p，标准化）",
    "SD from the mean": "偏离均值的标准差",
    "perfect recovery": "完美还原",
    "vs": "对比",
    "true log hazard ratio vs reference": "相对参照的真实对数风险比",
    "estimated log hazard ratio (95% CI)": "估计的对数风险比（95% 置信区间）",
    "share retained (95% CI)": "留存占比（95% 置信区间）",
    "Where users go between snapshots": "用户在快照之间的去向",
    "How users flow between stages": "用户在阶段之间的流动",
    "How users flow between stages (selected snapshots)": "用户在阶段之间的流动（选定快照）",
    "Users in each state over time": "各状态用户数随时间变化",
    "Users in each state at each monthly snapshot": "每月快照中各状态的用户数",
    "Forward conversion per stage (next snapshot)": "各阶段的前进转化（下一快照）",
    "Retention by months since joining": "按加入月数的留存",
    "Retention by join cohort and month since joining": "按加入批次与加入月数的留存",
    "Transition shares between consecutive monthly snapshots": "相邻月度快照之间的转移占比",
    "Effects with 95% intervals": "效应及 95% 区间",
    "Referral K-factor per month": "每月推荐 K 因子",
    "Referral K-factor per month (95% CI)": "每月推荐 K 因子（95% 置信区间）",
    "What makes each persona distinct": "各画像的区别所在",
    "Retention by persona": "各画像的留存",
    "Recovered vs true channel effects on leaving": "还原的与真实的渠道离开效应",
    "Recovered vs true channel effects on leaving (reference: partner)": "还原的与真实的渠道离开效应（参照：合作伙伴）",
    "Retention by channel": "各渠道的留存",
    "Retention by hook": "各钩子的留存",
    "difference in retention (percentage points, a − b)": "留存差异（百分点，a − b）",
    "Retention: group a minus group b": "留存：组 a 减组 b",
    "Spend: giveaway minus others": "消费：赠品活动用户减其他用户",
    # --- ltv (analysis.studies.ltv) ---
    "actual": "实际",
    "model": "模型",
    "end of calibration": "校准期结束",
    "days": "天",
    "weeks": "周",
    "hours": "小时",
    "time units": "时间单位",
    "day": "天",
    "week": "周",
    "hour": "小时",
    "repeat purchases in calibration": "校准期复购次数",
    "mean purchases per customer in holdout": "留出期每位客户平均购买次数",
    "Holdout purchases by calibration frequency": "按校准期频次的留出期购买",
    "cumulative repeat transactions": "累计复购次数",
    "Cumulative repeat transactions: actual vs model": "累计复购：实际与模型",
    "frequency (repeat purchases)": "频次（复购次数）",
    "recency (time of last purchase)": "最近度（最后一次购买的时间）",
    "probability alive": "存活概率",
    "expected purchases": "预期购买次数",
    "BG/NBD: holdout purchases by calibration frequency (sample)": "BG/NBD：按校准期频次的留出期购买（样本）",
    "Cumulative repeat purchases: actual vs BG/NBD (sample)": "累计复购：实际与 BG/NBD（样本）",
    "CDNOW: BG/NBD holdout purchases by calibration frequency": "CDNOW：BG/NBD 按校准期频次的留出期购买",
    "frequency": "频次",
    "recency": "最近度",
    "T": "客户年龄 T",
    "monetary_value": "客单价",
    "count": "计数",
    "mean": "均值",
    "std": "标准差",
    "min": "最小值",
    "max": "最大值",
    "log_likelihood": "对数似然",
    "customers": "客户数",
    "patterns": "模式数",
    "n_customers": "客户数",
    "total": "合计",
    "total_lower": "合计下限",
    "total_upper": "合计上限",
    "mean_lower": "均值下限",
    "mean_upper": "均值上限",
    "clv": "客户终身价值",
    "expected_purchases": "预期购买次数",
    "giveaway_event": "赠品活动",
    "predicted_total": "预测合计",
    "actual_total": "实际合计",
    "total_error_pct": "合计误差 (%)",
    "mae": "平均绝对误差",
    "rmse": "均方根误差",
    "pearson_r": "Pearson r",
    "spearman_rho": "Spearman ρ",
    "parameter": "参数",
    "true": "真实值",
    "lower_95": "95% 下限",
    "upper_95": "95% 上限",
    "relative_error": "相对误差",
    "covered": "被区间覆盖",
    "published": "已发表值",
    "decimals": "小数位",
    "ours": "本工具结果",
    "match": "一致",
    "frequency_cal": "校准期频次",
    "predicted": "预测",
    # --- behaviours-retention (analysis.studies.behaviours / plots_behaviours) ---
    "window d (days)": "窗口 d（天）",
    "at least k times": "至少 k 次",
    "confirmation (95% CI)": "验证期（95% 置信区间）",
    "discovery": "发现期",
    "confirmation": "验证期",
    "behaviour": "行为",
    "retention of doers − non-doers (percentage points)": "做过者减未做者的留存（百分点）",
    "holds": "成立",
    "does not hold": "不成立",
    "no shrinkage": "无收缩",
    "difference on discovery period (points)": "发现期的差异（百分点）",
    "difference on confirmation period (points)": "验证期的差异（百分点）",
    "Confirmed behaviours: retention difference": "已验证行为：留存差异",
    "Discovery vs confirmation": "发现期与验证期",
    "Retention difference: discovery vs confirmation": "留存差异：发现期与验证期",
    "Strongest confirmed behaviours (confirmation period)": "最强的已验证行为（验证期）",
    "label_from": "标签起点",
    "label_until": "标签终点",
    "reach_conf": "覆盖率（验证期）",
    "retention_did_conf": "做过者留存（验证期）",
    "retention_not_conf": "未做者留存（验证期）",
    "phi_conf": "phi（验证期）",
    "diff_conf": "差异（验证期）",
    "diff_lo_conf": "差异下限（验证期）",
    "diff_hi_conf": "差异上限（验证期）",
    "diff_disc": "差异（发现期）",
    "shrinkage": "收缩",
    "q_conf": "q 值（验证期）",
    "weight_rank": "权重排名",
    "evidence_rank": "证据排名",
    "best_phi": "最强 phi",
    "best_behaviour": "最强行为",
    "share_of_top": "占前列比例",
    "n_confirmed": "已验证行为数",
    "paid_order": "付费订单",
}

#: Event types of the default vocabulary; kept apart because some names ("share", "read")
#: are also column headers. Reached as "type:<name>" (the behaviour units).
_EVENT_ZH: dict[str, str] = {
    "content_view": "浏览内容",
    "qr_scan": "扫码",
    "lure_claim": "领取引流品",
    "contact_add": "添加联系人",
    "group_join": "入群",
    "message": "发消息",
    "read": "阅读",
    "click": "点击",
    "checkin": "打卡",
    "inquiry": "咨询",
    "trial_request": "申请试用",
    "store_visit": "到店",
    "event_attend": "参加活动",
    "feedback": "反馈",
    "share": "分享",
    "invite": "邀请",
    "referral_join": "被推荐加入",
    "helpful_reply": "热心回复",
    "post": "发帖",
    "review": "评价",
    "buyer_show": "买家秀",
    "xhs_note": "小红书笔记",
    "suggestion": "建议",
    "suggestion_adopted": "建议被采纳",
    "cocreation": "共创",
    "beta_test": "内测",
    "group_quit": "退群",
    "del_follow_user": "删除好友",
}

#: Chinese meanings of the default event vocabulary (keyed by the English meaning).
_MEANING_ZH: dict[str, str] = {
    "saw brand content before joining (pre-join data)": "加入前浏览过品牌内容（加入前数据）",
    "scanned a channel QR code": "扫描渠道二维码",
    "claimed the hook (report, coupon, merch, ...)": "领取钩子（报告、优惠券、周边等）",
    "became a WeCom contact": "成为企业微信联系人",
    "joined a brand group": "加入品牌社群",
    "sent a message in a group or 1:1": "在群内或 1:1 发消息",
    "read / opened brand content": "阅读/打开品牌内容",
    "clicked a link or mini-program card": "点击链接或小程序卡片",
    "checked in (打卡) in a group activity": "参加群内打卡活动",
    "asked about a product": "咨询产品",
    "requested a trial or sample": "申请试用或小样",
    "visited a store": "到店",
    "attended a brand event": "参加品牌活动",
    "gave product / experience feedback": "提供产品/体验反馈",
    "shared brand content to their circles": "把品牌内容分享到自己的圈子",
    "sent an invitation to a friend": "向朋友发出邀请",
    "a friend they invited joined": "邀请的朋友已加入",
    "answered another member in a group": "在群内解答其他成员的问题",
    "posted UGC in a group or Moments": "在群内或朋友圈发布 UGC",
    "wrote a product review": "撰写产品评价",
    "posted a buyer show (买家秀)": "发布买家秀",
    "posted a note on 小红书": "在小红书发布笔记",
    "made a product or service suggestion": "提出产品或服务建议",
    "a suggestion was adopted": "建议被采纳",
    "took part in a co-creation session": "参加共创活动",
    "took part in a beta test": "参加内测",
    "left a brand group": "退出品牌社群",
    "deleted the brand's WeCom contact (hard churn)": "删除品牌的企业微信联系人（硬流失）",
}

#: Chinese meanings of the churn feature dictionary (keyed by the English meaning).
_FEATURE_MEANING_ZH: dict[str, str] = {
    "acquisition channel (contacts.channel)": "获客渠道（contacts.channel）",
    "hook the user came in on (contacts.hook)": "用户加入时的钩子（contacts.hook）",
    "1 if the user was referred by another contact (老带新), else 0": "由其他联系人推荐加入（老带新）为 1，否则为 0",
    "days from joining to the cut-off": "从加入到截止日的天数",
    "days from the last interaction event (vocabulary interaction types) to the cut-off; NaN if none": "最近一次互动事件（词表中的互动类型）距截止日的天数；没有则为 NaN",
    "recency: days from the last paid order (net amount > 0) to the cut-off; NaN if the user never bought": "最近度：最近一笔付费订单（净额 > 0）距截止日的天数；从未购买则为 NaN",
    "frequency: paid orders before the cut-off (all history)": "频次：截止日前的付费订单数（全部历史）",
    "monetary: net order amount (amount - refund) before the cut-off": "金额：截止日前的订单净额（金额 − 退款）",
    "orders with a refund before the cut-off": "截止日前有退款的订单数",
    "interaction events in the short window": "短窗口内的互动事件数",
    "interaction events in the long window": "长窗口内的互动事件数",
    "interaction events per day in the short window (per day of exposure)": "短窗口内每天的互动事件数（按在域天数计）",
    "interaction events per day in the long window (per day of exposure)": "长窗口内每天的互动事件数（按在域天数计）",
    "interaction_rate_short - interaction_rate_long (negative: slowing down)": "interaction_rate_short − interaction_rate_long（为负：活跃度在下降）",
    "paid orders in the short window": "短窗口内的付费订单数",
    "paid orders in the long window": "长窗口内的付费订单数",
    "paid orders per day, short window minus long window": "每天付费订单数：短窗口减长窗口",
    "events in a group context in the look-back window": "回看窗口内发生在群场景的事件数",
    "group_quit events in the look-back window": "回看窗口内的退群事件数",
    "1 if the user's last group join before the cut-off is later than their last group quit, else 0": "截止日前最近一次入群晚于最近一次退群为 1，否则为 0",
    "highest ladder stage evidenced in the look-back window (1 = aware ... 9 = ambassador; 0 = none)": "回看窗口内有证据的最高阶段（1 = 认知 … 9 = 大使；0 = 无）",
    "name of that stage ('none' when stage_rank is 0)": "该阶段的名称（stage_rank 为 0 时为 'none'）",
    "experience evidence in the look-back window (value_evidence: event count)": "回看窗口内的体验价值证据（value_evidence：事件数）",
    "consumption evidence in the look-back window (value_evidence: net spend)": "回看窗口内的消费价值证据（value_evidence：净消费额）",
    "social evidence in the look-back window (value_evidence: event count)": "回看窗口内的社交价值证据（value_evidence：事件数）",
    "content evidence in the look-back window (value_evidence: event count)": "回看窗口内的内容价值证据（value_evidence：事件数）",
    "innovation evidence in the look-back window (value_evidence: event count)": "回看窗口内的创新价值证据（value_evidence：事件数）",
}

_PATTERNS_ZH: list[tuple[re.Pattern, object]] = [
    (re.compile(r"^type:(.+)$"), lambda m: _EVENT_ZH.get(m[1], m[1])),
    (re.compile(r"^value:(.+)$"), lambda m: _ZH.get(m[1], m[1]) + "（合计）"),
    (
        re.compile(r"^P(\d+) high (.+)$"),
        lambda m: f"P{m[1]} 高" + "+".join(_ZH.get(v, v) for v in m[2].split("+")),
    ),
    (re.compile(r"^P(\d+) quiet \(low on all\)$"), lambda m: f"P{m[1]} 沉寂（各项都低）"),
    (re.compile(r"^P(\d+) average$"), lambda m: f"P{m[1]} 一般"),
    (re.compile(r"^retained at month (\d+)$"), lambda m: f"第 {m[1]} 个月留存"),
    (
        re.compile(r"^net spend in first (\d+) days \(CNY\)$"),
        lambda m: f"加入后 {m[1]} 天内净消费（元）",
    ),
    (
        re.compile(r"^difference in mean net spend, first (\d+) days \(CNY\)$"),
        lambda m: f"加入后 {m[1]} 天内平均净消费差异（元）",
    ),
]


#: RFM segment and value-tier names (:mod:`analysis.studies.segments`).
_SEGMENT_ZH = {
    "champions": "重要价值客户",
    "loyal": "忠诚客户",
    "potential_loyalist": "潜力客户",
    "new_customers": "新客户",
    "need_attention": "需关注",
    "cannot_lose": "不能失去",
    "at_risk": "流失风险",
    "about_to_sleep": "即将沉睡",
    "hibernating": "沉睡",
    "no_purchase": "未购买",
    "core_vip": "核心VIP",
    "high": "高价值",
    "growing": "成长",
    "ordinary": "普通",
    "silent": "沉默",
}


TRANSLATIONS: dict[str, dict[str, str]] = {
    "en": {},
    "zh": {**_SEGMENT_ZH, **_MEANING_ZH, **_FEATURE_MEANING_ZH, **_ZH},
}

#: Sentence templates of the reports' computed readings, filled by :func:`say`.
SENTENCES: dict[str, dict[str, str]] = {
    "overview.ledger": {
        "en": "The loader read {read:,} rows in three tables; it dropped {dropped:,} and "
        "repaired {repaired:,} (see the steps above).",
        "zh": "共读取三张表 {read:,} 行；删除 {dropped:,} 行，修复 {repaired:,} 行（见上表各步骤）。",
    },
    "overview.headline": {
        "en": "{contacts:,} contacts, {events:,} events and {orders:,} orders from {first} to "
        "{last}; the loader dropped {dropped:,} rows.",
        "zh": "{first} 至 {last}：{contacts:,} 位联系人、{events:,} 条事件、{orders:,} 笔订单；"
        "清洗删除 {dropped:,} 行。",
    },
    "overview.span": {
        "en": "{contacts:,} contacts, {events:,} events and {orders:,} orders, spanning "
        "{days:,} days from {first} to {last}; {with_events:,} contacts have at least one "
        "event and {with_orders:,} at least one order.",
        "zh": "{contacts:,} 位联系人、{events:,} 条事件、{orders:,} 笔订单，覆盖 {first} 至 {last} "
        "共 {days:,} 天；{with_events:,} 位联系人至少有一条事件，{with_orders:,} 位至少下过一单。",
    },
    "overview.channels": {
        "en": "The largest channel is **{top}** with {top_n:,} contacts ({top_share:.0%}); the "
        "smallest is **{bottom}** ({bottom_share:.0%}).",
        "zh": "最大的渠道是**{top}**，{top_n:,} 位联系人（{top_share:.0%}）；最小的是**{bottom}**"
        "（{bottom_share:.0%}）。",
    },
    "overview.joins": {
        "en": "New contacts per period went from {first_n:,} in the first period to {last_n:,} "
        "in the last (peak {peak_n:,} in {peak}).",
        "zh": "每期新增联系人从第一期的 {first_n:,} 位变为最后一期的 {last_n:,} 位"
        "（峰值 {peak_n:,} 位，出现在 {peak}）。",
    },
    "overview.values": {
        "en": "Events that evidence the five values (besides purchases): {items}.",
        "zh": "体现五个价值的事件（购买之外）：{items}。",
    },
    "overview.orders": {
        "en": "{orders:,} orders from {buyers:,} buyers ({buyer_share:.0%} of contacts); gross "
        "revenue {gross:,.0f} CNY, refunds {refunded:,.0f} CNY ({refund_share:.1%} of gross, "
        "{refunded_orders:,} orders), net {net:,.0f} CNY.",
        "zh": "{buyers:,} 位购买者（占联系人 {buyer_share:.0%}）共 {orders:,} 笔订单；总收入 "
        "{gross:,.0f} 元，退款 {refunded:,.0f} 元（占 {refund_share:.1%}，{refunded_orders:,} 笔），"
        "净收入 {net:,.0f} 元。",
    },
    # --- value-index-retention -------------------------------------------------------
    "validity.plot.deciles_title": {
        "en": "{outcome} rate by {score} decile",
        "zh": "按{score}十分位的{outcome}率",
    },
    "validity.plot.deciles_x": {
        "en": "{score} decile (1 = lowest)",
        "zh": "{score}十分位（1 = 最低）",
    },
    "validity.plot.deciles_y": {
        "en": "share {outcome} (95% Wilson interval)",
        "zh": "{outcome}占比（95% Wilson 区间）",
    },
    "validity.plot.incremental_title": {
        "en": "Incremental validity of the {score} (OR per SD {odds_ratio:.2f})",
        "zh": "{score}的增量效度（每标准差优势比 {odds_ratio:.2f}）",
    },
    "validity.plot.preset_line": {
        "en": "{draw} ({percentile:.0%} of draws below)",
        "zh": "{draw}（{percentile:.0%} 的抽样低于它）",
    },
    "validity.plot.top_draws": {"en": "top {share:.0%} of draws", "zh": "前 {share:.0%} 的抽样"},
    "validity.plot.quartile": {"en": "quartile {k} (n={n:,})", "zh": "第 {k} 四分位（n={n:,}）"},
    "validity.plot.survival_title": {
        "en": "Time to hard churn by {score} group (Kaplan–Meier)",
        "zh": "按{score}分组的硬流失时间（Kaplan–Meier）",
    },
    "validity.population": {
        "en": "{scorer}. At the cut-off {cutoff} the population holds {n:,} users, of whom "
        "{rate:.1%} were retained over {horizon} days.",
        "zh": "{scorer}。截止日 {cutoff} 时总体共 {n:,} 位用户，其中 {rate:.1%} 在随后 {horizon} 天"
        "内留存。",
    },
    "validity.deciles": {
        "en": "Retention goes from {lowest:.1%} in the lowest bin to {highest:.1%} in the "
        "highest; the rate falls from one bin to the next {decreases} time(s) (Spearman "
        "ρ = {rho:.2f}; Cochran–Armitage trend z = {z:.1f}, p = {p:.2g}). {shape}",
        "zh": "留存率从最低分箱的 {lowest:.1%} 变为最高分箱的 {highest:.1%}；相邻分箱之间下降 "
        "{decreases} 次（Spearman ρ = {rho:.2f}；Cochran–Armitage 趋势 z = {z:.1f}，"
        "p = {p:.2g}）。{shape}",
    },
    "validity.monotonic": {"en": "The relation is monotonic.", "zh": "关系是单调的。"},
    "validity.not_monotonic": {
        "en": "The relation is not strictly monotonic.",
        "zh": "关系并非严格单调。",
    },
    "validity.auc": {
        "en": "The index has AUC {auc:.3f} [{lo:.3f}, {hi:.3f}] on {n:,} users (base retention "
        "rate {base:.1%}). The further a curve bows above the diagonal, the better the "
        "score ranks users.",
        "zh": "指数在 {n:,} 位用户上的 AUC 为 {auc:.3f} [{lo:.3f}, {hi:.3f}]（基础留存率 "
        "{base:.1%}）。曲线越向对角线上方弯曲，该评分对用户的排序越好。",
    },
    "validity.baselines": {
        "en": "The index is clearly better than {n_better} of {n_base} baselines ({better}) and "
        "clearly worse than {n_worse} ({worse}); the rest are within the noise. Points to "
        "the right rank users better; the red point is the index.",
        "zh": "在 {n_base} 个基准中，指数明显优于 {n_better} 个（{better}），明显劣于 {n_worse} 个"
        "（{worse}）；其余差异在噪声范围内。越靠右的点排序越好；红点是指数。",
    },
    "validity.incremental": {
        "en": "Adding the index changes the out-of-fold AUC from {without:.3f} to {with_:.3f} "
        "({diff:+.3f} [{lo:+.3f}, {hi:+.3f}]); likelihood-ratio χ² = {lr:.1f} "
        "(p = {p:.2g}); each standard deviation of the index multiplies the odds of "
        "retention by {odds:.2f} [{or_lo:.2f}, {or_hi:.2f}].",
        "zh": "加入指数后，折外 AUC 从 {without:.3f} 变为 {with_:.3f}（{diff:+.3f} "
        "[{lo:+.3f}, {hi:+.3f}]）；似然比 χ² = {lr:.1f}（p = {p:.2g}）；指数每增加一个标准差，"
        "留存的优势乘以 {odds:.2f} [{or_lo:.2f}, {or_hi:.2f}]。",
    },
    "validity.sensitivity": {
        "en": "Over random weights the AUC ranges from {lo:.3f} to {hi:.3f} (median "
        "{median:.3f}). The expansion preset reaches {auc:.3f}, better than "
        "{percentile:.0%} of random weightings. The best region puts its weight on "
        "{region}. (These weights are chosen on the same users, so the best draw is "
        "optimistic.)",
        "zh": "随机权重下 AUC 介于 {lo:.3f} 与 {hi:.3f} 之间（中位数 {median:.3f}）。扩张期预设达到 "
        "{auc:.3f}，优于 {percentile:.0%} 的随机权重。最优区域的权重落在：{region}。"
        "（这些权重是在同一批用户上选出的，因此最优抽样偏乐观。）",
    },
    "validity.rolling": {
        "en": "Across {k} cut-offs the index's AUC ranges from {lo:.3f} to {hi:.3f}; its "
        "interval lies above 0.5 at {above} of {k} cut-offs. Lines that stay apart mean "
        "the ranking of the scores is stable.",
        "zh": "在 {k} 个截止日上，指数的 AUC 介于 {lo:.3f} 与 {hi:.3f} 之间；其中 {above} 个截止日的"
        "区间高于 0.5。各线保持分开，说明评分的排序是稳定的。",
    },
    "validity.survival": {
        "en": "Each standard deviation of the index multiplies the hazard of hard churn by "
        "{hr:.2f} [{lo:.2f}, {hi:.2f}] ({events:,} hard churns among {n:,} users); "
        "adjusted for RFM, tenure and channel: {hr_adj:.2f} [{lo_adj:.2f}, {hi_adj:.2f}]. "
        "Curves that separate, lowest quartile at the bottom, mean the index orders users "
        "by how soon they delete the brand.",
        "zh": "指数每增加一个标准差，硬流失风险乘以 {hr:.2f} [{lo:.2f}, {hi:.2f}]（{n:,} 位用户中"
        "{events:,} 次硬流失）；控制 RFM、在册时长与渠道后为 {hr_adj:.2f} "
        "[{lo_adj:.2f}, {hi_adj:.2f}]。曲线分开且最低四分位在最下方，说明指数能按用户删除品牌"
        "的早晚排序。",
    },
    "validity.truth": {
        "en": "Observed AUC for no hard churn: {auc:.3f} [{lo:.3f}, {hi:.3f}]; the simulator's "
        "truth implies {true_auc:.3f} for this index — {where} The oracle would reach "
        "{oracle:.3f}.",
        "zh": "未硬流失的观测 AUC：{auc:.3f} [{lo:.3f}, {hi:.3f}]；模拟器的真实参数意味着该指数应为 "
        "{true_auc:.3f}——{where}理想评分可达 {oracle:.3f}。",
    },
    "validity.truth_inside": {"en": "inside the interval.", "zh": "落在区间内。"},
    "validity.truth_outside": {"en": "**outside the interval**.", "zh": "**落在区间外**。"},
    "validity.no_truth": {
        "en": "No simulator truth given: this check is skipped.",
        "zh": "未提供模拟器真实参数：跳过此项检验。",
    },
    "validity.label": {"en": "the {weights}-weighted index", "zh": "{weights}加权指数"},
    "validity.what": {"en": "{horizon}-day retention", "zh": "{horizon} 天留存"},
    "validity.what_any": {"en": "retention", "zh": "留存"},
    "validity.verdict.predicts": {
        "en": "{label} predicts {what}: AUC {auc} {ival} ({ci} bootstrap interval).",
        "zh": "{label}能预测{what}：AUC {auc} {ival}（{ci} 自助法区间）。",
    },
    "validity.verdict.opposite": {
        "en": "{label} ranks users in the opposite direction to {what}: AUC {auc} {ival}; it "
        "does not predict better than chance.",
        "zh": "{label}对用户的排序与{what}方向相反：AUC {auc} {ival}；其预测不优于随机。",
    },
    "validity.verdict.chance": {
        "en": "{label} does not predict {what} better than chance: AUC {auc} {ival}, an "
        "interval that includes 0.5.",
        "zh": "{label}对{what}的预测不优于随机：AUC {auc} {ival}，区间包含 0.5。",
    },
    "validity.verdict.baseline": {
        "en": "{name} {auc} {ival} (index − it = {diff} {diff_ival}: {rel})",
        "zh": "{name} {auc} {ival}（指数 − 它 = {diff} {diff_ival}：{rel}）",
    },
    "validity.verdict.better": {"en": "the index is better", "zh": "指数更好"},
    "validity.verdict.worse": {"en": "the index is worse", "zh": "指数更差"},
    "validity.verdict.same": {"en": "no clear difference", "zh": "无明显差异"},
    "validity.verdict.name_spend": {"en": "spend alone", "zh": "仅消费额"},
    "validity.verdict.name_rfm": {"en": "the RFM score", "zh": "RFM 评分"},
    "validity.verdict.name_equal": {"en": "equal weights", "zh": "等权重"},
    "validity.verdict.name_learned": {
        "en": "cross-validated learned weights",
        "zh": "交叉验证学习的权重",
    },
    "validity.verdict.best_single": {
        "en": "the best single value is {value} with AUC {auc}",
        "zh": "单一价值中最好的是{value}，AUC {auc}",
    },
    "validity.verdict.same_users": {
        "en": "On the same users: {bits}.",
        "zh": "在同一批用户上：{bits}。",
    },
    "validity.verdict.learned": {
        "en": "Learned weights add {gain} {ival} AUC over the preset.",
        "zh": "学习得到的权重比预设多 {gain} {ival} 的 AUC。",
    },
    "validity.verdict.incremental": {
        "en": "Beyond RFM, tenure and channel the index {adds} information: likelihood-ratio "
        "p = {p:.2g}, odds ratio per SD {odds} {or_ival}, out-of-fold AUC {without} → "
        "{with_} (difference {diff:+.3f} [{lo:+.3f}, {hi:+.3f}]).",
        "zh": "在 RFM、在册时长与渠道之外，指数{adds}信息：似然比 p = {p:.2g}，每标准差优势比 "
        "{odds} {or_ival}，折外 AUC {without} → {with_}（差值 {diff:+.3f} "
        "[{lo:+.3f}, {hi:+.3f}]）。",
    },
    "validity.verdict.adds": {"en": "adds", "zh": "提供了额外"},
    "validity.verdict.not_adds": {"en": "does not clearly add", "zh": "未明显提供额外"},
    # --- churn -----------------------------------------------------------------------------
    "churn.plot.calibration_title": {
        "en": "Calibration on the test cut-off ({cutoff})",
        "zh": "测试截止日（{cutoff}）上的校准",
    },
    "churn.plot.gain_title": {
        "en": "Cumulative gain on the test cut-off",
        "zh": "测试截止日上的累积覆盖率",
    },
    "churn.plot.lift_title": {"en": "Lift on the test cut-off", "zh": "测试截止日上的提升度"},
    "churn.plot.importance_title": {
        "en": "Permutation importance ({model})",
        "zh": "置换重要性（{model}）",
    },
    "churn.balance": {
        "en": "At the training cut-off ({train_cutoff}) {train_users:,} users were in the "
        "private domain and {train_rate:.1%} of them churned within {horizon} days "
        "({hard:,} by deleting the contact). At the test cut-off ({test_cutoff}) the rate "
        "was {test_rate:.1%} (95% interval {lo:.1%}–{hi:.1%}) among {test_users:,} users: "
        "the classes are unbalanced, so PR AUC and lift are read next to ROC AUC.",
        "zh": "训练截止日（{train_cutoff}）私域内共 {train_users:,} 位用户，其中 {train_rate:.1%} 在 "
        "{horizon} 天内流失（{hard:,} 位删除了联系人）。测试截止日（{test_cutoff}）的 "
        "{test_users:,} 位用户中流失率为 {test_rate:.1%}（95% 区间 {lo:.1%}–{hi:.1%}）："
        "类别不平衡，因此 PR AUC 与提升度要与 ROC AUC 一起看。",
    },
    "churn.best": {
        "en": "On the test population the better-ranking model is **{model}** with ROC AUC "
        "{auc:.3f}; contacting its riskiest 10% of users reaches {gain:.0%} of all "
        "churners, {lift:.1f} times the base rate of {base:.1%}.",
        "zh": "在测试人群上排序更好的模型是**{model}**，ROC AUC {auc:.3f}；触达其风险最高的 10% "
        "用户即可覆盖 {gain:.0%} 的流失者，是基础流失率 {base:.1%} 的 {lift:.1f} 倍。",
    },
    "churn.oracle": {
        "en": "The oracle, which knows each simulated user's true hazard, reaches ROC AUC "
        "{oracle_auc:.3f} and Brier score {oracle_brier:.3f}; the best model is {gap:.3f} "
        "AUC below it (paired 95% interval {gap_lo:.3f} to {gap_hi:.3f}) and its Brier "
        "score is {brier_gap:.3f} higher. That distance is what better features could "
        "still win; the rest of the uncertainty is irreducible.",
        "zh": "知道每位模拟用户真实风险的理想模型达到 ROC AUC {oracle_auc:.3f}、Brier 分数 "
        "{oracle_brier:.3f}；最佳模型的 AUC 比它低 {gap:.3f}（配对 95% 区间 {gap_lo:.3f} 至 "
        "{gap_hi:.3f}），Brier 分数高 {brier_gap:.3f}。这段差距是更好的特征仍可争取的空间；"
        "其余的不确定性无法消除。",
    },
    "churn.headline": {
        "en": "Churn within {horizon} days ({rate:.0%} of users) is ranked with ROC AUC "
        "{auc:.2f} [{lo:.2f}, {hi:.2f}] by the {model}; its riskiest 10% of users hold "
        "{gain:.0%} of the churners{oracle}.",
        "zh": "{horizon} 天内流失（占用户 {rate:.0%}）由{model}排序，ROC AUC {auc:.2f} "
        "[{lo:.2f}, {hi:.2f}]；其风险最高的 10% 用户包含 {gain:.0%} 的流失者{oracle}。",
    },
    "churn.headline_oracle": {"en": " (oracle AUC {auc:.2f})", "zh": "（理想模型 AUC {auc:.2f}）"},
    "churn.calibration": {
        "en": "The largest miss of the two models is {err:.1f} percentage points ({score}, bin {bin}: "
        "predicted {pred:.1%}, observed {obs:.1%}, interval {lo:.1%}–{hi:.1%}). Brier "
        "scores: {briers}.",
        "zh": "两个模型中最大的偏差为 {err:.1f} 个百分点（{score}，第 {bin} 箱：预测 {pred:.1%}，"
        "观测 {obs:.1%}，区间 {lo:.1%}–{hi:.1%}）。Brier 分数：{briers}。",
    },
    "churn.gain": {
        "en": "Contacting the riskiest {share:.0%} of users by the {model} reaches {gain:.0%} of "
        "the churners, against {share:.0%} in random order{oracle}",
        "zh": "按{model}触达风险最高的 {share:.0%} 用户，可覆盖 {gain:.0%} 的流失者，随机顺序只有 "
        "{share:.0%}{oracle}",
    },
    "churn.gain_oracle": {
        "en": " and {gain:.0%} for the oracle.",
        "zh": "，理想模型为 {gain:.0%}。",
    },
    "churn.gain_end": {"en": ".", "zh": "。"},
    "churn.importance": {
        "en": "The three features the warning leans on most are {items}; {n_zero} of {n} "
        "features add nothing measurable.",
        "zh": "预警最依赖的三个特征是 {items}；{n} 个特征中有 {n_zero} 个没有可测量的贡献。",
    },
    "churn.importance_item": {
        "en": "`{feature}` (AUC drop {drop:.3f})",
        "zh": "`{feature}`（AUC 下降 {drop:.3f}）",
    },
    "churn.export": {
        "en": "The top {n:,} users were written to `{path}` (beside this report) with keyed "
        "pseudonyms only; set `{env}` to share the key with the colleagues who will act "
        "on the list.",
        "zh": "风险最高的 {n:,} 位用户已写入 `{path}`（与本报告同目录），仅含带密钥的假名；设置 "
        "`{env}` 以便与负责跟进名单的同事共享密钥。",
    },
    "churn.no_export": {
        "en": "No file written (`export_csv` is empty).",
        "zh": "未写出文件（`export_csv` 为空）。",
    },
    "churn.c.definition": {"en": "- **Definition.** {text}", "zh": "- **定义。** {text}"},
    "churn.c.common": {
        "en": "- **How common.** {rate:.1%} of the {users:,} users at the test cut-off churned.",
        "zh": "- **有多常见。** 测试截止日的 {users:,} 位用户中 {rate:.1%} 流失。",
    },
    "churn.c.predicted": {
        "en": "- **How well it is predicted.** {model}: ROC AUC {auc:.3f}, PR AUC {pr:.3f} "
        "(base rate {base:.3f}), Brier {brier:.3f}; the other model: ROC AUC {others}.",
        "zh": "- **预测得多好。** {model}：ROC AUC {auc:.3f}，PR AUC {pr:.3f}（基础比率 "
        "{base:.3f}），Brier {brier:.3f}；另一个模型：ROC AUC {others}。",
    },
    "churn.c.oracle": {
        "en": "- **Against the oracle.** The best model is {gap:.3f} AUC below what knowing the "
        "true hazards gives ({oracle:.3f}).",
        "zh": "- **与理想模型相比。** 最佳模型的 AUC 比知道真实风险时（{oracle:.3f}）低 {gap:.3f}。",
    },
    "churn.c.list": {
        "en": "- **The list.** Among the {n:,} users at the top of the risk × value list, "
        "{list_rate:.0%} did churn, against {rest_rate:.0%} of everyone else. The most "
        "common first reason is `{reason}` ({k} of {n} users).",
        "zh": "- **名单。** 风险 × 价值名单前 {n:,} 位用户中 {list_rate:.0%} 确实流失，其余用户为 "
        "{rest_rate:.0%}。最常见的首要原因是 `{reason}`（{n} 位中 {k} 位）。",
    },
    "churn.c.caveat": {
        "en": "- **Caveat.** Scores describe who is likely to go silent, not why: the reasons "
        "are associations in the model, not effects of outreach. Whether calling these "
        "users keeps them needs an experiment.",
        "zh": "- **注意。** 评分描述的是谁可能沉默，而不是为什么：原因只是模型中的关联，不是触达的"
        "效果。给这些用户打电话能否留住他们，需要实验来回答。",
    },
    # --- segments-and-flow -------------------------------------------------------------
    "flow.plot.segment_title": {
        "en": "Retention in the {horizon} days after {as_of} by RFM segment",
        "zh": "{as_of} 之后 {horizon} 天内各 RFM 分群的留存",
    },
    "flow.plot.tier_title": {
        "en": "Retention in the {horizon} days after {as_of} by value tier",
        "zh": "{as_of} 之后 {horizon} 天内各价值层级的留存",
    },
    "flow.reading": {"en": "**Reading.** {text}", "zh": "**解读。** {text}"},
    "flow.rfm": {
        "en": "{users:,} users are in the population at {as_of}; {no_purchase:.0%} have not "
        "bought yet. Among buyers the largest RFM segment is *{largest}* "
        "({largest_share:.0%} of all users). Retention is highest for *{best}* "
        "({best_rate:.0%}, 95% CI {best_lo:.0%}–{best_hi:.0%}) and lowest for *{worst}* "
        "({worst_rate:.0%}, {worst_lo:.0%}–{worst_hi:.0%}).",
        "zh": "{as_of} 时总体共 {users:,} 位用户；{no_purchase:.0%} 尚未购买。购买者中最大的 RFM "
        "分群是*{largest}*（占全部用户 {largest_share:.0%}）。留存率最高的是*{best}*"
        "（{best_rate:.0%}，95% 置信区间 {best_lo:.0%}–{best_hi:.0%}），最低的是*{worst}*"
        "（{worst_rate:.0%}，{worst_lo:.0%}–{worst_hi:.0%}）。",
    },
    "flow.tiers": {
        "en": "Core VIPs ({vip_users:,} users) retain at {vip_rate:.0%} ({vip_lo:.0%}–"
        "{vip_hi:.0%}) against {ord_rate:.0%} ({ord_lo:.0%}–{ord_hi:.0%}) for ordinary "
        "users, and spent {vip_spend:,.0f} vs {ord_spend:,.0f} CNY on average before the "
        "cut-off. The silent tier holds {silent_share:.0%} of the population and retains "
        "at {silent_rate:.0%}. Whether the index predicts better than spend alone is the "
        "question of the value-index report.",
        "zh": "核心 VIP（{vip_users:,} 位）留存率 {vip_rate:.0%}（{vip_lo:.0%}–{vip_hi:.0%}），"
        "普通用户为 {ord_rate:.0%}（{ord_lo:.0%}–{ord_hi:.0%}）；截止日前平均消费分别为 "
        "{vip_spend:,.0f} 元与 {ord_spend:,.0f} 元。沉默层级占总体 {silent_share:.0%}，留存率 "
        "{silent_rate:.0%}。指数是否比仅看消费额预测得更好，见价值指数报告。",
    },
    "flow.personas": {
        "en": "{k} personas ({criterion} criterion). The largest is *{largest}* ({share:.0%}). "
        "Retention ranges from {worst_rate:.0%} (*{worst}*) to {best_rate:.0%} (*{best}*); "
        "mean spend from {spend_min:,.0f} to {spend_max:,.0f} CNY.",
        "zh": "共 {k} 个画像（{criterion} 准则）。最大的是*{largest}*（{share:.0%}）。留存率从 "
        "{worst_rate:.0%}（*{worst}*）到 {best_rate:.0%}（*{best}*）；平均消费从 "
        "{spend_min:,.0f} 元到 {spend_max:,.0f} 元。",
    },
    "flow.sizes": {
        "en": "At the last snapshot ({date}) {users:,} users are in the population: "
        "{lost:.0%} lost, {silent:.0%} silent, and the largest ladder stage is *{stage}* "
        "({stage_share:.0%}).",
        "zh": "最后一个快照（{date}）总体共 {users:,} 位用户：{lost:.0%} 已流失，{silent:.0%} 沉默，"
        "最大的阶梯阶段是*{stage}*（{stage_share:.0%}）。",
    },
    "flow.transitions": {
        "en": "{silent_lost:.0%} of silent users are lost one snapshot later and "
        "{silent_back:.0%} come back onto the ladder; {stay_lost:.0%} of lost users stay "
        "lost. Of new users, {new_lost:.0%} are already lost at their first snapshot.",
        "zh": "沉默用户中 {silent_lost:.0%} 在下一快照流失，{silent_back:.0%} 回到阶梯上；流失用户中 "
        "{stay_lost:.0%} 保持流失。新用户中 {new_lost:.0%} 在第一个快照时就已流失。",
    },
    "flow.bottleneck": {
        "en": "The bottleneck is *{stage}* ({zh}): only {rate:.1%} (95% CI {lo:.1%}–{hi:.1%}) "
        "of its {n:,} user-months move up, while {stay:.0%} stay. Completed spells at "
        "that stage last {days:.0f} days on average (snapshot resolution: one month).",
        "zh": "瓶颈是*{stage}*（{zh}）：其 {n:,} 个用户月中只有 {rate:.1%}（95% 置信区间 "
        "{lo:.1%}–{hi:.1%}）向上移动，{stay:.0%} 停留。该阶段的完整停留平均持续 {days:.0f} 天"
        "（快照精度：一个月）。",
    },
    "flow.channels": {
        "en": "{age} months after joining, *{top}* users are the most active ({top_rate:.0%}, "
        "{top_lo:.0%}–{top_hi:.0%}) and *{bottom}* users the least ({bottom_rate:.0%}, "
        "{bottom_lo:.0%}–{bottom_hi:.0%}). By hook, *{top_hook}* leads "
        "({top_hook_rate:.0%}) and *{bottom_hook}* trails ({bottom_hook_rate:.0%}).",
        "zh": "加入 {age} 个月后，*{top}*用户最活跃（{top_rate:.0%}，{top_lo:.0%}–{top_hi:.0%}），"
        "*{bottom}*用户最不活跃（{bottom_rate:.0%}，{bottom_lo:.0%}–{bottom_hi:.0%}）。按钩子看，"
        "*{top_hook}*领先（{top_hook_rate:.0%}），*{bottom_hook}*垫底（{bottom_hook_rate:.0%}）。",
    },
    "flow.claim": {
        "en": "- *{claim}* — {group_a} {value_a:,.3g} (n={n_a:,}) vs {group_b} {value_b:,.3g} "
        "(n={n_b:,}) on {metric}: difference {effect:+,.3g} (95% CI {lo:+,.3g} to "
        "{hi:+,.3g}); the claim is **{verdict}** on these data.",
        "zh": "- *{claim}*——{metric}：{group_a} {value_a:,.3g}（n={n_a:,}）对比 {group_b} "
        "{value_b:,.3g}（n={n_b:,}），差异 {effect:+,.3g}（95% 置信区间 {lo:+,.3g} 至 "
        "{hi:+,.3g}）；在这些数据上该论断**{verdict}**。",
    },
    "flow.headline": {
        "en": "The weakest forward step of the flow is {stage} ({rate:.1%} move up per month); "
        "giveaway-event users retain {give_less:.0f} percentage points less at month {age} "
        "({give_verdict}), 1:1-screened users {screened:+.0f} percentage points "
        "({screen_verdict}).",
        "zh": "流程中最弱的前进环节是{stage}（每月 {rate:.1%} 向上移动）；赠品活动用户在第 {age} "
        "个月的留存低 {give_less:.0f} 个百分点（{give_verdict}），1:1 筛选用户 {screened:+.0f} "
        "个百分点（{screen_verdict}）。",
    },
    "flow.referral": {
        "en": "Over the whole period {referred:,} of {contacts:,} contacts came through a "
        "referral: a realised K-factor of {k:.3f}. {invitations:,} invitations were sent, "
        "so {conversion:.0%} of invitations became a contact. The monthly K ranged from "
        "{k_min:.3f} to {k_max:.3f} — far below 1, so referrals add to, but do not "
        "replace, paid acquisition.",
        "zh": "整个时期 {contacts:,} 位联系人中有 {referred:,} 位来自推荐：实际 K 因子为 {k:.3f}。"
        "共发出 {invitations:,} 次邀请，{conversion:.0%} 的邀请带来了联系人。每月 K 值介于 "
        "{k_min:.3f} 与 {k_max:.3f} 之间——远低于 1，因此推荐是付费获客的补充，而不能替代它。",
    },
    "flow.truth": {
        "en": "The K-factor from the data is {k:.4f}; the simulator's realised K is "
        "{k_true:.4f}. The channel effects' 95% intervals contain the true marginal "
        "effect for {inside} of {n} channels, and the order of the channels is {order} "
        "the truth's. Coupon hunters are {hunters_give:.0%} of giveaway users vs "
        "{hunters_other:.0%} of the others (true hunter effect on the log hazard: "
        "{gamma_hunter:+.2f}); the true effect of screening is {gamma_screened:+.2f} on "
        "the log hazard; the data's verdicts on the claims are: {verdicts}.",
        "zh": "数据得出的 K 因子为 {k:.4f}；模拟器的实际 K 为 {k_true:.4f}。{n} 个渠道中有 {inside} "
        "个渠道效应的 95% 区间包含真实边际效应，渠道的排序与真实排序{order}。赠品活动用户中"
        "薅羊毛者占 {hunters_give:.0%}，其他用户中占 {hunters_other:.0%}（薅羊毛者对对数风险的"
        "真实效应：{gamma_hunter:+.2f}）；筛选对对数风险的真实效应为 {gamma_screened:+.2f}；"
        "数据对各论断的结论是：{verdicts}。",
    },
    "flow.same_as": {"en": "the same as", "zh": "相同"},
    "flow.different_from": {"en": "different from", "zh": "不同"},
    "flow.claim_verdict": {"en": "{claim} — {verdict}", "zh": "{claim}，结论：{verdict}"},
    "flow.no_truth": {
        "en": "No simulator truth: this section applies to simulated data only.",
        "zh": "没有模拟器真实参数：本节只适用于模拟数据。",
    },
    # --- ltv -------------------------------------------------------------------------------
    "ltv.plot.since_first": {
        "en": "{unit} since the cohort's first purchase",
        "zh": "自批次首次购买以来的{unit}",
    },
    "ltv.plot.alive_title": {
        "en": "P(alive) for a customer of age {age:.0f} {unit}",
        "zh": "客户年龄为 {age:.0f} {unit}时的存活概率",
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
        "zh": "按{by}的每位联系人 CLV（95% 自助法置信区间）",
    },
    "ltv.summary": {
        "en": "{orders:,} orders, of which {purchases:,} are purchases (net amount above 0), "
        "from {buyers:,} of {contacts:,} contacts ({buyer_share:.0%}). {repeat:,} of them "
        "bought again on a later day. The calibration period (to {calibration_end}) has "
        "{cal_buyers:,} buyers, followed by a holdout of {holdout:.1f} {unit}.",
        "zh": "{orders:,} 笔订单中 {purchases:,} 笔为购买（净金额大于 0），来自 {contacts:,} 位联系人中的 "
        "{buyers:,} 位（{buyer_share:.0%}）。其中 {repeat:,} 位在之后的某天再次购买。校准期（至 "
        "{calibration_end}）有 {cal_buyers:,} 位购买者，之后是 {holdout:.1f} {unit}的留出期。",
    },
    "ltv.fits": {
        "en": "On the calibration data the highest log-likelihood is {best} ({best_ll:,.1f}); "
        "BG/NBD, the default, reaches {bg_ll:,.1f}.",
        "zh": "在校准数据上对数似然最高的是 {best}（{best_ll:,.1f}）；默认的 BG/NBD 为 {bg_ll:,.1f}。",
    },
    "ltv.independence": {
        "en": "Among {n:,} repeat buyers the correlation of frequency and mean spend is "
        "r = {r:.3f} (95% CI {lo:.3f} to {hi:.3f}; Spearman {rho:.3f}). {judgement} The "
        "model's mean spend per purchase is {mean_spend:,.1f}.",
        "zh": "在 {n:,} 位复购者中，频次与平均消费的相关系数 r = {r:.3f}（95% 置信区间 {lo:.3f} 至 "
        "{hi:.3f}；Spearman {rho:.3f}）。{judgement}模型估计的每次购买平均消费为 {mean_spend:,.1f}。",
    },
    "ltv.independent": {
        "en": "The interval includes 0: no evidence against the independence assumption.",
        "zh": "区间包含 0：没有证据否定独立性假设。",
    },
    "ltv.dependent": {
        "en": "The interval excludes 0: spend and frequency are related, so Gamma-Gamma spend "
        "predictions are biased for very frequent or very rare buyers — read CLV with "
        "that in mind.",
        "zh": "区间不包含 0：消费与频次相关，因此 Gamma-Gamma 对极高频或极低频购买者的消费预测有偏——"
        "解读 CLV 时需注意。",
    },
    "ltv.holdout": {
        "en": "BG/NBD predicted {predicted:,.0f} repeat purchases in the holdout against "
        "{actual:,.0f} actual ({error:+.1f}%); per customer, predictions and outcomes "
        "correlate at r = {r:.2f}. The smallest aggregate error is {best}'s "
        "({best_error:.1f}%).",
        "zh": "BG/NBD 预测留出期复购 {predicted:,.0f} 次，实际 {actual:,.0f} 次（{error:+.1f}%）；"
        "按客户看，预测与结果的相关系数 r = {r:.2f}。合计误差最小的是 {best}（{best_error:.1f}%）。",
    },
    "ltv.cumulative": {
        "en": "By the end of observation the cohort made {actual:,.0f} repeat purchases; the "
        "model expected {predicted:,.0f} ({error:+.1%}).",
        "zh": "到观察期结束，该批次共复购 {actual:,.0f} 次；模型预期 {predicted:,.0f} 次（{error:+.1%}）。",
    },
    "ltv.alive": {
        "en": "A customer with {f_high} repeat purchases whose last purchase was at recency "
        "{mid:.0f} (half-way) has P(alive) = {p_mid_high:.2f}; the same customer whose "
        "last purchase was at the end ({end:.0f}) has {p_end_high:.2f}. With {f_low} "
        "repeat purchase the same two customers have {p_mid_low:.2f} and "
        "{p_end_low:.2f}: silence means more after many purchases.",
        "zh": "复购 {f_high} 次、最后一次购买在最近度 {mid:.0f}（中间）的客户存活概率为 "
        "{p_mid_high:.2f}；同一客户若最后一次购买在末尾（{end:.0f}），则为 {p_end_high:.2f}。"
        "复购 {f_low} 次时，这两位客户分别为 {p_mid_low:.2f} 和 {p_end_low:.2f}：购买越多，"
        "沉默越说明问题。",
    },
    "ltv.channels": {
        "en": "The most valuable channel per contact is {top} ({top_mean:,.1f}, 95% CI "
        "{top_lo:,.1f}–{top_hi:,.1f}), the least valuable {bottom} ({bottom_mean:,.1f}, "
        "{bottom_lo:,.1f}–{bottom_hi:,.1f}); in total the contacts are expected to be "
        "worth {total:,.0f} over the next {horizon} {unit}.",
        "zh": "每位联系人价值最高的渠道是{top}（{top_mean:,.1f}，95% 置信区间 {top_lo:,.1f}–"
        "{top_hi:,.1f}），最低的是{bottom}（{bottom_mean:,.1f}，{bottom_lo:,.1f}–"
        "{bottom_hi:,.1f}）；全部联系人在未来 {horizon} {unit}内的预期总价值为 {total:,.0f}。",
    },
    "ltv.headline": {
        "en": "BG/NBD misses holdout repeat purchases by {error:+.1f}%; contacts from offline "
        "giveaway events are worth {yes:,.1f} (95% CI {yes_lo:,.1f}–{yes_hi:,.1f}) over "
        "{horizon} {unit} against {no:,.1f} for the rest.",
        "zh": "BG/NBD 对留出期复购的误差为 {error:+.1f}%；线下赠品活动带来的联系人在 {horizon} {unit}"
        "内价值 {yes:,.1f}（95% 置信区间 {yes_lo:,.1f}–{yes_hi:,.1f}），其余联系人为 {no:,.1f}。",
    },
    "ltv.giveaway": {
        "en": "Contacts from offline giveaway events have a mean {horizon}-{unit_one} CLV of "
        "{yes:,.1f} (95% CI {yes_lo:,.1f}–{yes_hi:,.1f}, {n:,} contacts) against {no:,.1f} "
        "({no_lo:,.1f}–{no_hi:,.1f}) for all other contacts, {ratio:.2f} times as much. "
        "{judgement}",
        "zh": "线下赠品活动带来的联系人 {horizon} {unit_one}平均 CLV 为 {yes:,.1f}（95% 置信区间 "
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
        "（{model}）：估计 {estimate:.3f}，真实 {true:.3f}（{error:+.0%}）。平均购买率 r/alpha "
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
        "zh": "在 CDNOW 上，BG/NBD 预测留出期复购 {predicted:,.0f} 次，实际 {actual:,.0f} 次"
        "（{error:+.1f}%）。",
    },
    # --- behaviours-retention -----------------------------------------------------------
    "behaviours.plot.label": {"en": "{unit} ≥{k} in {d}d", "zh": "{unit} ≥{k} 次（{d} 天内）"},
    "behaviours.plot.phi_title": {"en": "phi: {unit}", "zh": "phi：{unit}"},
    "behaviours.plot.phi_discovery": {
        "en": "phi: {unit} (discovery)",
        "zh": "phi：{unit}（发现期）",
    },
    "behaviours.periods": {
        "en": "{disc_users:,} users discover and {conf_users:,} confirm; {disc_rate:.1%} and "
        "{conf_rate:.1%} of them are retained over {horizon} days.",
        "zh": "{disc_users:,} 位用户用于发现，{conf_users:,} 位用于验证；两组在 {horizon} 天内的留存率"
        "分别为 {disc_rate:.1%} 和 {conf_rate:.1%}。",
    },
    "behaviours.peak": {
        "en": "Among the leading event types the strongest positive cell is: users who {peak} "
        "(phi {peak_phi:.2f}, reach {peak_reach:.0%}); the strongest negative: users who "
        "{low} (phi {low_phi:.2f}, reach {low_reach:.0%}). A negative behaviour such as "
        "leaving a group can be the departure itself seen early rather than a warning "
        "sign. Phi rewards common behaviours: at a given difference in retention, a "
        "behaviour that more users do has a larger phi.",
        "zh": "在主要事件类型中，最强的正相关格子是：{peak} 的用户（phi {peak_phi:.2f}，覆盖率 "
        "{peak_reach:.0%}）；最强的负相关：{low} 的用户（phi {low_phi:.2f}，覆盖率 "
        "{low_reach:.0%}）。退群这类负向行为可能是提前看到的离开本身，而不是预警信号。phi "
        "偏向常见行为：留存差异相同时，做的人越多的行为 phi 越大。",
    },
    "behaviours.confirmed": {
        "en": "{n} behaviours were discovered; {held} ({held_share:.0%}) hold on the later "
        "period. For those that hold, the later difference is a median {kept:.0%} of the "
        "discovered one (median phi ratio later/earlier {phi_ratio:.2f}); over all "
        "discovered behaviours, including those that failed, it is {kept_all:.0%}. "
        "{judgement}",
        "zh": "共发现 {n} 个行为；其中 {held} 个（{held_share:.0%}）在后期成立。对成立的行为，后期差异"
        "的中位数是发现值的 {kept:.0%}（后期/前期 phi 比的中位数 {phi_ratio:.2f}）；把未成立的也"
        "算上，所有已发现行为为 {kept_all:.0%}。{judgement}",
    },
    "behaviours.shrinks": {
        "en": "Picking the winners of a scan inflates their first estimates; the later period "
        "shows that shrinkage here.",
        "zh": "从扫描中挑出的胜者，其首次估计会被高估；后期在这里显示了这种收缩。",
    },
    "behaviours.no_shrink": {
        "en": "Picking the winners of a scan usually inflates their first estimates; here the "
        "later period does not show it (the effects are large against the noise).",
        "zh": "从扫描中挑出的胜者，其首次估计通常会被高估；这里后期没有显示这一点（效应相对噪声很大）。",
    },
    "behaviours.none_discovered": {
        "en": "No behaviour was significant on the discovery period.",
        "zh": "发现期没有显著的行为。",
    },
    "behaviours.reading": {"en": "{i}. {text}.", "zh": "{i}. {text}。"},
    "behaviours.no_threshold": {
        "en": "No behaviour with a positive association holds on the later period: there is "
        "no threshold to read.",
        "zh": "没有正相关的行为在后期成立：没有可解读的阈值。",
    },
    "behaviours.alignment": {
        "en": "The `{weights}` preset weighs {top_weighted} most. The strongest confirmed "
        "behaviour that feeds a value belongs to **{value}** ({behaviour}, phi "
        "{phi:.3f}), {among} Across the five values, the rank correlation between "
        "weight and strongest confirmed phi is {rho:+.2f}. {no_value}",
        "zh": "`{weights}` 预设最看重{top_weighted}。支撑某一价值的最强已验证行为属于**{value}**"
        "（{behaviour}，phi {phi:.3f}），{among}在五个价值上，权重与最强已验证 phi 的秩相关为 "
        "{rho:+.2f}。{no_value}",
    },
    "behaviours.among_top": {
        "en": "which is among the values the preset weighs most.",
        "zh": "属于预设最看重的价值。",
    },
    "behaviours.not_top": {
        "en": "which the preset does not weigh most.",
        "zh": "并非预设最看重的价值。",
    },
    "behaviours.no_value": {
        "en": "{n} confirmed behaviours with a positive association feed no value "
        "(activity-only types); the strongest overall is {unit} (phi {phi:.3f}).",
        "zh": "{n} 个正相关的已验证行为不支撑任何价值（仅活动类型）；整体最强的是 {unit}"
        "（phi {phi:.3f}）。",
    },
    "behaviours.headline": {
        "en": "In one line: of {tested} behaviours tested on the discovery period, {declared} "
        "were declared at a {alpha:.0%} false-discovery rate and {held} held on the later "
        "period{best}",
        "zh": "一句话：发现期检验了 {tested} 个行为，在 {alpha:.0%} 的错误发现率下判定 {declared} 个，"
        "其中 {held} 个在后期成立{best}",
    },
    "behaviours.headline_best": {
        "en": "; the best positive one: {text}.",
        "zh": "；最好的正向行为：{text}。",
    },
    "behaviours.headline_end": {"en": ".", "zh": "。"},
    # churn definition (analysis.studies.churn.ChurnDefinition.describe)
    "churn.definition": {
        "en": "A user who joined before the cut-off and had not deleted the brand's contact is "
        "**churned** when in the {horizon:g} days from the cut-off they do not do {act}, or "
        "delete the contact.{lost} Features use only data before the cut-off: a "
        "{lookback:g}-day look-back window, trends compare the last {short:g} days with the "
        "last {long:g} days.",
        "zh": "截止日前已加入且未删除品牌联系人的用户，若在截止日后 {horizon:g} 天内没有{act}，或删除了联系人，"
        "即为**流失**。{lost}特征只使用截止日之前的数据：回看窗口 {lookback:g} 天，趋势比较最近 "
        "{short:g} 天与最近 {long:g} 天。",
    },
    "churn.definition.act_any": {
        "en": "an interaction (message, read, click, check-in, any value event) or a paid order",
        "zh": "任何互动（消息、阅读、点击、打卡、任一价值事件）或付费订单",
    },
    "churn.definition.act_purchase": {"en": "a paid order", "zh": "付费订单"},
    "churn.definition.lost": {
        "en": " Users with no such activity in the {days} days before the cut-off already count "
        "as lost and are left out.",
        "zh": "截止日前 {days} 天内没有此类活动的用户已视为流失，不计入。",
    },
    # behaviours (analysis.studies.behaviours)
    "behaviours.fdr": {
        "en": "{label}{n_all} candidate behaviours, {n_test} tested (the rest had an empty group "
        "or an expected cell count below {min_expected:g}); {name} false-discovery-rate "
        "control at {alpha:.0%} across all {n_test} declares {n_sig} significant — on "
        "average at most {alpha:.0%} of such declarations are false.",
        "zh": "{label}候选行为 {n_all} 个，检验 {n_test} 个（其余因某组为空或期望频数低于 "
        "{min_expected:g} 未检验）；在全部 {n_test} 个上以 {alpha:.0%} 的 {name} 错误发现率控制，"
        "判定 {n_sig} 个显著——平均而言，这类判定中错误的不超过 {alpha:.0%}。",
    },
    "behaviours.phrase": {
        "en": "had {noun} at least {times} {span}",
        "zh": "{span}至少有{times}{noun}",
    },
    "behaviours.noun.type": {"en": "{what} event", "zh": "“{what}”事件"},
    "behaviours.noun.value": {"en": "{what}-value event", "zh": "{what}事件"},
    "behaviours.noun.order": {"en": "a paid order", "zh": "付费订单"},
    "behaviours.times.once": {"en": "once", "zh": "一次"},
    "behaviours.times.many": {"en": "{k} times", "zh": " {k} 次"},
    "behaviours.span.onboarding": {
        "en": "in their first {d:g} days",
        "zh": "在加入后的前 {d:g} 天内",
    },
    "behaviours.span.onboarding.one": {"en": "in their first day", "zh": "在加入后的第一天内"},
    "behaviours.span.snapshot": {
        "en": "in the {d:g} days before the cut-off",
        "zh": "在截止日前 {d:g} 天内",
    },
    "behaviours.span.snapshot.one": {
        "en": "in the day before the cut-off",
        "zh": "在截止日前一天内",
    },
    "behaviours.threshold": {
        "en": "users who {phrase} retain at {did:.0%} vs {other:.0%} for the others (difference "
        "{diff:+.1f} points, 95% CI {lo:+.1f} to {hi:+.1f}); reach {reach:.0%}, phi "
        "{phi:.2f}",
        "zh": "{phrase}的用户留存率为 {did:.0%}，其他用户为 {other:.0%}（相差 {diff:+.1f} 个百分点，"
        "95% 置信区间 {lo:+.1f} 至 {hi:+.1f}）；覆盖 {reach:.0%}，phi {phi:.2f}",
    },
    "behaviours.threshold.shrunk": {
        "en": "; found on the earlier period with a difference of {diff:+.1f} points "
        "({shrink:.0%} of it did not come back)",
        "zh": "；在较早时期发现时相差 {diff:+.1f} 个百分点（其中 {shrink:.0%} 未能重现）",
    },
    "behaviours.threshold.grew": {
        "en": "; found on the earlier period with a difference of {diff:+.1f} points (it grew on "
        "the later period)",
        "zh": "；在较早时期发现时相差 {diff:+.1f} 个百分点（在较晚时期更大）",
    },
    # --- added by results-a: behaviours-retention ---
    "behaviours.no_leading": {
        "en": "No event type could be tested on the discovery period: there is no phi grid "
        "to read.",
        "zh": "发现期没有一个事件类型满足检验条件，暂无 phi 热力图可供解读。",
    },
}

#: Separator between the parts of a computed list, by language.
LIST_SEP = {"en": ", ", "zh": "、"}
AND_SEP = {"en": " and ", "zh": "和"}
CLAUSE_SEP = {"en": "; ", "zh": "；"}
SENTENCE_SEP = {"en": " ", "zh": ""}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return lang


def tr(key: str, lang: str = "en") -> str:
    """The label for ``key`` in ``lang`` (``key`` itself when there is no translation)."""
    table = TRANSLATIONS[check_lang(lang)]
    if lang == "en":
        return key
    if key in table:
        return table[key]
    if isinstance(key, str):
        for pattern, fill in _PATTERNS_ZH:
            m = pattern.match(key)
            if m:
                return fill(m)
    return key


def say(key: str, lang: str = "en", **values) -> str:
    """The sentence ``key`` in ``lang`` with ``values`` filled in; terms given as values are
    not translated here (pass ``tr(term, lang)``)."""
    return SENTENCES[key][check_lang(lang)].format(**values)


def tr_frame(
    df: pd.DataFrame, lang: str = "en", *, value_columns: Iterable[str] | None = None
) -> pd.DataFrame:
    """A copy of ``df`` with headers translated, and the cells of ``value_columns`` (default:
    every text column) translated where a translation exists."""
    check_lang(lang)
    out = df.copy()
    if lang == "en":
        return out
    cols = (
        list(value_columns)
        if value_columns is not None
        else [
            c
            for c in out.columns
            if pd.api.types.is_string_dtype(out[c]) or isinstance(out[c].dtype, pd.CategoricalDtype)
        ]
    )
    for c in cols:
        out[c] = out[c].map(lambda v: tr(v, lang) if isinstance(v, str) else v)
    return out.rename(columns=lambda c: tr(c, lang) if isinstance(c, str) else c)
