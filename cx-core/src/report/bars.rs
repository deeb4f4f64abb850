//! Bar-based charts: Pareto (bars + cumulative line), distribution (histogram +
//! box summary), funnel, and horizontal bars with interval whiskers.

use serde::{Deserialize, Serialize};

use super::charts::{HEIGHT, WIDTH, bad_len};
use super::i18n::{Lang, tr};
use super::svg::{Frame, Scale, Svg, extent, fmt_num, nice_ticks, palette, stroke};
use crate::{CxError, Result};

/// Pareto chart: categories sorted by count, bars plus the cumulative share.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ParetoChart {
    /// Title.
    pub title: String,
    /// Category names.
    pub categories: Vec<String>,
    /// Count (or weight) per category, ≥ 0.
    pub counts: Vec<f64>,
    /// Cumulative share that separates the "vital few" (default 0.8).
    #[serde(default = "default_threshold")]
    pub threshold: f64,
    /// Value axis label.
    #[serde(default)]
    pub y_label: String,
}

fn default_threshold() -> f64 {
    0.8
}

/// A box-plot summary of a distribution.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BoxSummary {
    /// Lower whisker.
    pub low: f64,
    /// First quartile.
    pub q1: f64,
    /// Median.
    pub median: f64,
    /// Third quartile.
    pub q3: f64,
    /// Upper whisker.
    pub high: f64,
}

/// A vertical reference line on a distribution (SLA target, p90).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RefLine {
    /// Position on the value axis.
    pub value: f64,
    /// Label.
    pub label: String,
}

/// A histogram with an optional box summary and reference lines.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DistributionChart {
    /// Title.
    pub title: String,
    /// Bin edges, increasing (`counts.len() + 1` of them).
    pub edges: Vec<f64>,
    /// Count per bin.
    pub counts: Vec<f64>,
    /// Value axis label.
    #[serde(default)]
    pub x_label: String,
    /// Box summary drawn above the bars.
    #[serde(default)]
    pub summary: Option<BoxSummary>,
    /// Reference lines.
    #[serde(default)]
    pub lines: Vec<RefLine>,
    /// Logarithmic value axis (edges, summary and lines stay in natural units, > 0).
    #[serde(default)]
    pub log_x: bool,
}

/// Tick values of a log10 axis over `[lo, hi]` (log10 units): 1·10^k, plus 2 and 5
/// multiples when the range spans fewer than three decades.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let mut out = Vec::new();
    let mults: &[f64] = if hi - lo < 3.0 {
        &[1.0, 2.0, 5.0]
    } else {
        &[1.0]
    };
    let mut e = lo.floor();
    while e <= hi.ceil() && out.len() < 60 {
        for m in mults {
            let v = m * 10f64.powf(e);
            let l = v.log10();
            if l >= lo - 1e-9 && l <= hi + 1e-9 {
                out.push(v);
            }
        }
        e += 1.0;
    }
    out
}

/// Stages of a funnel with their counts (closed loop: created → contacted → resolved → followed up).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FunnelChart {
    /// Title.
    pub title: String,
    /// Stage names, in order.
    pub stages: Vec<String>,
    /// Count per stage.
    pub counts: Vec<f64>,
}

/// Horizontal bars (rates 0–1 or any value) with optional interval whiskers and a target.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IntervalBars {
    /// Title.
    pub title: String,
    /// Bar labels.
    pub labels: Vec<String>,
    /// Values (`None`: no bar).
    pub values: Vec<Option<f64>>,
    /// Lower interval edges (empty: none).
    #[serde(default)]
    pub low: Vec<Option<f64>>,
    /// Upper interval edges.
    #[serde(default)]
    pub high: Vec<Option<f64>>,
    /// Show values as percentages of 1.
    #[serde(default)]
    pub percent: bool,
    /// Target line.
    #[serde(default)]
    pub target: Option<f64>,
}

fn check_counts(name: &str, v: &[f64]) -> Result<()> {
    match v.iter().position(|c| !c.is_finite() || *c < 0.0) {
        Some(i) => Err(CxError::invalid(
            name,
            Some(i),
            v[i].to_string(),
            "must be a finite count ≥ 0",
        )),
        None => Ok(()),
    }
}

