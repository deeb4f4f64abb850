//! The fictional company 悦购 YueGo: its journey, regions, segments, complaint
//! causes, survey attributes and Kano features, with the planted effects.
//!
//! Everything here is a constant table; the generator reads it and
//! [`GroundTruth`](super::GroundTruth) reports it.

use crate::Result;
use crate::model::{Channel, Journey, Stage, StageId, Touchpoint, TouchpointId};

/// Role of a touchpoint in the planted truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Pain,
    Delight,
    Neutral,
}

/// One touchpoint of the YueGo journey with its planted effect.
pub(crate) struct TouchpointSpec {
    pub id: &'static str,
    pub stage: usize,
    pub name: &'static str,
    pub name_en: &'static str,
    pub channel: Channel,
    pub owner: &'static str,
    /// Share of feedback rows about this touchpoint (sums to 1).
    pub traffic: f64,
    /// Planted shift of the latent satisfaction (standard-normal units) for
    /// pain points; delight effects are computed by [`delight_effect`].
    pub pain_effect: f64,
    pub role: Role,
    pub praise_zh: &'static str,
    pub praise_en: &'static str,
}

/// Stages: id, Chinese name, customer action, customer thought.
pub(crate) const STAGES: [(&str, &str, &str, &str); 6] = [
    ("awareness", "认知", "看到广告和用户评价", "这家靠谱吗？"),
    (
        "shopping",
        "选购",
        "在 App 或门店挑选商品",
        "哪款性价比最高？",
    ),
    ("checkout", "下单支付", "下单、用券、付款", "付款安全吗？"),
    ("delivery", "配送", "等待包裹或到店自提", "什么时候能到？"),
    (
        "after_sales",
        "售后",
        "退换货、咨询客服",
        "能不能快点解决？",
    ),
    ("loyalty", "复购", "积分、回访、再次购买", "下次还来吗？"),
];

macro_rules! tp {
    ($id:literal, $stage:literal, $name:literal, $en:literal, $ch:expr, $owner:literal,
     $traffic:literal, $effect:literal, $role:ident, $pzh:literal, $pen:literal) => {
        TouchpointSpec {
            id: $id,
            stage: $stage,
            name: $name,
            name_en: $en,
            channel: $ch,
            owner: $owner,
            traffic: $traffic,
            pain_effect: $effect,
            role: Role::$role,
            praise_zh: $pzh,
            praise_en: $pen,
        }
    };
}

/// The 15 touchpoints. Pain points: 物流配送 (−0.55), 退换货 (−0.60), 电话客服
/// (−0.50); delight: App 浏览 and 门店自提 (effect set so that the
/// traffic-weighted mean effect is exactly 0); all others exactly 0.
pub(crate) fn touchpoints() -> [TouchpointSpec; 15] {
    [
        tp!(
            "ad",
            0,
            "广告",
            "ads",
            Channel::SocialMedia,
            "市场部",
            0.04,
            0.0,
            Neutral,
            "广告里的活动很实在",
            "the ad campaign was honest"
        ),
        tp!(
            "reviews",
            0,
            "用户评价",
            "customer reviews",
            Channel::OnlineReview,
            "电商运营部",
            0.04,
            0.0,
            Neutral,
            "评价区的买家秀很有参考价值",
            "the reviews were really helpful"
        ),
        tp!(
            "app_browse",
            1,
            "官网/App 浏览",
            "app browsing",
            Channel::InApp,
            "产品技术部",
            0.14,
            0.0,
            Delight,
            "App 很好用，搜索一下就找到了",
            "the app is smooth and search works well"
        ),
        tp!(
            "presale_chat",
            1,
            "在线客服咨询",
            "pre-sales chat",
            Channel::LiveChat,
            "客服中心",
            0.06,
            0.0,
            Neutral,
            "在线客服回复很及时",
            "the chat agent answered quickly"
        ),
        tp!(
            "store_visit",
            1,
            "门店体验",
            "store visit",
            Channel::InStore,
            "门店运营部",
            0.05,
            0.0,
            Neutral,
            "门店环境不错，店员很热情",
            "the store was tidy and staff were friendly"
        ),
        tp!(
            "checkout",
            2,
            "下单支付",
            "checkout",
            Channel::InApp,
            "交易支付部",
            0.08,
            0.0,
            Neutral,
            "下单付款一步到位",
            "checkout was quick and easy"
        ),
        tp!(
            "logistics",
            3,
            "物流配送",
            "delivery",
            Channel::InApp,
            "物流部",
            0.11,
            -0.55,
            Pain,
            "物流很快，第二天就到了",
            "delivery was fast, arrived next day"
        ),
        tp!(
            "courier",
            3,
            "快递员送达",
            "courier hand-over",
            Channel::Sms,
            "物流部",
            0.06,
            0.0,
            Neutral,
            "快递小哥送货上门很礼貌",
            "the courier was polite"
        ),
        tp!(
            "store_pickup",
            3,
            "门店自提",
            "store pickup",
            Channel::InStore,
            "门店运营部",
            0.08,
            0.0,
            Delight,
            "门店自提特别方便，下班顺路就拿了",
            "store pickup was super convenient"
        ),
        tp!(
            "returns",
            4,
            "退换货",
            "returns",
            Channel::InApp,
            "售后服务部",
            0.07,
            -0.60,
            Pain,
            "退货很顺利，上门取件",
            "the return was painless"
        ),
        tp!(
            "phone_support",
            4,
            "电话客服",
            "phone support",
            Channel::Phone,
            "客服中心",
            0.07,
            -0.50,
            Pain,
            "电话客服耐心解答了我的问题",
            "the phone agent was patient"
        ),
        tp!(
            "invoice",
            4,
            "发票开具",
            "invoicing",
            Channel::Email,
            "财务部",
            0.03,
            0.0,
            Neutral,
            "电子发票很快就发到邮箱了",
            "the e-invoice arrived quickly"
        ),
        tp!(
            "callback",
            5,
            "电话回访",
            "follow-up call",
            Channel::PhoneCallback,
            "客服中心",
            0.05,
            0.0,
            Neutral,
            "回访电话很贴心",
            "the follow-up call was thoughtful"
        ),
        tp!(
            "membership",
            5,
            "会员积分",
            "membership points",
            Channel::InApp,
            "会员运营部",
            0.06,
            0.0,
            Neutral,
            "积分抵现很划算",
            "points are easy to redeem"
        ),
        tp!(
            "wechat",
            5,
            "微信公众号/小程序",
            "WeChat mini program",
            Channel::MessagingApp,
            "私域运营部",
            0.06,
            0.0,
            Neutral,
            "小程序查订单很方便",
            "the mini program is handy"
        ),
    ]
}

