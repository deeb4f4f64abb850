//! Control chart view: the plotted statistic, centre line, limits, the 1σ/2σ
//! zones and the run-rule signals annotated with their rule code.

use serde::{Deserialize, Serialize};

use super::charts::{HEIGHT, WIDTH, bad_len};
use super::i18n::{Lang, tr};
use super::svg::{Frame, Scale, Svg, extent, fmt_num, nice_ticks, palette, thin};
use crate::spc::{ControlChart, Rule};
use crate::{CxError, Result};

/// A flagged point and its annotation (rule code, e.g. `"N2"`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SignalPoint {
    /// 0-based point index.
    pub index: usize,
    /// Annotation text.
    pub label: String,
}

/// Plain data of a control chart, ready to draw.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ControlView {
    /// Title.
    pub title: String,
    /// Point labels (dates, weeks).
    pub x: Vec<String>,
    /// Plotted statistic per point.
    pub values: Vec<Option<f64>>,
    /// Centre line per point.
    pub center: Vec<Option<f64>>,
    /// Standard error per point (zone width); empty: no zones.
    #[serde(default)]
    pub se: Vec<Option<f64>>,
    /// Lower control limit per point.
    pub lcl: Vec<Option<f64>>,
    /// Upper control limit per point.
    pub ucl: Vec<Option<f64>>,
    /// Signals to mark.
    #[serde(default)]
    pub signals: Vec<SignalPoint>,
    /// Value axis label.
    #[serde(default)]
    pub y_label: String,
    /// Number of phase I points (limits computed on them); later points are judged
    /// against frozen limits. `None`: all points are phase I.
    #[serde(default)]
    pub phase1: Option<usize>,
}

