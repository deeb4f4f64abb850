//! [`Channel`]: where a piece of feedback or a ticket came from.

use serde::{Deserialize, Serialize};

use super::normalize_label;
use crate::{CxError, Result};

/// The channel a customer used.
///
/// Parsing accepts English names in any case with spaces, `_` or `-`
/// (`"live chat"`, `"live_chat"`, `"LiveChat"`), common synonyms, and the
/// Chinese names CX teams type (电话, 电话回访, 邮件/电子邮件, 在线客服, 社交媒体,
/// 微信, 微博, 在线评论, 门店, 问卷调查, 短信, ...). Platform names map to their
/// kind of channel: 微信/WeChat, WhatsApp, QQ → [`Channel::MessagingApp`];
/// 微博/Weibo, 抖音/Douyin, 小红书 → [`Channel::SocialMedia`]; 大众点评/Dianping,
/// 美团 → [`Channel::OnlineReview`].
///
/// [`str::parse`] rejects unknown names with [`CxError::InvalidValue`];
/// [`Channel::parse_lenient`] keeps them as [`Channel::Other`].
///
/// # Examples
/// ```
/// use cx_core::model::Channel;
/// assert_eq!("在线客服".parse::<Channel>()?, Channel::LiveChat);
/// assert_eq!("Phone Callback".parse::<Channel>()?, Channel::PhoneCallback);
/// assert!("carrier pigeon".parse::<Channel>().is_err());
/// assert_eq!(Channel::parse_lenient("carrier pigeon"), Channel::Other("carrier pigeon".into()));
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Channel {
    /// Inbound phone call (电话).
    Phone,
    /// Outbound follow-up call to the customer (电话回访).
    PhoneCallback,
    /// E-mail (邮件).
    Email,
    /// Live chat with an agent or bot (在线客服).
    LiveChat,
    /// Feedback inside the company's app (应用内).
    InApp,
    /// Web form (网页表单).
    WebForm,
    /// Social media posts and messages (社交媒体, 微博, 抖音).
    SocialMedia,
    /// Review platforms (在线评论, 大众点评).
    OnlineReview,
    /// In a physical store or branch (门店).
    InStore,
    /// Survey invitation (问卷调查).
    Survey,
    /// Text message (短信).
    Sms,
    /// Messaging apps (微信, WhatsApp).
    MessagingApp,
    /// Any other channel, by name.
    Other(String),
}

const NAMES: &[(Channel, &str, &str, &[&str])] = &[
    (
        Channel::Phone,
        "phone",
        "电话",
        &[
            "phone",
            "call",
            "phonecall",
            "telephone",
            "hotline",
            "电话",
            "来电",
            "热线",
            "客服电话",
            "呼入",
        ],
    ),
    (
        Channel::PhoneCallback,
        "phone_callback",
        "电话回访",
        &[
            "phonecallback",
            "callback",
            "outboundcall",
            "电话回访",
            "回访",
            "回电",
            "外呼",
        ],
    ),
    (
        Channel::Email,
        "email",
        "邮件",
        &[
            "email",
            "mail",
            "e-mail",
            "邮件",
            "电子邮件",
            "邮箱",
            "电邮",
        ],
    ),
    (
        Channel::LiveChat,
        "live_chat",
        "在线客服",
        &[
            "livechat",
            "chat",
            "webchat",
            "在线客服",
            "在线聊天",
            "在线咨询",
            "人工客服",
        ],
    ),
    (
        Channel::InApp,
        "in_app",
        "应用内",
        &[
            "inapp",
            "app",
            "mobileapp",
            "应用内",
            "app内",
            "应用",
            "手机app",
        ],
    ),
    (
        Channel::WebForm,
        "web_form",
        "网页表单",
        &[
            "webform",
            "form",
            "web",
            "website",
            "网页表单",
            "表单",
            "官网",
            "网站",
        ],
    ),
    (
        Channel::SocialMedia,
        "social_media",
        "社交媒体",
        &[
            "socialmedia",
            "social",
            "weibo",
            "douyin",
            "twitter",
            "x",
            "facebook",
            "社交媒体",
            "微博",
            "抖音",
            "小红书",
        ],
    ),
    (
        Channel::OnlineReview,
        "online_review",
        "在线评论",
        &[
            "onlinereview",
            "review",
            "reviews",
            "dianping",
            "meituan",
            "在线评论",
            "评论",
            "评价",
            "大众点评",
            "美团",
            "电商评价",
        ],
    ),
    (
        Channel::InStore,
        "in_store",
        "门店",
        &[
            "instore",
            "store",
            "shop",
            "branch",
            "walkin",
            "门店",
            "店内",
            "线下",
            "营业厅",
        ],
    ),
    (
        Channel::Survey,
        "survey",
        "问卷调查",
        &[
            "survey",
            "questionnaire",
            "问卷调查",
            "问卷",
            "调查",
            "满意度调查",
        ],
    ),
    (
        Channel::Sms,
        "sms",
        "短信",
        &["sms", "text", "textmessage", "短信", "短消息"],
    ),
    (
        Channel::MessagingApp,
        "messaging_app",
        "即时通讯",
        &[
            "messagingapp",
            "messaging",
            "im",
            "wechat",
            "weixin",
            "whatsapp",
            "qq",
            "line",
            "微信",
            "即时通讯",
            "企业微信",
            "公众号",
            "小程序",
        ],
    ),
];