/// Latent effect given to each delight touchpoint: the value that makes the
/// traffic-weighted mean effect over all touchpoints exactly zero, so that
/// neutral touchpoints sit exactly at the journey mean.
pub(crate) fn delight_effect(tps: &[TouchpointSpec]) -> f64 {
    let pain: f64 = tps.iter().map(|t| t.traffic * t.pain_effect).sum();
    let delight: f64 = tps
        .iter()
        .filter(|t| t.role == Role::Delight)
        .map(|t| t.traffic)
        .sum();
    if delight > 0.0 { -pain / delight } else { 0.0 }
}

/// Planted latent effect of a touchpoint.
pub(crate) fn effect_of(t: &TouchpointSpec, delight: f64) -> f64 {
    match t.role {
        Role::Pain => t.pain_effect,
        Role::Delight => delight,
        Role::Neutral => 0.0,
    }
}

/// Build the YueGo [`Journey`] model.
pub(crate) fn journey() -> Result<Journey> {
    let tps = touchpoints();
    let mut stages = Vec::with_capacity(STAGES.len());
    for (i, (id, name, action, thought)) in STAGES.iter().enumerate() {
        let mut stage = Stage::new(StageId::new(*id)?, *name)
            .with_action(*action)
            .with_thought(*thought);
        for t in tps.iter().filter(|t| t.stage == i) {
            let emotion = match t.role {
                Role::Pain => -0.5,
                Role::Delight => 0.6,
                Role::Neutral => 0.2,
            };
            stage = stage.with_touchpoint(
                Touchpoint::new(TouchpointId::new(t.id)?, t.name, t.channel.clone())
                    .with_owner(t.owner)
                    .with_expected_emotion(emotion)?,
            );
        }
        stages.push(stage);
    }
    Journey::new("悦购 YueGo 购物旅程", stages)
}

/// Regions: name and share of the customer base.
pub(crate) const REGIONS: [(&str, f64); 7] = [
    ("华东", 0.32),
    ("华南", 0.20),
    ("华北", 0.18),
    ("华中", 0.12),
    ("西南", 0.10),
    ("西北", 0.04),
    ("东北", 0.04),
];

/// Relative propensity of a region's customers to leave feedback (华东
/// over-represented, 西北/东北 under-represented), which the post-stratification
/// weight undoes.
pub(crate) const REGION_FEEDBACK_PROPENSITY: [f64; 7] = [1.4, 1.1, 1.0, 1.0, 1.0, 0.7, 0.7];

/// Segments: name, share among established customers, latent satisfaction effect.
/// (新客 is assigned by signup date, 流失风险 by the planted churn.)
pub(crate) const SEGMENT_NEW: &str = "新客";
/// Established customers.
pub(crate) const SEGMENT_REGULAR: &str = "普通";
/// High-value customers.
pub(crate) const SEGMENT_VIP: &str = "VIP";
/// Churned customers.
pub(crate) const SEGMENT_AT_RISK: &str = "流失风险";

/// Latent satisfaction effect of a segment.
pub(crate) fn segment_effect(segment: &str) -> f64 {
    match segment {
        SEGMENT_VIP => 0.3,
        SEGMENT_AT_RISK => -0.5,
        _ => 0.0,
    }
}