impl ParetoChart {
    /// Categories and counts sorted by decreasing count (ties keep input order).
    pub fn sorted(&self) -> Vec<(&str, f64)> {
        let mut v: Vec<(&str, f64)> = self
            .categories
            .iter()
            .map(String::as_str)
            .zip(self.counts.iter().copied())
            .collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1));
        v
    }

    /// Render to SVG.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] when lengths differ; [`CxError::InvalidValue`] for a
    /// negative or non-finite count.
    pub fn to_svg(&self, lang: Lang) -> Result<String> {
        if self.counts.len() != self.categories.len() {
            return Err(bad_len("counts", self.counts.len(), self.categories.len()));
        }
        check_counts("counts", &self.counts)?;
        let data = self.sorted();
        let total: f64 = data.iter().map(|d| d.1).sum();
        let n = data.len();
        let title = tr(lang, &self.title);
        let mut svg = Svg::new(
            "pareto",
            WIDTH,
            HEIGHT,
            title,
            &format!("{n} categories, total {}", fmt_num(total)),
        );
        let f = Frame {
            left: 56.0,
            top: 36.0,
            right: 48.0,
            bottom: 56.0,
        };
        let max = data.first().map_or(1.0, |d| d.1.max(1e-9));
        let ticks = nice_ticks(0.0, max, 5);
        let ys = Scale::new(
            0.0,
            ticks.last().copied().unwrap_or(max),
            HEIGHT - f.bottom,
            f.top,
        );
        let ps = Scale::new(0.0, 1.0, HEIGHT - f.bottom, f.top);
        svg.y_axis(&f, &ys, &ticks, tr(lang, &self.y_label), false, &fmt_num);
        svg.y_axis(&f, &ps, &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0], "", true, &|v| {
            format!("{:.0}%", v * 100.0)
        });
        let step = (WIDTH - f.left - f.right) / n.max(1) as f64;
        let xt: Vec<_> = data
            .iter()
            .enumerate()
            .map(|(i, d)| (f.left + step * (i as f64 + 0.5), tr(lang, d.0).to_string()))
            .collect();
        svg.x_axis(&f, &xt, "");
        let mut cum = 0.0;
        let mut line = Vec::with_capacity(n);
        for (i, (name, c)) in data.iter().enumerate() {
            let before = if total > 0.0 { cum / total } else { 0.0 };
            cum += c;
            let share = if total > 0.0 { cum / total } else { 0.0 };
            let vital = before < self.threshold;
            let x = f.left + step * i as f64 + step * 0.15;
            let colour = if vital { palette::PRIMARY } else { "#93c5fd" };
            let class = if vital { "cx-bar cx-vital" } else { "cx-bar" };
            svg.rect(
                class,
                x,
                ys.at(*c),
                step * 0.7,
                ys.at(0.0) - ys.at(*c),
                colour,
                &format!(
                    "{}: {} ({:.0}%)",
                    tr(lang, name),
                    fmt_num(*c),
                    100.0 * share
                ),
            );
            line.push(Some((x + step * 0.35, ps.at(share))));
        }
        svg.path(
            "cx-cumulative",
            &line,
            &format!(r#"stroke="{}" stroke-width="2""#, palette::SECONDARY),
        );
        for p in line.iter().flatten() {
            svg.circle("cx-point", p.0, p.1, 3.0, palette::SECONDARY, "");
        }
        let ty = ps.at(self.threshold);
        svg.line(
            "cx-threshold",
            f.left,
            ty,
            WIDTH - f.right,
            ty,
            &format!(r#"stroke="{}" stroke-dasharray="4 3""#, palette::MUTED),
        );
        svg.text(
            "cx-annotation",
            WIDTH - f.right - 4.0,
            ty - 4.0,
            "end",
            palette::MUTED,
            11,
            &format!("{:.0}%", self.threshold * 100.0),
        );
        Ok(svg.finish())
    }
}

