//! SVG primitives shared by every chart: the canvas with its accessible title,
//! linear scales with "nice" ticks, axes, the palette and the font stack.
//!
//! Output is deterministic: coordinates are printed with one decimal and
//! elements are emitted in data order, so golden tests can compare structure.

use std::fmt::Write;

/// Font stack able to show Chinese on Linux (Noto/Source Han), macOS and Windows.
pub const FONT_STACK: &str = "\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans\",sans-serif";

/// The report palette (one place, so every chart uses the same colours).
pub mod palette {
    /// Text and axes.
    pub const INK: &str = "#1f2933";
    /// Secondary text, tick labels.
    pub const MUTED: &str = "#616e7c";
    /// Grid lines.
    pub const GRID: &str = "#e4e7eb";
    /// Main series.
    pub const PRIMARY: &str = "#2563eb";
    /// Second series, cumulative lines.
    pub const SECONDARY: &str = "#d97706";
    /// Bad news: pain points, signals, breaches.
    pub const BAD: &str = "#dc2626";
    /// Good news: delight points, significant improvements.
    pub const GOOD: &str = "#059669";
    /// Series colours in order.
    pub const SERIES: [&str; 6] = [
        PRIMARY, SECONDARY, "#7c3aed", "#0891b2", "#be185d", "#4d7c0f",
    ];
}

/// Escape text for SVG/HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A linear map from a data domain to a pixel range.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scale {
    pub d0: f64,
    pub d1: f64,
    pub r0: f64,
    pub r1: f64,
}

impl Scale {
    pub fn new(d0: f64, d1: f64, r0: f64, r1: f64) -> Self {
        let (d0, d1) = if d1 > d0 && (d1 - d0).is_finite() {
            (d0, d1)
        } else {
            (d0 - 1.0, d0 + 1.0)
        };
        Self { d0, d1, r0, r1 }
    }
    pub fn at(&self, v: f64) -> f64 {
        self.r0 + (v - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)
    }
}

/// "Nice" tick values covering `[lo, hi]` (Heckbert, *Graphics Gems* I, 1990,
/// "Nice numbers for graph labels"), about `n` of them.
pub(crate) fn nice_ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) {
        return vec![];
    }
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 1.0, lo + 1.0)
    };
    let nice = |x: f64, round: bool| {
        let e = x.log10().floor();
        let f = x / 10f64.powf(e);
        let nf = if round {
            if f < 1.5 {
                1.0
            } else if f < 3.0 {
                2.0
            } else if f < 7.0 {
                5.0
            } else {
                10.0
            }
        } else if f <= 1.0 {
            1.0
        } else if f <= 2.0 {
            2.0
        } else if f <= 5.0 {
            5.0
        } else {
            10.0
        };
        nf * 10f64.powf(e)
    };
    let range = nice(hi - lo, false);
    let step = nice(range / (n.max(2) - 1) as f64, true);
    let start = (lo / step).floor() * step;
    let end = (hi / step).ceil() * step;
    let mut out = Vec::new();
    let mut k = 0.0;
    while start + k * step <= end + step * 1e-9 && out.len() < 50 {
        let v = start + k * step;
        out.push(if v.abs() < step * 1e-9 { 0.0 } else { v });
        k += 1.0;
    }
    out
}

/// Format a tick or value label compactly (no trailing zeros, k/M suffixes).
pub fn fmt_num(v: f64) -> String {
    let a = v.abs();
    if !v.is_finite() {
        return "–".into();
    }
    if a >= 1e6 {
        return trim(format!("{:.1}", v / 1e6)) + "M";
    }
    if a >= 1e4 {
        return trim(format!("{:.1}", v / 1e3)) + "k";
    }
    if a >= 100.0 || a == 0.0 {
        return format!("{v:.0}");
    }
    if a >= 1.0 {
        return trim(format!("{v:.1}"));
    }
    trim(format!("{v:.2}"))
}

fn trim(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Plot-area margins inside the canvas.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
}

/// An SVG document under construction.
pub(crate) struct Svg {
    buf: String,
    pub w: f64,
    pub h: f64,
}

