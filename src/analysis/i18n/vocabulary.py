"""Terms of the data, for every report (notebooks/*.py): values, stages, channels, events."""

from __future__ import annotations

from analysis.data.vocab import OFF_LADDER, STAGES, VALUES

#: Values and stages (from the vocabulary), channels and hooks of the default data.
TERMS: dict[str, str] = {
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
}


#: Event types of the default vocabulary; kept apart because some names ("share", "read")
#: are also column headers. Reached as "type:<name>" (the behaviour units).
EVENT_TYPES: dict[str, str] = {
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
EVENT_MEANINGS: dict[str, str] = {
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
    "posted UGC in a group or Moments": "在群内或朋友圈发布原创内容",
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
