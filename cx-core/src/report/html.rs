//! The report page: one self-contained HTML file with inline CSS and SVG.

use std::fmt::Write;

use super::i18n::{Lang, tr};
use super::svg::{FONT_STACK, esc};
use super::{Kpi, Report, Table};
use crate::Result;

/// Level below which a period-over-period change is marked significant.
pub const SIGNIFICANCE: f64 = 0.05;

const CSS: &str = r#"
:root{--ink:#1f2933;--muted:#616e7c;--line:#e4e7eb;--good:#059669;--bad:#dc2626;--primary:#2563eb}
*{box-sizing:border-box}
body{margin:0;font-family:FONTS;color:var(--ink);background:#f8fafc;line-height:1.5}
header.cx-header{padding:24px 32px 8px;background:#fff;border-bottom:1px solid var(--line)}
h1{margin:0 0 4px;font-size:26px}
.cx-subtitle{margin:0;color:var(--muted)}
dl.cx-meta{display:flex;flex-wrap:wrap;gap:4px 24px;margin:8px 0 0;font-size:13px;color:var(--muted)}
dl.cx-meta dt{font-weight:600}dl.cx-meta dd{margin:0 0 0 4px}dl.cx-meta div{display:flex}
nav.cx-toc{padding:8px 32px;background:#fff;border-bottom:1px solid var(--line);font-size:14px}
nav.cx-toc ol{display:flex;flex-wrap:wrap;gap:4px 18px;margin:0;padding:0;list-style:none}
nav.cx-toc a{color:var(--primary);text-decoration:none}
main{max-width:1120px;margin:0 auto;padding:16px 24px 48px}
section.cx-section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin:16px 0}
section.cx-section h2{margin:0 0 12px;font-size:19px}
.cx-kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px}
.cx-kpi{border:1px solid var(--line);border-radius:6px;padding:10px 12px}
.cx-kpi-label{font-size:13px;color:var(--muted)}
.cx-kpi-value{font-size:26px;font-weight:700}
.cx-kpi-ci,.cx-kpi-n,.cx-kpi-note{font-size:12px;color:var(--muted)}
.cx-kpi-change{font-size:13px}
.cx-kpi-change.cx-good{color:var(--good);font-weight:600}.cx-kpi-change.cx-bad{color:var(--bad);font-weight:600}
.cx-kpi-change.cx-ns{color:var(--muted)}
.cx-figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:12px}
figure.cx-figure{margin:0}
figure.cx-figure svg{width:100%;height:auto;display:block}
table.cx-table{border-collapse:collapse;margin:12px 0;font-size:13px}
table.cx-table caption{text-align:left;font-weight:600;padding:4px 0}
table.cx-table th,table.cx-table td{border-bottom:1px solid var(--line);padding:4px 10px;text-align:left}
table.cx-table td.cx-num{text-align:right;font-variant-numeric:tabular-nums}
p.cx-note{color:var(--muted);font-size:13px}
footer{color:var(--muted);font-size:12px;text-align:center;padding:16px}
@media print{
 body{background:#fff;font-size:11pt}
 nav.cx-toc{display:none}
 header.cx-header{border:0;padding:0 0 8px}
 main{max-width:none;padding:0}
 section.cx-section{border:0;padding:0;margin:0 0 12pt;break-inside:avoid-page}
 section.cx-section h2{break-after:avoid}
 figure.cx-figure,.cx-kpi,table.cx-table{break-inside:avoid}
 .cx-figures{grid-template-columns:1fr}
 a{color:inherit;text-decoration:none}
 @page{size:A4;margin:14mm}
}
"#;

fn num(v: f64, digits: u8) -> String {
    format!("{v:.prec$}", prec = usize::from(digits))
}

fn kpi_html(out: &mut String, k: &Kpi, lang: Lang) {
    let label = tr(lang, &k.label);
    let _ = write!(
        out,
        r#"<div class="cx-kpi" data-kpi="{}"><div class="cx-kpi-label">{}</div>"#,
        esc(&k.label),
        esc(label)
    );
    let d = k.digits;
    match k.value.filter(|v| v.is_finite()) {
        Some(v) => {
            let _ = write!(
                out,
                r#"<div class="cx-kpi-value">{}{}</div>"#,
                num(v, d),
                esc(&k.unit)
            );
        }
        None => out.push_str(r#"<div class="cx-kpi-value">–</div>"#),
    }
    match (k.low, k.high) {
        (Some(lo), Some(hi)) if lo.is_finite() && hi.is_finite() => {
            let _ = write!(
                out,
                r#"<div class="cx-kpi-ci">{} [{}, {}]</div>"#,
                esc(tr(lang, "interval")),
                num(lo, d),
                num(hi, d)
            );
        }
        _ => {}
    }
    if let Some(n) = k.n {
        let _ = write!(out, r#"<div class="cx-kpi-n">n = {n}</div>"#);
    }
    if let Some(c) = k.change.filter(|c| c.is_finite()) {
        let sig = k.change_p.is_some_and(|p| p < SIGNIFICANCE);
        if k.change_p.is_none() {
            let _ = write!(
                out,
                r#"<div class="cx-kpi-change cx-ns" data-significant="false">{}{} · {}</div>"#,
                if c > 0.0 { "+" } else { "" },
                num(c, d),
                esc(tr(lang, "change"))
            );
            if !k.note.is_empty() {
                let _ = write!(
                    out,
                    r#"<div class="cx-kpi-note">{}</div>"#,
                    esc(tr(lang, &k.note))
                );
            }
            out.push_str("</div>");
            return;
        }
        let p = k
            .change_p
            .map(|p| {
                if p < 0.001 {
                    "p<0.001".to_string()
                } else {
                    format!("p={p:.3}")
                }
            })
            .unwrap_or_default();
        let (class, arrow) = if !sig {
            ("cx-ns", "")
        } else if (c > 0.0) == k.higher_is_better {
            ("cx-good", if c > 0.0 { "▲ " } else { "▼ " })
        } else {
            ("cx-bad", if c > 0.0 { "▲ " } else { "▼ " })
        };
        let word = tr(
            lang,
            if sig {
                "significant"
            } else {
                "not_significant"
            },
        );
        let _ = write!(
            out,
            r#"<div class="cx-kpi-change {class}" data-significant="{sig}" title="{}">{arrow}{}{} ({p}, {word})</div>"#,
            esc(tr(lang, "change")),
            if c > 0.0 { "+" } else { "" },
            num(c, d)
        );
    }
    if !k.note.is_empty() {
        let _ = write!(
            out,
            r#"<div class="cx-kpi-note">{}</div>"#,
            esc(tr(lang, &k.note))
        );
    }
    out.push_str("</div>");
}

fn looks_numeric(s: &str) -> bool {
    let t = s.trim().trim_end_matches('%');
    !t.is_empty() && t.replace([',', ' '], "").parse::<f64>().is_ok()
}

fn table_html(out: &mut String, t: &Table, lang: Lang) {
    out.push_str(r#"<table class="cx-table">"#);
    if !t.title.is_empty() {
        let _ = write!(out, "<caption>{}</caption>", esc(tr(lang, &t.title)));
    }
    out.push_str("<thead><tr>");
    for c in &t.columns {
        let _ = write!(out, r#"<th scope="col">{}</th>"#, esc(tr(lang, c)));
    }
    out.push_str("</tr></thead><tbody>");
    for r in &t.rows {
        out.push_str("<tr>");
        for c in r {
            let class = if looks_numeric(c) {
                r#" class="cx-num""#
            } else {
                ""
            };
            let _ = write!(out, "<td{class}>{}</td>", esc(tr(lang, c)));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

/// Render a report to one self-contained HTML page.
///
/// Sections appear in the order of [`super::SectionId::ALL`] (sections of the same id keep
/// their input order); a section that is not in `report.sections` is absent from the
/// page and from its table of contents.
///
/// # Errors
/// The first chart whose data do not fit it ([`crate::CxError::InvalidOption`]).
pub fn render_html(report: &Report) -> Result<String> {
    let lang = report.lang;
    let title = if report.title.is_empty() {
        tr(lang, "report_title")
    } else {
        tr(lang, &report.title)
    };
    let mut sections: Vec<_> = report.sections.iter().collect();
    sections.sort_by_key(|s| s.id);
    let mut out = String::with_capacity(256 * 1024);
    let _ = write!(
        out,
        r#"<!DOCTYPE html><html lang="{}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"><meta name="generator" content="cx {}"><title>{}</title><style>{}</style></head><body>"#,
        lang.tag(),
        crate::VERSION,
        esc(title),
        CSS.replace("FONTS", FONT_STACK)
    );
    let _ = write!(out, r#"<header class="cx-header"><h1>{}</h1>"#, esc(title));
    if !report.subtitle.is_empty() {
        let _ = write!(
            out,
            r#"<p class="cx-subtitle">{}</p>"#,
            esc(tr(lang, &report.subtitle))
        );
    }
    if !report.meta.is_empty() {
        out.push_str(r#"<dl class="cx-meta">"#);
        for (k, v) in &report.meta {
            let _ = write!(
                out,
                "<div><dt>{}</dt><dd>{}</dd></div>",
                esc(tr(lang, k)),
                esc(tr(lang, v))
            );
        }
        out.push_str("</dl>");
    }
    out.push_str("</header>");
    let _ = write!(
        out,
        r#"<nav class="cx-toc" aria-label="{}"><ol>"#,
        esc(tr(lang, "contents"))
    );
    let mut seen = Vec::new();
    for s in &sections {
        if !seen.contains(&s.id) {
            seen.push(s.id);
            let _ = write!(
                out,
                r##"<li><a href="#sec-{k}">{}</a></li>"##,
                esc(tr(lang, s.id.key())),
                k = s.id.key()
            );
        }
    }
    out.push_str("</ol></nav><main>");
    let mut first_of = Vec::new();
    for s in sections {
        let k = s.id.key();
        let id = if first_of.contains(&s.id) {
            String::new()
        } else {
            format!(r#" id="sec-{k}""#)
        };
        first_of.push(s.id);
        let _ = write!(
            out,
            r#"<section class="cx-section"{id} data-section="{k}"><h2>{}</h2>"#,
            esc(tr(lang, k))
        );
        if !s.kpis.is_empty() {
            out.push_str(r#"<div class="cx-kpis">"#);
            for kpi in &s.kpis {
                kpi_html(&mut out, kpi, lang);
            }
            out.push_str("</div>");
        }
        if !s.charts.is_empty() {
            out.push_str(r#"<div class="cx-figures">"#);
            for c in &s.charts {
                out.push_str(r#"<figure class="cx-figure">"#);
                out.push_str(&c.to_svg(lang)?);
                out.push_str("</figure>");
            }
            out.push_str("</div>");
        }
        for t in &s.tables {
            table_html(&mut out, t, lang);
        }
        for n in super::notes::render_all(&s.notes, lang)? {
            let _ = write!(out, r#"<p class="cx-note">{}</p>"#, esc(&n));
        }
        out.push_str("</section>");
    }
    let _ = writeln!(
        out,
        "</main><footer>cx {}</footer></body></html>",
        crate::VERSION
    );
    Ok(out)
}
