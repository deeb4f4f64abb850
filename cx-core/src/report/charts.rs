//! Chart specifications (plain data, serde) and the line and quadrant charts.
//!
//! Each chart is built from plain numbers and labels, so another module (or a
//! Python caller, through JSON) only has to fill a struct. Labels that are keys
//! of the translation table ([`super::i18n`]) are translated.

use serde::{Deserialize, Serialize};

use super::i18n::{Lang, tr};
use super::svg::{Frame, Scale, Svg, extent, fmt_num, nice_ticks, palette, thin};
use crate::{CxError, Result};

/// Width of every chart in the report (px, before CSS scaling).
pub const WIDTH: f64 = 720.0;
/// Height of every chart.
pub const HEIGHT: f64 = 320.0;

/// How a marker reads: bad news, good news, or neither.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Tone {
    /// Neutral annotation.
    #[default]
    Neutral,
    /// Good news (delight, significant improvement).
    Good,
    /// Bad news (pain point, signal, significant deterioration).
    Bad,
}

impl Tone {
    pub(crate) fn colour(self) -> &'static str {
        match self {
            Tone::Neutral => palette::INK,
            Tone::Good => palette::GOOD,
            Tone::Bad => palette::BAD,
        }
    }
    fn class(self) -> &'static str {
        match self {
            Tone::Neutral => "cx-marker cx-neutral",
            Tone::Good => "cx-marker cx-good",
            Tone::Bad => "cx-marker cx-bad",
        }
    }
}

/// One line of a [`LineChart`], with an optional interval band.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Series {
    /// Legend name.
    pub name: String,
    /// One value per x category (`None` = gap).
    pub values: Vec<Option<f64>>,
    /// Lower band edge per category.
    #[serde(default)]
    pub low: Vec<Option<f64>>,
    /// Upper band edge per category.
    #[serde(default)]
    pub high: Vec<Option<f64>>,
}

/// An annotated point of a line chart (a pain or delight point, a significant change).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Marker {
    /// Index of the series (default 0).
    #[serde(default)]
    pub series: usize,
    /// Index of the x category.
    pub index: usize,
    /// Text shown next to the point.
    pub label: String,
    /// Colour meaning.
    #[serde(default)]
    pub tone: Tone,
}

/// A line over categories with interval bands and annotated points (trends,
/// journey emotion curve).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LineChart {
    /// Title.
    pub title: String,
    /// Category labels (months, touchpoints).
    pub x: Vec<String>,
    /// Lines.
    pub series: Vec<Series>,
    /// Annotated points.
    #[serde(default)]
    pub markers: Vec<Marker>,
    /// Axis labels.
    #[serde(default)]
    pub x_label: String,
    /// Value axis label.
    #[serde(default)]
    pub y_label: String,
    /// A horizontal reference line (e.g. 0 on an emotion scale).
    #[serde(default)]
    pub reference: Option<f64>,
}

/// A labelled point of a [`QuadrantChart`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Point {
    /// Label drawn next to the point.
    pub label: String,
    /// Horizontal value.
    pub x: f64,
    /// Vertical value.
    pub y: f64,
    /// Colour meaning.
    #[serde(default)]
    pub tone: Tone,
}

/// A scatter split into four quadrants by two lines (Kano Better/Worse,
/// importance–performance matrix).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct QuadrantChart {
    /// Title.
    pub title: String,
    /// Points.
    pub points: Vec<Point>,
    /// Horizontal axis label.
    pub x_label: String,
    /// Vertical axis label.
    pub y_label: String,
    /// Vertical split line (default: mean of x).
    #[serde(default)]
    pub x_split: Option<f64>,
    /// Horizontal split line (default: mean of y).
    #[serde(default)]
    pub y_split: Option<f64>,
    /// Quadrant names: top-left, top-right, bottom-left, bottom-right.
    #[serde(default)]
    pub quadrants: Vec<String>,
    /// Fixed horizontal range.
    #[serde(default)]
    pub x_range: Option<(f64, f64)>,
    /// Fixed vertical range.
    #[serde(default)]
    pub y_range: Option<(f64, f64)>,
}

pub(crate) fn bad_len(what: &str, got: usize, want: usize) -> CxError {
    CxError::option(
        what.to_string(),
        format!("has {got} values, expected {want} (one per category)"),
    )
}