impl DistributionChart {
    /// Render to SVG.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] unless there is one more edge than counts and edges increase.
    pub fn to_svg(&self, lang: Lang) -> Result<String> {
        let k = self.counts.len();
        if self.edges.len() != k + 1 || k == 0 {
            return Err(CxError::option(
                "edges",
                format!(
                    "needs counts + 1 = {} edges, got {}",
                    k + 1,
                    self.edges.len()
                ),
            ));
        }
        if self
            .edges
            .windows(2)
            .any(|w| w[1].partial_cmp(&w[0]) != Some(std::cmp::Ordering::Greater))
        {
            return Err(CxError::option("edges", "must increase strictly"));
        }
        check_counts("counts", &self.counts)?;
        let title = tr(lang, &self.title);
        let total: f64 = self.counts.iter().sum();
        let mut svg = Svg::new(
            "distribution",
            WIDTH,
            HEIGHT,
            title,
            &format!("{} observations in {k} bins", fmt_num(total)),
        );
        let box_h = if self.summary.is_some() { 28.0 } else { 0.0 };
        let f = Frame {
            left: 56.0,
            top: 36.0 + box_h,
            right: 16.0,
            bottom: 44.0,
        };
        if self.log_x && self.edges[0] <= 0.0 {
            return Err(CxError::option(
                "edges",
                "a logarithmic axis needs edges > 0",
            ));
        }
        let log = self.log_x;
        let lx = |v: f64| if log { v.log10() } else { v };
        let (x0, x1) = (lx(self.edges[0]), lx(self.edges[k]));
        let xs = Scale::new(x0, x1, f.left, WIDTH - f.right);
        let max = self.counts.iter().copied().fold(0.0, f64::max).max(1.0);
        let ticks = nice_ticks(0.0, max, 5);
        let ys = Scale::new(
            0.0,
            ticks.last().copied().unwrap_or(max),
            HEIGHT - f.bottom,
            f.top,
        );
        svg.y_axis(&f, &ys, &ticks, tr(lang, "count"), false, &fmt_num);
        let xt: Vec<_> = if log {
            log_ticks(x0, x1)
                .into_iter()
                .map(|v| (xs.at(v.log10()), fmt_num(v)))
                .collect()
        } else {
            nice_ticks(x0, x1, 8)
                .into_iter()
                .filter(|v| *v >= x0 && *v <= x1)
                .map(|v| (xs.at(v), fmt_num(v)))
                .collect()
        };
        svg.x_axis(&f, &xt, tr(lang, &self.x_label));
        for (i, c) in self.counts.iter().enumerate() {
            let (a, b) = (xs.at(lx(self.edges[i])), xs.at(lx(self.edges[i + 1])));
            svg.rect(
                "cx-bar",
                a + 0.5,
                ys.at(*c),
                b - a - 1.0,
                ys.at(0.0) - ys.at(*c),
                palette::PRIMARY,
                &format!(
                    "[{}, {}): {}",
                    fmt_num(self.edges[i]),
                    fmt_num(self.edges[i + 1]),
                    fmt_num(*c)
                ),
            );
        }
        if let Some(b) = self.summary {
            let y = 40.0 + box_h / 2.0;
            let cl = |v: f64| xs.at(lx(v.max(1e-300)).clamp(x0, x1));
            svg.raw(r#"<g class="cx-box">"#);
            let st = stroke(palette::INK);
            svg.line("cx-whisker", cl(b.low), y, cl(b.q1), y, &st);
            svg.line("cx-whisker", cl(b.q3), y, cl(b.high), y, &st);
            svg.rect(
                "cx-iqr",
                cl(b.q1),
                y - 8.0,
                cl(b.q3) - cl(b.q1),
                16.0,
                "#dbeafe",
                &format!(
                    "Q1 {} · {} {} · Q3 {}",
                    fmt_num(b.q1),
                    tr(lang, "median"),
                    fmt_num(b.median),
                    fmt_num(b.q3)
                ),
            );
            svg.line(
                "cx-median",
                cl(b.median),
                y - 8.0,
                cl(b.median),
                y + 8.0,
                &format!(r#"stroke="{}" stroke-width="2""#, palette::INK),
            );
            svg.raw("</g>");
        }
        for l in &self.lines {
            let v = if log && l.value <= 0.0 {
                f64::NAN
            } else {
                lx(l.value)
            };
            if v.is_finite() && v >= x0 && v <= x1 {
                let x = xs.at(v);
                svg.line(
                    "cx-refline",
                    x,
                    f.top,
                    x,
                    HEIGHT - f.bottom,
                    &format!(r#"stroke="{}" stroke-dasharray="4 3""#, palette::BAD),
                );
                svg.text(
                    "cx-annotation",
                    x + 4.0,
                    f.top + 12.0,
                    "start",
                    palette::BAD,
                    11,
                    &format!("{} {}", tr(lang, &l.label), fmt_num(l.value)),
                );
            }
        }
        Ok(svg.finish())
    }
}

impl FunnelChart {
    /// Render to SVG: one centred bar per stage, with the share of the first stage
    /// and of the previous one.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] when lengths differ; [`CxError::InvalidValue`] for a bad count.
    pub fn to_svg(&self, lang: Lang) -> Result<String> {
        if self.counts.len() != self.stages.len() {
            return Err(bad_len("counts", self.counts.len(), self.stages.len()));
        }
        check_counts("counts", &self.counts)?;
        let n = self.stages.len();
        let title = tr(lang, &self.title);
        let mut svg = Svg::new("funnel", WIDTH, HEIGHT, title, &format!("{n} stages"));
        let (top, bottom, left, right) = (36.0, 12.0, 150.0, 150.0);
        let band = (HEIGHT - top - bottom) / n.max(1) as f64;
        let first = self.counts.first().copied().unwrap_or(0.0).max(1e-9);
        let max = self.counts.iter().copied().fold(0.0, f64::max).max(1e-9);
        let mid = left + (WIDTH - left - right) / 2.0;
        let full = WIDTH - left - right;
        for (i, (s, c)) in self.stages.iter().zip(&self.counts).enumerate() {
            let w = full * c / max;
            let y = top + band * i as f64;
            let colour = super::svg::palette::SERIES[0];
            let opacity = 1.0 - 0.12 * i as f64;
            let label = tr(lang, s);
            svg.raw(&format!(r#"<g class="cx-stage" opacity="{opacity:.2}">"#));
            svg.rect(
                "cx-bar",
                mid - w / 2.0,
                y + 4.0,
                w,
                band - 8.0,
                colour,
                &format!("{label}: {}", fmt_num(*c)),
            );
            svg.raw("</g>");
            svg.text(
                "cx-stage-label",
                left - 8.0,
                y + band / 2.0 + 4.0,
                "end",
                palette::INK,
                12,
                label,
            );
            let prev = if i == 0 { *c } else { self.counts[i - 1] };
            let conv = if i == 0 {
                String::new()
            } else if prev > 0.0 {
                format!(" · {:.0}% ↓", 100.0 * c / prev)
            } else {
                " · –".into()
            };
            svg.text(
                "cx-annotation",
                WIDTH - right + 8.0,
                y + band / 2.0 + 4.0,
                "start",
                palette::MUTED,
                11,
                &format!("{} ({:.0}%){conv}", fmt_num(*c), 100.0 * c / first),
            );
        }
        Ok(svg.finish())
    }
}

impl IntervalBars {
    /// Render to SVG.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] when lengths differ.
    pub fn to_svg(&self, lang: Lang) -> Result<String> {
        let n = self.labels.len();
        if self.values.len() != n {
            return Err(bad_len("values", self.values.len(), n));
        }
        let has_ci = !self.low.is_empty() || !self.high.is_empty();
        if has_ci && (self.low.len() != n || self.high.len() != n) {
            return Err(bad_len("low/high", self.low.len().min(self.high.len()), n));
        }
        let title = tr(lang, &self.title);
        let h = (60.0 + 28.0 * n as f64).max(120.0);
        let mut svg = Svg::new("bars", WIDTH, h, title, &format!("{n} bars"));
        let f = Frame {
            left: 150.0,
            top: 36.0,
            right: 70.0,
            bottom: 28.0,
        };
        let hi = extent(
            self.values
                .iter()
                .chain(&self.high)
                .flatten()
                .copied()
                .chain(self.target),
        )
        .map_or(1.0, |e| e.1);
        let hi = if self.percent {
            1.0f64.max(hi)
        } else {
            hi.max(1e-9)
        };
        let xs = Scale::new(0.0, hi, f.left, WIDTH - f.right);
        let fmt = |v: f64| {
            if self.percent {
                format!("{:.1}%", 100.0 * v)
            } else {
                fmt_num(v)
            }
        };
        let xt: Vec<_> = nice_ticks(0.0, hi, 5)
            .into_iter()
            .filter(|v| *v <= hi + 1e-12)
            .map(|v| {
                (
                    xs.at(v),
                    if self.percent {
                        format!("{:.0}%", 100.0 * v)
                    } else {
                        fmt_num(v)
                    },
                )
            })
            .collect();
        svg.x_axis(&f, &xt, "");
        let band = (h - f.top - f.bottom) / n.max(1) as f64;
        for i in 0..n {
            let y = f.top + band * i as f64;
            let v = self.values[i].unwrap_or(f64::NAN);
            let label = tr(lang, &self.labels[i]);
            svg.text(
                "cx-bar-label",
                f.left - 8.0,
                y + band / 2.0 + 4.0,
                "end",
                palette::INK,
                12,
                label,
            );
            if v.is_finite() {
                svg.rect(
                    "cx-bar",
                    f.left,
                    y + 5.0,
                    xs.at(v) - f.left,
                    band - 10.0,
                    palette::PRIMARY,
                    &format!("{label}: {}", fmt(v)),
                );
                svg.text(
                    "cx-value",
                    WIDTH - f.right + 6.0,
                    y + band / 2.0 + 4.0,
                    "start",
                    palette::INK,
                    11,
                    &fmt(v),
                );
            }
            if let (true, Some(lo), Some(up)) = (has_ci, self.low[i], self.high[i]) {
                let yy = y + band / 2.0;
                svg.line(
                    "cx-whisker",
                    xs.at(lo),
                    yy,
                    xs.at(up),
                    yy,
                    &format!(r#"stroke="{}" stroke-width="2""#, palette::INK),
                );
            }
        }
        if let Some(t) = self.target {
            let x = xs.at(t);
            svg.line(
                "cx-refline",
                x,
                f.top,
                x,
                h - f.bottom,
                &format!(r#"stroke="{}" stroke-dasharray="4 3""#, palette::BAD),
            );
            svg.text(
                "cx-annotation",
                x,
                f.top - 4.0,
                "middle",
                palette::BAD,
                11,
                &format!("{} {}", tr(lang, "target"), fmt(t)),
            );
        }
        Ok(svg.finish())
    }
}