impl Channel {
    /// All named channels (without `Other`), in declaration order.
    pub fn all() -> impl Iterator<Item = Channel> {
        NAMES.iter().map(|(c, ..)| c.clone())
    }

    /// Canonical snake_case name (`"phone_callback"`); the name itself for `Other`.
    pub fn as_str(&self) -> &str {
        match self {
            Channel::Other(name) => name,
            c => NAMES
                .iter()
                .find(|(k, ..)| k == c)
                .map_or("other", |(_, en, ..)| en),
        }
    }

    /// Chinese display name (`"电话回访"`); the name itself for `Other`.
    pub fn label_zh(&self) -> &str {
        match self {
            Channel::Other(name) => name,
            c => NAMES
                .iter()
                .find(|(k, ..)| k == c)
                .map_or("其他", |(_, _, zh, _)| zh),
        }
    }

    fn lookup(s: &str) -> Option<Channel> {
        let key = normalize_label(s);
        NAMES
            .iter()
            .find(|(_, en, _, syn)| {
                normalize_label(en) == key || syn.iter().any(|x| normalize_label(x) == key)
            })
            .map(|(c, ..)| c.clone())
    }

    /// Parse a channel name, keeping unknown names as [`Channel::Other`]
    /// (trimmed); a blank name becomes `Other("unknown")`.
    pub fn parse_lenient(s: &str) -> Channel {
        Self::lookup(s).unwrap_or_else(|| {
            let t = s.trim();
            Channel::Other(if t.is_empty() {
                "unknown".into()
            } else {
                t.into()
            })
        })
    }
}

impl std::str::FromStr for Channel {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        Self::lookup(s).ok_or_else(|| {
            CxError::invalid(
                "channel",
                None,
                s,
                "unknown channel name; use one of phone, phone_callback, email, live_chat, in_app, web_form, social_media, online_review, in_store, survey, sms, messaging_app (or their Chinese names), or allow other channels",
            )
        })
    }
}

impl std::fmt::Display for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_names_parse() {
        let cases = [
            ("电话", Channel::Phone),
            ("电话回访", Channel::PhoneCallback),
            ("邮件", Channel::Email),
            ("电子邮件", Channel::Email),
            ("在线客服", Channel::LiveChat),
            ("社交媒体", Channel::SocialMedia),
            ("微信", Channel::MessagingApp),
            ("微博", Channel::SocialMedia),
            ("在线评论", Channel::OnlineReview),
            ("门店", Channel::InStore),
            ("问卷调查", Channel::Survey),
            ("短信", Channel::Sms),
            (" 电话 ", Channel::Phone),
        ];
        for (s, want) in cases {
            assert_eq!(s.parse::<Channel>().ok(), Some(want), "{s}");
        }
    }

    #[test]
    fn english_spellings_parse() {
        for s in [
            "live chat",
            "live_chat",
            "LiveChat",
            "LIVE-CHAT",
            "ｌｉｖｅ ｃｈａｔ",
        ] {
            assert_eq!(s.parse::<Channel>().ok(), Some(Channel::LiveChat), "{s}");
        }
        for c in Channel::all() {
            assert_eq!(c.as_str().parse::<Channel>().ok(), Some(c.clone()));
            assert_eq!(c.label_zh().parse::<Channel>().ok(), Some(c));
        }
    }

    #[test]
    fn unknown_is_error_unless_lenient() {
        let e = "信鸽".parse::<Channel>().err();
        assert_eq!(e.as_ref().map(CxError::code), Some("invalid_value"));
        assert_eq!(e.as_ref().and_then(CxError::value), Some("信鸽"));
        assert_eq!(
            Channel::parse_lenient(" 信鸽 "),
            Channel::Other("信鸽".into())
        );
    }

    #[test]
    fn serde_uses_snake_case() {
        let s = serde_json::to_string(&Channel::PhoneCallback).ok();
        assert_eq!(s.as_deref(), Some("\"phone_callback\""));
    }
}
