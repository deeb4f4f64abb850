//! Plain-language summary and a minimal SVG rendering of a control chart.

use std::fmt::Write;

use super::chart::ControlChart;

/// One or two sentences a CX lead can read out in a review (the English wording of
/// [`ControlChart::summary_data`]).
pub(crate) fn summary(c: &ControlChart) -> String {
    c.summary_data().english()
}

impl ControlChart {
    /// A minimal SVG line chart: statistics, centre line and limits, flagged
    /// points in red.
    pub fn to_svg(&self, width: u32, height: u32) -> String {
        let n = self.len();
        let (w, h) = (f64::from(width), f64::from(height));
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for i in 0..n {
            for v in [
                self.statistics[i],
                self.lcl.get(i),
                self.ucl.get(i),
                self.center.get(i),
            ] {
                if v.is_finite() {
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
            }
        }
        if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
            lo -= 1.0;
            hi += 1.0;
        }
        let pad = 10.0;
        let x = |i: usize| pad + (w - 2.0 * pad) * (i as f64 + 0.5) / n.max(1) as f64;
        let y = |v: f64| pad + (h - 2.0 * pad) * (hi - v) / (hi - lo);
        let line = |f: &dyn Fn(usize) -> f64| {
            let mut p = String::new();
            for i in 0..n {
                let v = f(i);
                if v.is_finite() {
                    let _ = write!(p, "{:.1},{:.1} ", x(i), y(v));
                }
            }
            p
        };
        let mut s = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">"#
        );
        for (f, style) in [
            (
                &(|i| self.ucl.get(i)) as &dyn Fn(usize) -> f64,
                r##"stroke="#c0392b" stroke-dasharray="4 3""##,
            ),
            (
                &|i| self.lcl.get(i),
                r##"stroke="#c0392b" stroke-dasharray="4 3""##,
            ),
            (&|i| self.center.get(i), r##"stroke="#27ae60""##),
            (&|i| self.statistics[i], r##"stroke="#2c3e50""##),
        ] {
            let _ = write!(s, r#"<polyline fill="none" {style} points="{}"/>"#, line(f));
        }
        for (i, &f) in self.flags.iter().enumerate() {
            let v = self.statistics[i];
            if f != 0 && v.is_finite() {
                let _ = write!(
                    s,
                    r##"<circle cx="{:.1}" cy="{:.1}" r="3" fill="#e74c3c"/>"##,
                    x(i),
                    y(v)
                );
            }
        }
        s.push_str("</svg>");
        s
    }
}