fn pad_range(lo: f64, hi: f64) -> (f64, f64) {
    let pad = ((hi - lo) * 0.08).max(1e-9);
    (lo - pad, hi + pad)
}

impl LineChart {
    /// Render to SVG.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] when a series or band does not have one value per category,
    /// or a marker points outside the data.
    pub fn to_svg(&self, lang: Lang) -> Result<String> {
        let n = self.x.len();
        for s in &self.series {
            if s.values.len() != n {
                return Err(bad_len("series.values", s.values.len(), n));
            }
            for b in [&s.low, &s.high] {
                if !b.is_empty() && b.len() != n {
                    return Err(bad_len("series.low/high", b.len(), n));
                }
            }
        }
        for m in &self.markers {
            if m.series >= self.series.len() || m.index >= n {
                return Err(CxError::option(
                    "markers",
                    format!(
                        "marker at series {} index {} is outside the data",
                        m.series, m.index
                    ),
                ));
            }
        }
        let all = self
            .series
            .iter()
            .flat_map(|s| s.values.iter().chain(&s.low).chain(&s.high))
            .filter_map(|v| *v)
            .chain(self.reference);
        let (lo, hi) = extent(all).unwrap_or((0.0, 1.0));
        let (lo, hi) = pad_range(lo, hi);
        let title = tr(lang, &self.title);
        let mut svg = Svg::new(
            "line",
            WIDTH,
            HEIGHT,
            title,
            &format!("{} × {}", tr(lang, &self.y_label), n),
        );
        let f = Frame {
            left: 56.0,
            top: 36.0,
            right: 16.0,
            bottom: 44.0,
        };
        let ticks = nice_ticks(lo, hi, 5);
        let (t0, t1) = (
            ticks.first().copied().unwrap_or(lo),
            ticks.last().copied().unwrap_or(hi),
        );
        let ys = Scale::new(t0, t1, HEIGHT - f.bottom, f.top);
        let step = (WIDTH - f.left - f.right) / n.max(1) as f64;
        let xat = |i: usize| f.left + step * (i as f64 + 0.5);
        svg.y_axis(&f, &ys, &ticks, tr(lang, &self.y_label), false, &fmt_num);
        let xt: Vec<_> = thin(n, 12)
            .into_iter()
            .map(|i| (xat(i), self.x[i].clone()))
            .collect();
        svg.x_axis(&f, &xt, tr(lang, &self.x_label));
        if let Some(r) = self.reference {
            svg.line(
                "cx-reference",
                f.left,
                ys.at(r),
                WIDTH - f.right,
                ys.at(r),
                r##"stroke="#9aa5b1" stroke-dasharray="2 3""##,
            );
        }
        for (k, s) in self.series.iter().enumerate() {
            let colour = palette::SERIES[k % palette::SERIES.len()];
            if !s.low.is_empty() && !s.high.is_empty() {
                // one polygon per run of consecutive points with both band edges
                let mut run: Vec<(usize, f64, f64)> = Vec::new();
                let flush = |run: &mut Vec<(usize, f64, f64)>, svg: &mut Svg| {
                    let mut pts: Vec<(f64, f64)> =
                        run.iter().map(|&(i, _, h)| (xat(i), ys.at(h))).collect();
                    pts.extend(run.iter().rev().map(|&(i, l, _)| (xat(i), ys.at(l))));
                    if run.len() == 1 {
                        let (i, l, h) = run[0];
                        svg.line(
                            "cx-band",
                            xat(i),
                            ys.at(l),
                            xat(i),
                            ys.at(h),
                            &format!(r#"stroke="{colour}" stroke-opacity="0.35" stroke-width="6""#),
                        );
                    } else {
                        svg.polygon("cx-band", &pts, colour, 0.15);
                    }
                    run.clear();
                };
                for i in 0..n {
                    match (s.low[i], s.high[i]) {
                        (Some(l), Some(h)) if l.is_finite() && h.is_finite() => run.push((i, l, h)),
                        _ => flush(&mut run, &mut svg),
                    }
                }
                if !run.is_empty() {
                    flush(&mut run, &mut svg);
                }
            }
            let pts: Vec<_> = s
                .values
                .iter()
                .enumerate()
                .map(|(i, v)| v.filter(|v| v.is_finite()).map(|v| (xat(i), ys.at(v))))
                .collect();
            svg.path(
                "cx-series",
                &pts,
                &format!(r#"stroke="{colour}" stroke-width="2""#),
            );
            for (i, v) in s.values.iter().enumerate() {
                if let Some(v) = v.filter(|v| v.is_finite()) {
                    svg.circle(
                        "cx-point",
                        xat(i),
                        ys.at(v),
                        3.0,
                        colour,
                        &format!("{} {}: {}", tr(lang, &s.name), self.x[i], fmt_num(v)),
                    );
                }
            }
        }
        for m in &self.markers {
            if let Some(v) = self.series[m.series].values[m.index].filter(|v| v.is_finite()) {
                let (x, y) = (xat(m.index), ys.at(v));
                let c = m.tone.colour();
                svg.circle(m.tone.class(), x, y, 6.0, "none", tr(lang, &m.label));
                svg.raw(&format!(r#"<circle cx="{x:.1}" cy="{y:.1}" r="6" fill="none" stroke="{c}" stroke-width="2"/>"#));
                let dy = if m.tone == Tone::Bad { 18.0 } else { -10.0 };
                svg.text(
                    "cx-annotation",
                    x,
                    y + dy,
                    "middle",
                    c,
                    11,
                    tr(lang, &m.label),
                );
            }
        }
        if self.series.len() > 1 {
            legend(
                &mut svg,
                self.series
                    .iter()
                    .map(|s| tr(lang, &s.name))
                    .collect::<Vec<_>>()
                    .as_slice(),
            );
        }
        Ok(svg.finish())
    }
}

/// A legend row at the top right.
pub(crate) fn legend(svg: &mut Svg, names: &[&str]) {
    let mut x = WIDTH - 16.0;
    svg.raw(r#"<g class="cx-legend">"#);
    for (k, name) in names.iter().enumerate().rev() {
        let w = 18.0 + 7.0 * name.chars().count() as f64;
        x -= w;
        svg.rect(
            "cx-legend-key",
            x,
            12.0,
            10.0,
            10.0,
            palette::SERIES[k % palette::SERIES.len()],
            name,
        );
        svg.text(
            "cx-legend-label",
            x + 13.0,
            21.0,
            "start",
            palette::INK,
            11,
            name,
        );
    }
    svg.raw("</g>");
}

impl QuadrantChart {
    /// Render to SVG.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] for a non-finite coordinate or a quadrant list that is
    /// neither empty nor four names.
    pub fn to_svg(&self, lang: Lang) -> Result<String> {
        if let Some(p) = self
            .points
            .iter()
            .find(|p| !(p.x.is_finite() && p.y.is_finite()))
        {
            return Err(CxError::option(
                "points",
                format!("point {:?} has a non-finite coordinate", p.label),
            ));
        }
        if !(self.quadrants.is_empty() || self.quadrants.len() == 4) {
            return Err(CxError::option(
                "quadrants",
                format!(
                    "needs 4 names (top-left, top-right, bottom-left, bottom-right), got {}",
                    self.quadrants.len()
                ),
            ));
        }
        let mean = |f: &dyn Fn(&Point) -> f64| {
            if self.points.is_empty() {
                0.0
            } else {
                self.points.iter().map(f).sum::<f64>() / self.points.len() as f64
            }
        };
        let xs = self.x_split.unwrap_or_else(|| mean(&|p| p.x));
        let yq = self.y_split.unwrap_or_else(|| mean(&|p| p.y));
        let (x0, x1) = self
            .x_range
            .unwrap_or_else(|| pad_range_of(self.points.iter().map(|p| p.x).chain([xs])));
        let (y0, y1) = self
            .y_range
            .unwrap_or_else(|| pad_range_of(self.points.iter().map(|p| p.y).chain([yq])));
        let title = tr(lang, &self.title);
        let mut svg = Svg::new(
            "quadrant",
            WIDTH,
            HEIGHT + 80.0,
            title,
            &format!("{} × {}", tr(lang, &self.x_label), tr(lang, &self.y_label)),
        );
        let h = HEIGHT + 80.0;
        let f = Frame {
            left: 56.0,
            top: 36.0,
            right: 24.0,
            bottom: 44.0,
        };
        let xt = nice_ticks(x0, x1, 6);
        let yt = nice_ticks(y0, y1, 6);
        let xsc = Scale::new(x0, x1, f.left, WIDTH - f.right);
        let ysc = Scale::new(y0, y1, h - f.bottom, f.top);
        let yt: Vec<f64> = yt
            .into_iter()
            .filter(|v| *v >= y0 - 1e-12 && *v <= y1 + 1e-12)
            .collect();
        svg.y_axis(&f, &ysc, &yt, tr(lang, &self.y_label), false, &fmt_num);
        let xticks: Vec<_> = xt
            .into_iter()
            .filter(|v| *v >= x0 - 1e-12 && *v <= x1 + 1e-12)
            .map(|v| (xsc.at(v), fmt_num(v)))
            .collect();
        svg.x_axis(&f, &xticks, tr(lang, &self.x_label));
        let dash = r##"stroke="#9aa5b1" stroke-dasharray="5 4""##;
        svg.line(
            "cx-split cx-split-x",
            xsc.at(xs),
            f.top,
            xsc.at(xs),
            h - f.bottom,
            dash,
        );
        svg.line(
            "cx-split cx-split-y",
            f.left,
            ysc.at(yq),
            WIDTH - f.right,
            ysc.at(yq),
            dash,
        );
        if self.quadrants.len() == 4 {
            let spots = [
                (f.left + 6.0, f.top + 14.0, "start"),
                (WIDTH - f.right - 6.0, f.top + 14.0, "end"),
                (f.left + 6.0, h - f.bottom - 8.0, "start"),
                (WIDTH - f.right - 6.0, h - f.bottom - 8.0, "end"),
            ];
            for (q, (x, y, a)) in self.quadrants.iter().zip(spots) {
                svg.text("cx-quadrant", x, y, a, palette::MUTED, 12, tr(lang, q));
            }
        }
        for p in &self.points {
            let (x, y) = (xsc.at(p.x), ysc.at(p.y));
            let c = if p.tone == Tone::Neutral {
                palette::PRIMARY
            } else {
                p.tone.colour()
            };
            svg.circle(
                "cx-point",
                x,
                y,
                5.0,
                c,
                &format!(
                    "{}: ({}, {})",
                    tr(lang, &p.label),
                    fmt_num(p.x),
                    fmt_num(p.y)
                ),
            );
            svg.text(
                "cx-point-label",
                x + 8.0,
                y - 6.0,
                "start",
                palette::INK,
                11,
                tr(lang, &p.label),
            );
        }
        Ok(svg.finish())
    }
}

fn pad_range_of(v: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = extent(v).unwrap_or((0.0, 1.0));
    pad_range(lo, hi)
}

/// Any chart of the report, tagged by `kind` in JSON (`{"kind": "pareto", ...}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Chart {
    /// Line with interval bands and markers.
    Line(LineChart),
    /// Pareto bars with a cumulative line.
    Pareto(super::bars::ParetoChart),
    /// Scatter with quadrant lines.
    Quadrant(QuadrantChart),
    /// Control chart with limits, zones and signals.
    Control(super::control::ControlView),
    /// Histogram with a box summary.
    Distribution(super::bars::DistributionChart),
    /// Funnel of stages.
    Funnel(super::bars::FunnelChart),
    /// Horizontal bars with interval whiskers.
    Bars(super::bars::IntervalBars),
}

impl Chart {
    /// Render to SVG in `lang`.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] when the data do not fit the chart (see each chart).
    pub fn to_svg(&self, lang: Lang) -> Result<String> {
        match self {
            Chart::Line(c) => c.to_svg(lang),
            Chart::Pareto(c) => c.to_svg(lang),
            Chart::Quadrant(c) => c.to_svg(lang),
            Chart::Control(c) => c.to_svg(lang),
            Chart::Distribution(c) => c.to_svg(lang),
            Chart::Funnel(c) => c.to_svg(lang),
            Chart::Bars(c) => c.to_svg(lang),
        }
    }

    /// Parse a chart from its JSON form.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] naming the JSON problem.
    pub fn from_json(json: &str) -> Result<Self> {
        serde_json::from_str(json).map_err(|e| CxError::option("chart", e.to_string()))
    }
}
