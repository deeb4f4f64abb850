//! Small HTML tables for Jupyter (`_repr_html_`) of Arrow results.

use arrow_array::RecordBatch;
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use cx_core::report::svg::esc;

/// The first `max_rows` rows of `batches` as an HTML table, with a caption.
pub(crate) fn batches_html(caption: &str, batches: &[RecordBatch], max_rows: usize) -> String {
    let mut out = format!("<table><caption>{}</caption>", esc(caption));
    let Some(first) = batches.first() else {
        out.push_str("</table>");
        return out;
    };
    out.push_str("<thead><tr>");
    for f in first.schema().fields() {
        out.push_str(&format!("<th>{}</th>", esc(f.name())));
    }
    out.push_str("</tr></thead><tbody>");
    let opts = FormatOptions::default().with_null("");
    let mut shown = 0;
    let total: usize = batches.iter().map(RecordBatch::num_rows).sum();
    'outer: for b in batches {
        let fmts: Vec<_> = b
            .columns()
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &opts))
            .collect();
        for row in 0..b.num_rows() {
            if shown == max_rows {
                break 'outer;
            }
            out.push_str("<tr>");
            for f in &fmts {
                let cell = match f {
                    Ok(f) => f.value(row).to_string(),
                    Err(_) => "?".to_string(),
                };
                out.push_str(&format!("<td>{}</td>", esc(&cell)));
            }
            out.push_str("</tr>");
            shown += 1;
        }
    }
    out.push_str("</tbody>");
    if total > shown {
        out.push_str(&format!(
            "<tfoot><tr><td colspan=\"{}\">… {} more rows</td></tr></tfoot>",
            first.num_columns(),
            total - shown
        ));
    }
    out.push_str("</table>");
    out
}