fn opt(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

impl ControlView {
    /// The view of a computed chart; every flagged point becomes a signal labelled
    /// with its lowest violated rule (`"N1"`, `"WE2"`…). `x` labels the points
    /// (empty: 1, 2, …).
    pub fn from_chart(chart: &ControlChart, title: &str, x: Vec<String>) -> Self {
        let n = chart.len();
        let x = if x.len() == n {
            x
        } else {
            (1..=n).map(|i| i.to_string()).collect()
        };
        let family = chart.rules.family();
        let signals = (0..n)
            .filter_map(|i| {
                chart.code(i).map(|number| SignalPoint {
                    index: i,
                    label: Rule { family, number }.code(),
                })
            })
            .collect();
        Self {
            title: title.to_string(),
            x,
            values: chart.statistics.iter().map(|v| opt(*v)).collect(),
            center: (0..n).map(|i| opt(chart.center.get(i))).collect(),
            se: (0..n).map(|i| opt(chart.se.get(i))).collect(),
            lcl: (0..n).map(|i| opt(chart.lcl.get(i))).collect(),
            ucl: (0..n).map(|i| opt(chart.ucl.get(i))).collect(),
            signals,
            y_label: String::new(),
            phase1: (chart.phase1 < n).then_some(chart.phase1),
        }
    }

    /// Render to SVG. Only the first point of each run of consecutive signals gets a
    /// text label (all get a red ring), so long runs stay readable.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] when a per-point vector has the wrong length or a
    /// signal points outside the data.
    pub fn to_svg(&self, lang: Lang) -> Result<String> {
        let n = self.x.len();
        for (name, v) in [
            ("values", &self.values),
            ("center", &self.center),
            ("lcl", &self.lcl),
            ("ucl", &self.ucl),
        ] {
            if v.len() != n {
                return Err(bad_len(name, v.len(), n));
            }
        }
        if !self.se.is_empty() && self.se.len() != n {
            return Err(bad_len("se", self.se.len(), n));
        }
        if let Some(s) = self.signals.iter().find(|s| s.index >= n) {
            return Err(CxError::option(
                "signals",
                format!("signal at point {} of {n}", s.index),
            ));
        }
        let all = [&self.values, &self.center, &self.lcl, &self.ucl]
            .into_iter()
            .flat_map(|v| v.iter().filter_map(|x| *x));
        let (lo, hi) = extent(all).unwrap_or((0.0, 1.0));
        let pad = ((hi - lo) * 0.08).max(1e-9);
        let ticks = nice_ticks(lo - pad, hi + pad, 5);
        let (t0, t1) = (
            ticks.first().copied().unwrap_or(lo),
            ticks.last().copied().unwrap_or(hi),
        );
        let title = tr(lang, &self.title);
        let nsig = self.signals.len();
        let mut svg = Svg::new(
            "control",
            WIDTH,
            HEIGHT,
            title,
            &format!("{n} points, {nsig} {}", tr(lang, "signals")),
        );
        let f = Frame {
            left: 56.0,
            top: 36.0,
            right: 84.0,
            bottom: 44.0,
        };
        let ys = Scale::new(t0, t1, HEIGHT - f.bottom, f.top);
        let step = (WIDTH - f.left - f.right) / n.max(1) as f64;
        let xat = |i: usize| f.left + step * (i as f64 + 0.5);
        svg.y_axis(&f, &ys, &ticks, tr(lang, &self.y_label), false, &fmt_num);
        let xt: Vec<_> = thin(n, 10)
            .into_iter()
            .map(|i| (xat(i), self.x[i].clone()))
            .collect();
        svg.x_axis(&f, &xt, "");
        // zones: shaded ±2σ (lighter) and ±1σ around the centre line
        if !self.se.is_empty() {
            for (k, op) in [(2.0, 0.08), (1.0, 0.10)] {
                let mut pts = Vec::new();
                let mut back = Vec::new();
                for i in 0..n {
                    if let (Some(c), Some(s)) = (self.center[i], self.se[i]) {
                        pts.push((xat(i), ys.at(c + k * s)));
                        back.push((xat(i), ys.at(c - k * s)));
                    }
                }
                back.reverse();
                pts.extend(back);
                svg.polygon(&format!("cx-zone cx-zone-{k}"), &pts, palette::GOOD, op);
            }
        }
        let line = |v: &[Option<f64>]| -> Vec<Option<(f64, f64)>> {
            v.iter()
                .enumerate()
                .map(|(i, y)| y.map(|y| (xat(i), ys.at(y))))
                .collect()
        };
        let step_line = |v: &[Option<f64>]| -> Vec<Option<(f64, f64)>> {
            let mut out = Vec::with_capacity(2 * n);
            for (i, y) in v.iter().enumerate() {
                out.push(y.map(|y| (xat(i) - step / 2.0, ys.at(y))));
                out.push(y.map(|y| (xat(i) + step / 2.0, ys.at(y))));
            }
            out
        };
        if let Some(p) = self.phase1.filter(|p| *p > 0 && *p < n) {
            let x = xat(p) - step / 2.0;
            svg.line(
                "cx-phase",
                x,
                f.top,
                x,
                HEIGHT - f.bottom,
                r##"stroke="#9aa5b1" stroke-dasharray="2 3""##,
            );
            svg.text(
                "cx-phase-label",
                x + 4.0,
                f.top + 10.0,
                "start",
                palette::MUTED,
                10,
                tr(lang, "phase2"),
            );
        }
        let limit = format!(
            r#"stroke="{}" stroke-dasharray="5 3" stroke-width="1.5""#,
            palette::BAD
        );
        svg.path("cx-limit cx-ucl", &step_line(&self.ucl), &limit);
        svg.path("cx-limit cx-lcl", &step_line(&self.lcl), &limit);
        svg.path(
            "cx-center",
            &step_line(&self.center),
            &format!(r#"stroke="{}" stroke-width="1.5""#, palette::GOOD),
        );
        for (v, key) in [
            (&self.ucl, "ucl"),
            (&self.center, "center"),
            (&self.lcl, "lcl"),
        ] {
            if let Some(y) = v.iter().rev().flatten().next() {
                svg.text(
                    "cx-limit-label",
                    WIDTH - f.right + 4.0,
                    ys.at(*y) + 4.0,
                    "start",
                    palette::MUTED,
                    10,
                    &format!("{} {}", tr(lang, key), fmt_num(*y)),
                );
            }
        }
        svg.path(
            "cx-series",
            &line(&self.values),
            &format!(r#"stroke="{}" stroke-width="1.5""#, palette::PRIMARY),
        );
        let flagged: std::collections::BTreeMap<usize, &str> = self
            .signals
            .iter()
            .map(|s| (s.index, s.label.as_str()))
            .collect();
        for (i, v) in self.values.iter().enumerate() {
            let Some(v) = v else { continue };
            let (x, y) = (xat(i), ys.at(*v));
            match flagged.get(&i) {
                Some(label) => {
                    svg.circle(
                        "cx-point cx-signal",
                        x,
                        y,
                        4.0,
                        palette::BAD,
                        &format!(
                            "{} {}: {} ({})",
                            tr(lang, "signal"),
                            self.x[i],
                            fmt_num(*v),
                            label
                        ),
                    );
                    let starts_run = i == 0 || !flagged.contains_key(&(i - 1));
                    if starts_run {
                        svg.text(
                            "cx-annotation",
                            x,
                            y - 9.0,
                            "middle",
                            palette::BAD,
                            10,
                            label,
                        );
                    }
                }
                None => svg.circle(
                    "cx-point",
                    x,
                    y,
                    2.5,
                    palette::PRIMARY,
                    &format!("{}: {}", self.x[i], fmt_num(*v)),
                ),
            }
        }
        Ok(svg.finish())
    }
}
