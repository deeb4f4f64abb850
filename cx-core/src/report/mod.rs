//! The CX health report: charts rendered to SVG and one self-contained HTML page.
//!
//! Everything here takes plain data. A chart is a struct of numbers and labels
//! ([`LineChart`], [`ParetoChart`], [`QuadrantChart`], [`ControlView`],
//! [`DistributionChart`], [`FunnelChart`], [`IntervalBars`]; any of them as a
//! [`Chart`]); a [`Report`] is a list of [`Section`]s, each identified by a
//! [`SectionId`] and shown only when present, in the fixed order of
//! [`SectionId::ALL`]. The HTML has inline CSS and SVG, no scripts and no network
//! access (a Content-Security-Policy forbids it), and a print stylesheet. Fixed
//! labels come from one translation table ([`i18n`]), in English or Chinese.
//!
//! Why hand-written SVG rather than `plotters`: the charts are a few lines,
//! rectangles and text; hand-written output is deterministic, small, carries
//! `<title>`/`aria-label` and CSS classes that tests and stylesheets can address,
//! and uses the browser's fonts (CJK included) instead of rasterising text.
//!
//! ```
//! use cx_core::report::{Chart, Lang};
//! let chart = Chart::from_json(r#"{"kind": "pareto", "title": "pareto",
//!     "categories": ["物流延迟", "退款慢", "other"], "counts": [50, 30, 5]}"#)?;
//! let svg = chart.to_svg(Lang::Zh)?;
//! assert!(svg.contains(r#"role="img""#) && svg.contains("投诉原因"));
//! assert_eq!(svg.matches(r#"class="cx-bar"#).count(), 3);
//! # Ok::<(), cx_core::CxError>(())
//! ```

mod bars;
mod charts;
mod control;
mod html;
pub mod i18n;
mod notes;
pub mod svg;

pub use bars::{BoxSummary, DistributionChart, FunnelChart, IntervalBars, ParetoChart, RefLine};
pub use charts::{Chart, LineChart, Marker, Point, QuadrantChart, Series, Tone};
pub use control::{ControlView, SignalPoint};
pub use html::render_html;
pub use i18n::{Lang, tr};
pub use notes::{JourneyNote, Note, NoteData, ShareNote};

use serde::{Deserialize, Serialize};

use crate::{CxError, Result};

/// The sections a report can have, in the order they appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SectionId {
    /// Headline KPIs with intervals and significant changes.
    Kpis,
    /// NPS/CSAT/CES monthly trends with interval bands.
    Trends,
    /// Journey emotion curve with pain and delight points.
    Journey,
    /// Pareto of complaint causes.
    Pareto,
    /// Control charts of key KPIs.
    Control,
    /// SLA compliance and response/resolution-time distributions.
    Sla,
    /// Kano Better/Worse scatter.
    Kano,
    /// Driver importance–performance matrix.
    Drivers,
    /// Closed-loop funnel.
    Funnel,
    /// Data quality: rejected rows and missing values.
    Quality,
}

impl SectionId {
    /// Every section, in report order.
    pub const ALL: [SectionId; 10] = [
        SectionId::Kpis,
        SectionId::Trends,
        SectionId::Journey,
        SectionId::Pareto,
        SectionId::Control,
        SectionId::Sla,
        SectionId::Kano,
        SectionId::Drivers,
        SectionId::Funnel,
        SectionId::Quality,
    ];

    /// The snake_case name (also the translation key and the HTML id suffix).
    pub fn key(self) -> &'static str {
        match self {
            SectionId::Kpis => "kpis",
            SectionId::Trends => "trends",
            SectionId::Journey => "journey",
            SectionId::Pareto => "pareto",
            SectionId::Control => "control",
            SectionId::Sla => "sla",
            SectionId::Kano => "kano",
            SectionId::Drivers => "drivers",
            SectionId::Funnel => "funnel",
            SectionId::Quality => "quality",
        }
    }
}

/// A headline number with its interval and period-over-period change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Kpi {
    /// Label (a translation key such as `"nps"`, or free text).
    pub label: String,
    /// The estimate (`None`: not available).
    pub value: Option<f64>,
    /// Lower interval edge.
    #[serde(default)]
    pub low: Option<f64>,
    /// Upper interval edge.
    #[serde(default)]
    pub high: Option<f64>,
    /// Unit appended to numbers (`"%"`, `" min"`).
    #[serde(default)]
    pub unit: String,
    /// Decimals shown (default 1).
    #[serde(default = "one")]
    pub digits: u8,
    /// Number of observations.
    #[serde(default)]
    pub n: Option<u64>,
    /// Change against the previous period (units of `value`).
    #[serde(default)]
    pub change: Option<f64>,
    /// Two-sided p-value of the change.
    #[serde(default)]
    pub change_p: Option<f64>,
    /// Whether a higher value is better (colours the change; default true).
    #[serde(default = "yes")]
    pub higher_is_better: bool,
    /// A short note under the number.
    #[serde(default)]
    pub note: String,
}

fn one() -> u8 {
    1
}
fn yes() -> bool {
    true
}

/// A small table of pre-formatted cells (headers may be translation keys).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Table {
    /// Caption.
    #[serde(default)]
    pub title: String,
    /// Column headers.
    pub columns: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
}

/// One section of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Section {
    /// Which section.
    pub id: SectionId,
    /// Headline numbers.
    #[serde(default)]
    pub kpis: Vec<Kpi>,
    /// Charts, in order.
    #[serde(default)]
    pub charts: Vec<Chart>,
    /// Tables, after the charts.
    #[serde(default)]
    pub tables: Vec<Table>,
    /// Paragraphs: translation keys, free text, or structured facts worded in the
    /// report's language ([`Note`]).
    #[serde(default)]
    pub notes: Vec<Note>,
}

impl Section {
    /// An empty section.
    pub fn new(id: SectionId) -> Self {
        Self {
            id,
            kpis: vec![],
            charts: vec![],
            tables: vec![],
            notes: vec![],
        }
    }
}

/// A whole report: metadata and the sections present.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Report {
    /// Language of the fixed labels.
    #[serde(default)]
    pub lang: Lang,
    /// Title (default: the translated `report_title`).
    #[serde(default)]
    pub title: String,
    /// Subtitle (company, data set).
    #[serde(default)]
    pub subtitle: String,
    /// (label, value) pairs shown under the title (period, sources, generated).
    #[serde(default)]
    pub meta: Vec<(String, String)>,
    /// The sections present; absent ones are simply not listed.
    #[serde(default)]
    pub sections: Vec<Section>,
}

impl Report {
    /// Parse a report from JSON.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] naming the JSON problem.
    pub fn from_json(json: &str) -> Result<Self> {
        serde_json::from_str(json).map_err(|e| CxError::option("report", e.to_string()))
    }
    /// Render to HTML ([`render_html`]).
    ///
    /// # Errors
    /// See [`render_html`].
    pub fn to_html(&self) -> Result<String> {
        render_html(self)
    }
}

#[cfg(test)]
mod tests;