/// Complaint causes (tag, English gloss, share). Pareto-skewed: the first four
/// (物流延迟, 退款慢, 客服态度, 商品破损) make up 81%.
pub(crate) const CAUSES: [(&str, &str, f64); 8] = [
    ("物流延迟", "late delivery", 0.34),
    ("退款慢", "slow refund", 0.22),
    ("客服态度", "agent attitude", 0.14),
    ("商品破损", "damaged item", 0.11),
    ("价格", "price", 0.08),
    ("系统故障", "app or system error", 0.06),
    ("缺货", "out of stock", 0.03),
    ("发票问题", "invoice problem", 0.02),
];

/// Survey attributes: column, Chinese label, true coefficient on NPS per
/// rating point (1–10 scale).
pub(crate) const ATTRIBUTES: [(&str, &str, f64); 6] = [
    ("attr_price", "价格", 0.05),
    ("attr_delivery_speed", "配送速度", 0.40),
    ("attr_product_quality", "商品质量", 0.32),
    ("attr_service", "客服", 0.15),
    ("attr_app", "应用体验", 0.0),
    ("attr_returns", "退换货", 0.18),
];

/// Survey NPS model: `nps* = NPS_INTERCEPT + Σ βⱼ (xⱼ − ATTR_CENTER) + N(0, NPS_NOISE_SD)`.
pub(crate) const NPS_INTERCEPT: f64 = 7.6;
/// Centre of the attribute ratings.
pub(crate) const ATTR_CENTER: f64 = 7.0;
/// Residual standard deviation of the survey NPS.
pub(crate) const NPS_NOISE_SD: f64 = 1.1;
/// Loading of each attribute on the common satisfaction factor (pairwise
/// latent correlation = loading²).
pub(crate) const ATTR_LOADING: f64 = 0.6;
/// Scale of the attribute ratings: `x = round(ATTR_CENTER + ATTR_SD · latent)`.
pub(crate) const ATTR_SD: f64 = 1.7;

/// Kano category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KanoCat {
    MustBe,
    OneDimensional,
    Attractive,
    Indifferent,
}

impl KanoCat {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            KanoCat::MustBe => "must-be",
            KanoCat::OneDimensional => "one-dimensional",
            KanoCat::Attractive => "attractive",
            KanoCat::Indifferent => "indifferent",
        }
    }
}

/// Kano features: key, Chinese label, true category, secondary category
/// (the answer pattern of the minority of respondents).
pub(crate) const KANO_FEATURES: [(&str, &str, KanoCat, KanoCat); 6] = [
    (
        "order_tracking",
        "订单实时追踪",
        KanoCat::MustBe,
        KanoCat::OneDimensional,
    ),
    (
        "same_day_delivery",
        "当日达",
        KanoCat::Attractive,
        KanoCat::Indifferent,
    ),
    (
        "free_returns",
        "退货免运费",
        KanoCat::OneDimensional,
        KanoCat::MustBe,
    ),
    (
        "ai_recommend",
        "智能推荐",
        KanoCat::Indifferent,
        KanoCat::Attractive,
    ),
    (
        "e_invoice",
        "电子发票",
        KanoCat::MustBe,
        KanoCat::Indifferent,
    ),
    (
        "points_cash",
        "积分抵现",
        KanoCat::Attractive,
        KanoCat::OneDimensional,
    ),
];

/// Share of Kano respondents answering in the true category's pattern, the
/// secondary pattern, and a uniformly random cell of the 5×5 table (which
/// includes Q and R answers).
pub(crate) const KANO_MIX: [f64; 3] = [0.66, 0.24, 0.10];

/// Ticket topics: topic, owning team, weight.
pub(crate) const TOPICS: [(&str, &str, f64); 8] = [
    ("物流查询", "物流组", 0.28),
    ("退换货", "售后组", 0.18),
    ("退款", "售后组", 0.14),
    ("商品咨询", "售前组", 0.12),
    ("支付问题", "支付组", 0.08),
    ("账号与会员", "会员组", 0.08),
    ("发票", "财务组", 0.04),
    ("投诉升级", "客户关系组", 0.08),
];

/// Team that takes escalated and reassigned tickets.
pub(crate) const ESCALATION_TEAM: &str = "二线支持组";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_sum_to_one_and_journey_is_valid() -> Result<()> {
        let tps = touchpoints();
        let traffic: f64 = tps.iter().map(|t| t.traffic).sum();
        assert!((traffic - 1.0).abs() < 1e-12);
        let d = delight_effect(&tps);
        let mean: f64 = tps.iter().map(|t| t.traffic * effect_of(t, d)).sum();
        assert!(mean.abs() < 1e-12 && d > 0.5 && d < 0.7, "{d}");
        let causes: f64 = CAUSES.iter().map(|c| c.2).sum();
        assert!((causes - 1.0).abs() < 1e-12);
        let regions: f64 = REGIONS.iter().map(|r| r.1).sum();
        assert!((regions - 1.0).abs() < 1e-12);
        let j = journey()?;
        assert_eq!(j.stages.len(), 6);
        assert_eq!(j.touchpoints().count(), 15);
        Ok(())
    }
}
