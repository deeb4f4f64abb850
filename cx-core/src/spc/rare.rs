//! Rare-event charts: g (opportunities between events) and t (time between events).
//!
//! # Formula
//! * g chart: gᵢ = number of cases (opportunities) between consecutive events,
//!   geometric on {0, 1, …} with p = 1/(ḡ + 1): centre ḡ, σ = √(ḡ(ḡ + 1)),
//!   limits ḡ ± k·σ with LCL ≥ 0. Probability limits use the geometric
//!   quantile `⌈ln(1 − q)/ln(1 − p)⌉ − 1` (Benneyan 2001). (qcc 3.0's `type =
//!   "g"` uses σ = √(ḡ(ḡ − 1)), the {1, 2, …} parameterisation, and its
//!   n-sigma branch is broken; cx follows Benneyan.)
//! * t chart: times tᵢ are transformed to yᵢ = tᵢ^(1/3.6), which makes
//!   Weibull/exponential times nearly normal; an individuals chart (MR/d2) is
//!   built on y and centre and limits are transformed back (x ↦ x^3.6, LCL ≥ 0).
//!   Statistics are the raw times; zones and rules are judged on the y scale
//!   (the chart's `se` is on that scale).
//!
//! # Reference
//! Benneyan, J.C. (2001), "Number-between g-type statistical quality control
//! charts for monitoring adverse events", *Health Care Management Science*
//! 4(4), 305–318; Nelson, L.S. (1994), "A control chart for parts-per-million
//! nonconforming items", *JQT* 26(3), 239–240; Montgomery (2013), §7.3.5.

use super::chart::{
    Calib, ChartKind, ChartOptions, ControlChart, Model, PerPoint, PointLimits, build,
};
use super::variables::xmr;
use crate::{CxError, Result};

struct G<'a> {
    g: &'a [f64],
    w: f64,
    conf: Option<f64>,
}

impl Model for G<'_> {
    fn kind(&self) -> ChartKind {
        ChartKind::G
    }
    fn statistics(&self) -> &[f64] {
        self.g
    }
    fn uniform(&self) -> bool {
        true
    }
    fn estimate(&self, calib: &Calib) -> Result<(f64, f64)> {
        let calib = &calib.indices();
        let v: Vec<f64> = calib
            .iter()
            .map(|&i| self.g[i])
            .filter(|x| !x.is_nan())
            .collect();
        if v.is_empty() {
            return Err(CxError::TooFewObservations {
                what: "g chart".into(),
                min: 1,
                got: 0,
            });
        }
        let m = v.iter().sum::<f64>() / v.len() as f64;
        Ok((m, (m * (m + 1.0)).sqrt()))
    }
    fn limits(&self, _i: usize, center: f64, _sigma: f64) -> Result<PointLimits> {
        // σ follows the centre (also a known one), as for p and c charts.
        let se = (center * (center + 1.0)).sqrt();
        let (lcl, ucl) = match self.conf {
            None => ((center - self.w * se).max(0.0), center + self.w * se),
            Some(c) => {
                let p = 1.0 / (center + 1.0);
                let q = |a: f64| {
                    if p >= 1.0 {
                        0.0
                    } else {
                        ((1.0 - a).ln() / (1.0 - p).ln()).ceil().max(1.0) - 1.0
                    }
                };
                (q((1.0 - c) / 2.0), q(1.0 - (1.0 - c) / 2.0))
            }
        };
        Ok(PointLimits {
            center,
            se,
            lcl,
            ucl,
        })
    }
    fn sigma_method(&self) -> String {
        "geometric sqrt(g(g+1))".into()
    }
}

/// g chart of counts of opportunities between events.
///
/// # Formula
/// See the module docs.
/// # Reference
/// Benneyan (2001).
/// # Errors
/// [`CxError::InvalidValue`] for negative or non-finite counts.
/// # Examples
/// ```
/// use cx_core::spc::{g_chart, ChartOptions};
/// let c = g_chart(&[12.0, 30.0, 8.0, 45.0, 20.0], ChartOptions::new())?;
/// assert_eq!(c.center.get(0), 23.0);
/// assert!((c.ucl.get(0) - (23.0 + 3.0 * (23.0f64 * 24.0).sqrt())).abs() < 1e-12);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn g_chart<'a>(between: &[f64], opts: impl Into<ChartOptions<'a>>) -> Result<ControlChart> {
    let opts = opts.into();
    for (i, &g) in between.iter().enumerate() {
        if !g.is_nan() && (!g.is_finite() || g < 0.0) {
            return Err(CxError::invalid(
                "data",
                Some(i),
                g,
                "counts between events must be non-negative",
            ));
        }
    }
    if opts.sigma.is_some() {
        return Err(CxError::option(
            "sigma",
            "a g chart takes sigma from its centre",
        ));
    }
    build(
        &G {
            g: between,
            w: opts.width(),
            conf: opts.confidence,
        },
        &opts,
        None,
    )
}

/// The t-chart power: y = t^(1/3.6) (Nelson 1994).
const POWER: f64 = 3.6;

/// t chart of times between events (power-transformed individuals chart).
///
/// # Formula
/// See the module docs.
/// # Reference
/// Nelson (1994); Montgomery (2013), §7.3.5.
/// # Errors
/// [`CxError::InvalidValue`] for negative or non-finite times; as [`xmr`].
/// # Examples
/// ```
/// use cx_core::spc::{t_chart, ChartOptions};
/// let c = t_chart(&[3.0, 10.0, 1.5, 7.0, 22.0, 4.0, 9.0], ChartOptions::new())?;
/// assert!(c.lcl.get(0) >= 0.0 && c.ucl.get(0) > 22.0);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn t_chart<'a>(times: &[f64], opts: impl Into<ChartOptions<'a>>) -> Result<ControlChart> {
    let opts = opts.into();
    for (i, &t) in times.iter().enumerate() {
        if !t.is_nan() && (!t.is_finite() || t < 0.0) {
            return Err(CxError::invalid(
                "data",
                Some(i),
                t,
                "times between events must be non-negative",
            ));
        }
    }
    let y: Vec<f64> = times.iter().map(|t| t.powf(1.0 / POWER)).collect();
    let mut o = opts;
    o.center = opts.center.map(|c| c.powf(1.0 / POWER));
    let mut c = xmr(&y, o)?;
    let n = c.len();
    let back = |p: &PerPoint, floor: bool| -> PerPoint {
        let f = |v: f64| {
            if floor {
                v.max(0.0).powf(POWER)
            } else {
                v.powf(POWER)
            }
        };
        match p {
            PerPoint::Constant(v) => PerPoint::Constant(f(*v)),
            PerPoint::Varying(v) => PerPoint::Varying(v.iter().map(|&x| f(x)).collect()),
            #[allow(unreachable_patterns)]
            other => PerPoint::Varying(other.to_vec(n).into_iter().map(f).collect()),
        }
    };
    c.center = back(&c.center, false);
    c.lcl = back(&c.lcl, true);
    c.ucl = back(&c.ucl, false);
    c.statistics = times.to_vec();
    c.kind = ChartKind::T;
    c.sigma_method = format!("MR on t^(1/{POWER})");
    c.secondary = None;
    Ok(c)
}
