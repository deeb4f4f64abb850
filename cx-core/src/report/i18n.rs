//! The one translation table of the report: every fixed label, in English and Chinese.
//!
//! Any string in a report or chart spec that equals a key here is translated;
//! other strings (data such as touchpoint or cause names) are shown as given.

use serde::{Deserialize, Serialize};

/// Report language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// The HTML `lang` attribute.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }
}

/// (key, English, Chinese).
const TABLE: &[(&str, &str, &str)] = &[
    (
        "report_title",
        "Customer experience health report",
        "客户体验健康报告",
    ),
    ("contents", "Contents", "目录"),
    ("generated", "Generated", "生成时间"),
    ("period", "Period", "期间"),
    ("sources", "Sources", "数据来源"),
    // sections
    ("kpis", "Headline KPIs", "核心指标"),
    ("trends", "Satisfaction trends", "满意度趋势"),
    ("journey", "Journey emotion curve", "旅程情绪曲线"),
    ("pareto", "Complaint causes (Pareto)", "投诉原因（帕累托）"),
    ("control", "Process control charts", "过程控制图"),
    (
        "sla",
        "SLA compliance and response times",
        "SLA 达成率与响应时间",
    ),
    ("kano", "Kano Better/Worse", "Kano 满意/不满意系数"),
    (
        "drivers",
        "Driver importance–performance",
        "驱动因素重要度–表现矩阵",
    ),
    ("funnel", "Closed-loop funnel", "闭环漏斗"),
    ("quality", "Data quality", "数据质量"),
    // metrics
    ("nps", "NPS", "NPS 净推荐值"),
    ("csat", "CSAT", "CSAT 满意度"),
    ("ces", "CES", "CES 费力度"),
    ("frt", "First reply time", "首次响应时间"),
    ("frt_median", "First reply (median)", "首次响应（中位数）"),
    ("resolution", "Resolution time", "解决时间"),
    (
        "resolution_median",
        "Resolution (median)",
        "解决时间（中位数）",
    ),
    ("fcr", "First-contact resolution", "首次解决率"),
    ("sla_compliance", "SLA compliance", "SLA 达成率"),
    ("retention", "Retention", "留存率"),
    ("tickets", "Tickets", "工单"),
    ("responses", "Responses", "回复数"),
    // words
    ("month", "Month", "月份"),
    ("week", "Week", "周"),
    ("day", "Day", "日"),
    ("score", "Score", "得分"),
    ("count", "Count", "数量"),
    ("share", "Share", "占比"),
    ("cumulative", "Cumulative %", "累计占比"),
    ("minutes", "Minutes", "分钟"),
    ("hours", "Hours", "小时"),
    ("interval", "95% interval", "95% 置信区间"),
    ("change", "Change vs previous period", "较上期变化"),
    ("significant", "significant", "显著"),
    ("not_significant", "not significant", "不显著"),
    ("no_interval", "no interval", "无区间"),
    ("center", "CL", "中心线"),
    ("ucl", "UCL", "上控制限"),
    ("lcl", "LCL", "下控制限"),
    ("phase2", "judged against frozen limits →", "按冻结限判定 →"),
    (
        "complaint_rate",
        "Complaint share (weekly)",
        "投诉占比（周）",
    ),
    (
        "frt_weekly",
        "First reply, weekly median (real-time channels)",
        "首次响应周中位数（实时渠道）",
    ),
    ("input", "Input", "输入类型"),
    ("first_reply", "First reply", "首次响应"),
    ("emotion", "Emotion (−1…+1)", "情绪（−1…+1）"),
    ("expected_emotion", "Expected emotion", "预期情绪"),
    (
        "journey_touchpoints",
        "NPS by touchpoint (pain and delight points)",
        "各触点 NPS（痛点与惊喜点）",
    ),
    ("signal", "Signal", "信号"),
    ("signals", "signals", "个信号"),
    ("pain", "Pain point", "痛点"),
    ("delight", "Delight", "惊喜点"),
    ("target", "Target", "目标"),
    ("median", "Median", "中位数"),
    ("p90", "90th percentile", "第 90 百分位"),
    ("importance", "Importance", "重要度"),
    ("performance", "Performance", "表现"),
    (
        "better",
        "Better (satisfaction if present)",
        "Better 满意系数",
    ),
    (
        "worse",
        "|Worse| (dissatisfaction if absent)",
        "|Worse| 不满意系数",
    ),
    ("attractive", "Attractive", "魅力型"),
    ("one_dimensional", "Performance (one-dimensional)", "期望型"),
    ("must_be", "Must-be", "必备型"),
    ("indifferent", "Indifferent", "无差异型"),
    ("keep_up", "Keep up the good work", "继续保持"),
    ("concentrate", "Concentrate here", "重点改进"),
    ("low_priority", "Low priority", "低优先级"),
    ("overkill", "Possible overkill", "可能过度投入"),
    ("created", "Created", "创建"),
    ("contacted", "Contacted", "已联系"),
    ("resolved", "Resolved", "已解决"),
    ("followed_up", "Followed up", "已回访"),
    (
        "contacted_within",
        "Detractors contacted within the target time",
        "贬损者在时限内被联系的比例",
    ),
    ("follow_up_completion", "Follow-up completion", "回访完成率"),
    (
        "reach_rate",
        "Follow-ups that reached the customer",
        "回访接通率",
    ),
    (
        "recovery_rate",
        "Recovery rate (re-survey score improved)",
        "挽回率（回访复评分提高）",
    ),
    ("rows_read", "Rows read", "读取行数"),
    ("rows_rejected", "Rows rejected", "拒绝行数"),
    ("reason", "Reason", "原因"),
    ("field", "Field", "字段"),
    ("column", "Column", "列"),
    ("missing", "Missing", "缺失"),
    ("missing_share", "Missing share", "缺失比例"),
    ("file", "File", "文件"),
    ("issue", "Issue", "问题"),
    ("segment", "Segment", "分组"),
    ("achieved", "Achieved", "达成"),
    ("breached", "Breached", "违约"),
    ("rate", "Rate", "比率"),
    ("example", "Example", "示例"),
    ("log_issues", "Event-log problems", "事件日志问题"),
    (
        "frt_dist",
        "First reply time distribution",
        "首次响应时间分布",
    ),
    (
        "resolution_dist",
        "Resolution time distribution",
        "解决时间分布",
    ),
    (
        "sla_by_priority",
        "SLA compliance by priority",
        "按优先级的 SLA 达成率",
    ),
    (
        "sla_by_channel",
        "SLA compliance by channel",
        "按渠道的 SLA 达成率",
    ),
    (
        "kpi_note",
        "▲▼ mark a change against the previous month that is significant at the 5% level.",
        "▲▼ 表示与上月相比在 5% 水平上显著的变化。",
    ),
    (
        "no_signal",
        "No signals: the process looks stable.",
        "无信号：过程稳定。",
    ),
];

/// Translate `key` into `lang`; strings that are not keys come back unchanged.
pub fn tr(lang: Lang, key: &str) -> &str {
    for (k, en, zh) in TABLE {
        if *k == key {
            return match lang {
                Lang::En => en,
                Lang::Zh => zh,
            };
        }
    }
    key
}

/// Every key of the table (for tests and documentation).
pub fn keys() -> impl Iterator<Item = &'static str> {
    TABLE.iter().map(|(k, _, _)| *k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_translated() {
        let mut ks: Vec<_> = keys().collect();
        let n = ks.len();
        ks.sort_unstable();
        ks.dedup();
        assert_eq!(ks.len(), n);
        assert_eq!(tr(Lang::Zh, "kpis"), "核心指标");
        assert_eq!(tr(Lang::En, "物流延迟"), "物流延迟");
    }
}
