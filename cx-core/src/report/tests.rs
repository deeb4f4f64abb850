//! Golden tests on SVG and HTML structure (elements, classes, labels), not pixels.

use super::*;
use crate::spc::{ChartOptions, RuleSet, xmr};

fn count(s: &str, needle: &str) -> usize {
    s.matches(needle).count()
}

fn accessible(svg: &str, kind: &str) {
    assert!(svg.starts_with("<svg "), "{svg}");
    assert!(svg.ends_with("</svg>"));
    assert!(
        svg.contains(r#"role="img""#) && svg.contains("aria-label=") && svg.contains("<title>")
    );
    assert!(svg.contains(&format!(r#"data-chart="{kind}""#)));
    assert!(svg.contains("Noto Sans CJK SC"));
    assert_eq!(count(svg, "<svg"), 1);
}

fn line() -> LineChart {
    LineChart {
        title: "trends".into(),
        x: vec![
            "2024-01".into(),
            "2024-02".into(),
            "2024-03".into(),
            "2024-04".into(),
        ],
        series: vec![Series {
            name: "nps".into(),
            values: vec![Some(10.0), Some(12.0), None, Some(20.0)],
            low: vec![Some(5.0), Some(7.0), None, Some(15.0)],
            high: vec![Some(15.0), Some(17.0), None, Some(25.0)],
        }],
        markers: vec![Marker {
            series: 0,
            index: 3,
            label: "pain".into(),
            tone: Tone::Bad,
        }],
        x_label: "month".into(),
        y_label: "score".into(),
        reference: Some(0.0),
    }
}

#[test]
fn line_chart_has_axes_points_band_and_marker() -> Result<()> {
    let svg = line().to_svg(Lang::En)?;
    accessible(&svg, "line");
    assert_eq!(count(&svg, r#"class="cx-axis cx-axis-x""#), 1);
    assert_eq!(count(&svg, r#"class="cx-axis cx-axis-y""#), 1);
    assert_eq!(count(&svg, r#"class="cx-point""#), 3, "gap stays a gap");
    // the band is split at the gap: one polygon for points 0–1, one stroke for point 3
    assert_eq!(count(&svg, r#"<polygon class="cx-band""#), 1);
    assert_eq!(count(&svg, r#"<line class="cx-band""#), 1);
    assert_eq!(count(&svg, r#"class="cx-marker cx-bad""#), 1);
    assert!(svg.contains(">Pain point</text>"));
    assert_eq!(count(&svg, "class=\"cx-series\" d=\"M"), 1);
    assert_eq!(count(&svg, " M"), 1, "path restarts after the gap");
    Ok(())
}

#[test]
fn line_chart_rejects_ragged_series() {
    let mut c = line();
    c.series[0].values.pop();
    assert!(matches!(
        c.to_svg(Lang::En),
        Err(CxError::InvalidOption { .. })
    ));
    let mut c = line();
    c.markers[0].index = 9;
    assert!(c.to_svg(Lang::En).is_err());
}

#[test]
fn pareto_sorts_and_marks_vital_few() -> Result<()> {
    let c = ParetoChart {
        title: "pareto".into(),
        categories: vec!["c".into(), "a".into(), "b".into(), "d".into()],
        counts: vec![5.0, 60.0, 25.0, 10.0],
        threshold: 0.8,
        y_label: "count".into(),
    };
    let sorted: Vec<_> = c.sorted().into_iter().map(|d| d.0).collect();
    assert_eq!(sorted, ["a", "b", "d", "c"]);
    let svg = c.to_svg(Lang::Zh)?;
    accessible(&svg, "pareto");
    assert!(svg.contains("投诉原因"));
    assert_eq!(count(&svg, r#"class="cx-bar"#), 4);
    // a starts at 0% and b at 60% (< 80%): vital; d at 85%: not
    assert_eq!(count(&svg, r#"class="cx-bar cx-vital""#), 2);
    assert_eq!(count(&svg, r#"class="cx-cumulative""#), 1);
    assert!(
        svg.contains("<title>a: 60 (60%)</title>") && svg.contains("<title>c: 5 (100%)</title>")
    );
    assert_eq!(count(&svg, r#"class="cx-threshold""#), 1);
    let bad = ParetoChart {
        counts: vec![1.0, -1.0, 0.0, 0.0],
        ..c
    };
    assert!(matches!(
        bad.to_svg(Lang::En),
        Err(CxError::InvalidValue { row: Some(1), .. })
    ));
    Ok(())
}

#[test]
fn quadrant_chart_splits_and_labels() -> Result<()> {
    let c = QuadrantChart {
        title: "kano".into(),
        points: vec![
            Point {
                label: "order_tracking".into(),
                x: 0.7,
                y: 0.3,
                tone: Tone::Neutral,
            },
            Point {
                label: "same_day".into(),
                x: 0.2,
                y: 0.8,
                tone: Tone::Good,
            },
        ],
        x_label: "worse".into(),
        y_label: "better".into(),
        x_split: Some(0.5),
        y_split: Some(0.5),
        quadrants: vec![
            "attractive".into(),
            "one_dimensional".into(),
            "indifferent".into(),
            "must_be".into(),
        ],
        x_range: Some((0.0, 1.0)),
        y_range: Some((0.0, 1.0)),
    };
    let svg = c.to_svg(Lang::En)?;
    accessible(&svg, "quadrant");
    assert_eq!(count(&svg, r#"class="cx-point""#), 2);
    assert_eq!(count(&svg, r#"class="cx-point-label""#), 2);
    assert_eq!(count(&svg, r#"class="cx-split "#), 2);
    assert_eq!(count(&svg, r#"class="cx-quadrant""#), 4);
    assert!(svg.contains(">Must-be</text>"));
    // split at 0.5 of [0, 1] lands mid-plot: x = 56 + (720 − 80)/2
    assert!(svg.contains(r#"class="cx-split cx-split-x" x1="376.0""#));
    let mut bad = c.clone();
    bad.quadrants.pop();
    assert!(bad.to_svg(Lang::En).is_err());
    Ok(())
}

#[test]
fn control_chart_annotates_signal_runs() -> Result<()> {
    let mut x: Vec<f64> = (0..30).map(|i| 10.0 + f64::from(i % 3) * 0.5).collect();
    x.extend((0..12).map(|i| 12.5 + f64::from(i % 2) * 0.2));
    let chart = xmr(&x, ChartOptions::new().rules(RuleSet::Nelson))?;
    let flagged = chart.flags.iter().filter(|f| **f != 0).count();
    assert!(flagged > 0);
    let view = ControlView::from_chart(&chart, "control", vec![]);
    assert_eq!(view.signals.len(), flagged);
    let svg = view.to_svg(Lang::En)?;
    accessible(&svg, "control");
    assert_eq!(count(&svg, r#"class="cx-point cx-signal""#), flagged);
    assert_eq!(count(&svg, r#"class="cx-point""#), x.len() - flagged);
    let runs = (0..x.len())
        .filter(|&i| chart.flags[i] != 0 && (i == 0 || chart.flags[i - 1] == 0))
        .count();
    assert_eq!(count(&svg, r#"class="cx-annotation""#), runs);
    assert!(
        svg.contains(r#"class="cx-limit cx-ucl""#) && svg.contains(r#"class="cx-limit cx-lcl""#)
    );
    assert!(svg.contains(r#"class="cx-center""#));
    assert_eq!(count(&svg, r#"class="cx-zone "#), 2);
    assert!(svg.contains(">N1</text>") || svg.contains(">N2</text>") || svg.contains(">N5</text>"));
    Ok(())
}

#[test]
fn distribution_has_bins_box_and_target() -> Result<()> {
    let c = DistributionChart {
        title: "frt_dist".into(),
        edges: vec![0.0, 10.0, 20.0, 30.0],
        counts: vec![5.0, 3.0, 1.0],
        x_label: "minutes".into(),
        log_x: false,
        summary: Some(BoxSummary {
            low: 0.5,
            q1: 4.0,
            median: 8.0,
            q3: 15.0,
            high: 29.0,
        }),
        lines: vec![
            RefLine {
                value: 15.0,
                label: "target".into(),
            },
            RefLine {
                value: 99.0,
                label: "off".into(),
            },
        ],
    };
    let svg = c.to_svg(Lang::En)?;
    accessible(&svg, "distribution");
    assert_eq!(count(&svg, r#"class="cx-bar""#), 3);
    assert_eq!(count(&svg, r#"class="cx-median""#), 1);
    assert_eq!(
        count(&svg, r#"class="cx-refline""#),
        1,
        "an off-scale line is left out"
    );
    assert!(svg.contains(">Target 15</text>"));
    let bad = DistributionChart {
        edges: vec![0.0, 1.0],
        ..c
    };
    assert!(bad.to_svg(Lang::En).is_err());
    Ok(())
}

#[test]
fn log_axis_places_decades_evenly() -> Result<()> {
    let c = DistributionChart {
        title: "frt_dist".into(),
        edges: vec![1.0, 10.0, 100.0, 1000.0],
        counts: vec![1.0, 2.0, 1.0],
        log_x: true,
        lines: vec![RefLine {
            value: 100.0,
            label: "target".into(),
        }],
        ..DistributionChart::default()
    };
    let svg = c.to_svg(Lang::En)?;
    // three decades over 720 − 56 − 16 = 648 px: one bar per 216 px
    assert!(
        svg.contains(r#"class="cx-bar" x="56.5""#) && svg.contains(r#"class="cx-bar" x="272.5""#)
    );
    assert!(svg.contains(r#"class="cx-refline" x1="488.0""#));
    for t in [">1<", ">10<", ">100<", ">1000<"] {
        assert!(svg.contains(t), "tick {t}");
    }
    let bad = DistributionChart {
        edges: vec![0.0, 1.0, 2.0, 3.0],
        ..c
    };
    assert!(bad.to_svg(Lang::En).is_err());
    Ok(())
}

#[test]
fn funnel_shows_conversion() -> Result<()> {
    let c = FunnelChart {
        title: "funnel".into(),
        stages: vec![
            "created".into(),
            "contacted".into(),
            "resolved".into(),
            "followed_up".into(),
        ],
        counts: vec![200.0, 150.0, 120.0, 60.0],
    };
    let svg = c.to_svg(Lang::Zh)?;
    accessible(&svg, "funnel");
    assert_eq!(count(&svg, r#"class="cx-bar""#), 4);
    assert!(svg.contains(">已回访</text>"));
    assert!(svg.contains(">60 (30%) · 50% ↓</text>"));
    Ok(())
}

#[test]
fn interval_bars_with_target() -> Result<()> {
    let c = IntervalBars {
        title: "sla_by_priority".into(),
        labels: vec!["urgent".into(), "normal".into()],
        values: vec![Some(0.8), Some(0.95)],
        low: vec![Some(0.7), Some(0.9)],
        high: vec![Some(0.88), Some(0.98)],
        percent: true,
        target: Some(0.9),
    };
    let svg = c.to_svg(Lang::En)?;
    accessible(&svg, "bars");
    assert_eq!(count(&svg, r#"class="cx-whisker""#), 2);
    assert!(svg.contains(">95.0%</text>") && svg.contains(">Target 90.0%</text>"));
    Ok(())
}

#[test]
fn charts_round_trip_through_json() -> Result<()> {
    let c = Chart::Line(line());
    let json = serde_json::to_string(&c).map_err(|e| CxError::option("json", e.to_string()))?;
    assert!(json.starts_with(r#"{"kind":"line""#));
    assert_eq!(Chart::from_json(&json)?, c);
    assert!(Chart::from_json(r#"{"kind": "pie"}"#).is_err());
    Ok(())
}

#[test]
fn output_is_deterministic() -> Result<()> {
    assert_eq!(line().to_svg(Lang::En)?, line().to_svg(Lang::En)?);
    Ok(())
}

#[test]
fn report_orders_sections_and_skips_absent_ones() -> Result<()> {
    let mut quality = Section::new(SectionId::Quality);
    quality.tables.push(Table {
        title: "rows_rejected".into(),
        columns: vec!["reason".into(), "count".into()],
        rows: vec![vec!["bad <nps>".into(), "3".into()]],
    });
    let mut kpis = Section::new(SectionId::Kpis);
    kpis.kpis.push(Kpi {
        label: "nps".into(),
        value: Some(23.4),
        low: Some(20.0),
        high: Some(26.8),
        change: Some(-5.0),
        change_p: Some(0.01),
        higher_is_better: true,
        digits: 1,
        ..Kpi::default()
    });
    kpis.kpis.push(Kpi {
        label: "frt_median".into(),
        value: Some(4.0),
        change: Some(1.0),
        change_p: Some(0.4),
        higher_is_better: false,
        digits: 1,
        unit: " min".into(),
        ..Kpi::default()
    });
    let mut trends = Section::new(SectionId::Trends);
    trends.charts.push(Chart::Line(line()));
    let r = Report {
        lang: Lang::Zh,
        sections: vec![quality, trends, kpis],
        ..Report::default()
    };
    let html = r.to_html()?;
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"zh-CN\">"));
    let pos = |s: &str| html.find(s).unwrap_or(usize::MAX);
    assert!(pos(r#"data-section="kpis""#) < pos(r#"data-section="trends""#));
    assert!(pos(r#"data-section="trends""#) < pos(r#"data-section="quality""#));
    assert!(!html.contains(r#"data-section="pareto""#) && !html.contains("#sec-pareto"));
    assert_eq!(count(&html, "<li><a href=\"#sec-"), 3);
    assert!(html.contains("客户体验健康报告") && html.contains("核心指标"));
    assert!(html.contains(r#"class="cx-kpi-change cx-bad" data-significant="true""#));
    assert!(html.contains(r#"class="cx-kpi-change cx-ns" data-significant="false""#));
    assert!(html.contains("bad &lt;nps&gt;"));
    assert!(html.contains("@media print") && html.contains("default-src 'none'"));
    assert!(
        !html.contains("<script") && !html.contains("http://")
            || html.matches("http://").count()
                == count(&html, "xmlns=\"http://www.w3.org/2000/svg\"")
    );
    Ok(())
}