impl Svg {
    /// Open a chart: `kind` goes to `data-chart`, `title` to `<title>` and `aria-label`,
    /// `desc` to `<desc>`; the title is also drawn at the top.
    pub fn new(kind: &str, w: f64, h: f64, title: &str, desc: &str) -> Self {
        let t = esc(title);
        let mut buf = String::with_capacity(4096);
        let _ = write!(
            buf,
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="cx-chart" data-chart="{kind}" role="img" aria-label="{t}" viewBox="0 0 {w:.0} {h:.0}" width="{w:.0}" height="{h:.0}" font-family='{FONT_STACK}' font-size="12"><title>{t}</title><desc>{d}</desc>"#,
            d = esc(desc)
        );
        let _ = write!(
            buf,
            r#"<text class="cx-title" x="12" y="20" font-size="14" font-weight="600" fill="{}">{t}</text>"#,
            palette::INK
        );
        Self { buf, w, h }
    }
    pub fn raw(&mut self, s: &str) {
        self.buf.push_str(s);
    }
    pub fn line(&mut self, class: &str, x1: f64, y1: f64, x2: f64, y2: f64, style: &str) {
        let _ = write!(
            self.buf,
            r#"<line class="{class}" x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" {style}/>"#
        );
    }
    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &mut self,
        class: &str,
        x: f64,
        y: f64,
        anchor: &str,
        fill: &str,
        size: u32,
        s: &str,
    ) {
        let _ = write!(
            self.buf,
            r#"<text class="{class}" x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" fill="{fill}" font-size="{size}">{}</text>"#,
            esc(s)
        );
    }
    #[allow(clippy::too_many_arguments)] // one SVG element's attributes, in SVG order
    pub fn rect(&mut self, class: &str, x: f64, y: f64, w: f64, h: f64, fill: &str, label: &str) {
        let _ = write!(
            self.buf,
            r#"<rect class="{class}" x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{fill}"><title>{}</title></rect>"#,
            w.max(0.0),
            h.max(0.0),
            esc(label)
        );
    }
    pub fn circle(&mut self, class: &str, x: f64, y: f64, r: f64, fill: &str, label: &str) {
        let _ = write!(
            self.buf,
            r#"<circle class="{class}" cx="{x:.1}" cy="{y:.1}" r="{r:.1}" fill="{fill}"><title>{}</title></circle>"#,
            esc(label)
        );
    }
    /// A polyline through the points; `None` breaks the line.
    pub fn path(&mut self, class: &str, pts: &[Option<(f64, f64)>], style: &str) {
        let mut d = String::new();
        let mut pen = false;
        for p in pts {
            match p {
                Some((x, y)) => {
                    let _ = write!(d, "{}{x:.1},{y:.1} ", if pen { "L" } else { "M" });
                    pen = true;
                }
                None => pen = false,
            }
        }
        if !d.is_empty() {
            let _ = write!(
                self.buf,
                r#"<path class="{class}" d="{}" fill="none" {style}/>"#,
                d.trim_end()
            );
        }
    }
    /// A closed filled polygon (interval bands).
    pub fn polygon(&mut self, class: &str, pts: &[(f64, f64)], fill: &str, opacity: f64) {
        if pts.len() < 3 {
            return;
        }
        let mut p = String::new();
        for (x, y) in pts {
            let _ = write!(p, "{x:.1},{y:.1} ");
        }
        let _ = write!(
            self.buf,
            r#"<polygon class="{class}" points="{}" fill="{fill}" fill-opacity="{opacity}" stroke="none"/>"#,
            p.trim_end()
        );
    }
    /// A value axis on the left (or right) with grid lines and tick labels.
    pub fn y_axis(
        &mut self,
        f: &Frame,
        s: &Scale,
        ticks: &[f64],
        label: &str,
        right: bool,
        fmt: &dyn Fn(f64) -> String,
    ) {
        let x = if right { self.w - f.right } else { f.left };
        self.raw(r#"<g class="cx-axis cx-axis-y">"#);
        self.line(
            "cx-axis-line",
            x,
            f.top,
            x,
            self.h - f.bottom,
            &stroke(palette::MUTED),
        );
        for &t in ticks {
            let y = s.at(t);
            if !right {
                self.line(
                    "cx-grid",
                    f.left,
                    y,
                    self.w - f.right,
                    y,
                    &stroke(palette::GRID),
                );
            }
            let (tx, anchor) = if right {
                (x + 5.0, "start")
            } else {
                (x - 5.0, "end")
            };
            self.text("cx-tick", tx, y + 4.0, anchor, palette::MUTED, 11, &fmt(t));
        }
        if !label.is_empty() {
            let lx = if right { self.w - 10.0 } else { 14.0 };
            let ly = (f.top + self.h - f.bottom) / 2.0;
            let _ = write!(
                self.buf,
                r#"<text class="cx-axis-label" x="{lx:.1}" y="{ly:.1}" text-anchor="middle" fill="{}" font-size="11" transform="rotate(-90 {lx:.1} {ly:.1})">{}</text>"#,
                palette::MUTED,
                esc(label)
            );
        }
        self.raw("</g>");
    }
    /// A category or value axis at the bottom: `ticks` are (pixel x, label).
    pub fn x_axis(&mut self, f: &Frame, ticks: &[(f64, String)], label: &str) {
        let y = self.h - f.bottom;
        self.raw(r#"<g class="cx-axis cx-axis-x">"#);
        self.line(
            "cx-axis-line",
            f.left,
            y,
            self.w - f.right,
            y,
            &stroke(palette::MUTED),
        );
        for (x, t) in ticks {
            self.line("cx-tick-mark", *x, y, *x, y + 4.0, &stroke(palette::MUTED));
            self.text("cx-tick", *x, y + 16.0, "middle", palette::MUTED, 11, t);
        }
        if !label.is_empty() {
            let cx = (f.left + self.w - f.right) / 2.0;
            self.text(
                "cx-axis-label",
                cx,
                self.h - 6.0,
                "middle",
                palette::MUTED,
                11,
                label,
            );
        }
        self.raw("</g>");
    }
    pub fn finish(mut self) -> String {
        self.buf.push_str("</svg>");
        self.buf
    }
}

/// `stroke="c"` attribute helper.
pub(crate) fn stroke(c: &str) -> String {
    format!(r#"stroke="{c}" stroke-width="1""#)
}

/// Pick at most `max` evenly spaced indices of `n` categories for tick labels.
pub(crate) fn thin(n: usize, max: usize) -> Vec<usize> {
    if n == 0 {
        return vec![];
    }
    let step = n.div_ceil(max.max(1));
    (0..n).step_by(step.max(1)).collect()
}

/// Finite min and max of the values, if any.
pub(crate) fn extent(vals: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in vals {
        if v.is_finite() {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    (lo <= hi).then_some((lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks_cover_range() {
        assert_eq!(
            nice_ticks(0.0, 100.0, 5),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        let t = nice_ticks(-13.0, 47.0, 5);
        assert!(t[0] <= -13.0 && *t.last().unwrap_or(&0.0) >= 47.0);
        assert!(nice_ticks(5.0, 5.0, 5).len() >= 2);
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn formats_numbers() {
        assert_eq!(fmt_num(12345.0), "12.3k");
        assert_eq!(fmt_num(2.50), "2.5");
        assert_eq!(fmt_num(0.25), "0.25");
        assert_eq!(fmt_num(150.0), "150");
    }
}
