//! Moments of truth: the seam between journey analysis and key-driver analysis.
//!
//! Moments of truth are the touchpoints whose experience best predicts overall NPS. This
//! module does the journey half: [`ExperienceMatrix::build`] turns touchpoint-tagged ratings
//! into one row per customer and one column per touchpoint, [`ExperienceMatrix::design`] aligns
//! it with each customer's overall outcome (e.g. the relationship-survey NPS) into the
//! row-major `X` and `y` a driver analysis takes, and [`moments_of_truth`] ranks touchpoints by
//! the importance vector the driver analysis returns. The driver analysis itself lives in
//! `cx_core::drivers`.
//!
//! Customers meet only a few touchpoints, so the raw matrix is mostly empty and listwise
//! deletion would leave no rows. [`ExperienceMatrix::design`] therefore centres each column on
//! the touchpoint's mean and fills "not visited" with 0 (the column mean): a driver weight then
//! measures how much a better-than-usual experience *at that touchpoint* goes with a higher
//! outcome.

use std::collections::HashMap;

use super::analysis::Unknown;
use super::map::{Index, Journey};
use crate::error::{CxError, Result};

/// One row per customer, one column per touchpoint (journey order): the customer's mean
/// rating at the touchpoint, NaN where they left none.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ExperienceMatrix {
    /// Customer ids, in order of first appearance.
    pub customers: Vec<String>,
    /// Touchpoint ids, in journey order.
    pub touchpoints: Vec<String>,
    /// Row-major `customers × touchpoints` means (NaN = not visited).
    pub values: Vec<f64>,
    /// Row-major number of ratings behind each cell.
    pub counts: Vec<u32>,
    /// Rows left out: missing customer or rating, or an unknown touchpoint under
    /// [`Unknown::Count`].
    pub n_skipped: u64,
}

/// Driver columns (one per touchpoint), `y` and their customers, ready for a driver analysis
/// such as `cx_core::drivers::analyze(Column::new("nps", &y), &columns, ..)`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DriverDesign {
    /// Customers of the rows.
    pub customers: Vec<String>,
    /// Touchpoints of the columns (those with at least two distinct experiences among the
    /// kept customers; a constant column carries no information and breaks a regression).
    pub touchpoints: Vec<String>,
    /// One column per touchpoint: the centred experience (0 = not visited or at the
    /// touchpoint's mean).
    pub columns: Vec<Vec<f64>>,
    /// Outcome per row.
    pub y: Vec<f64>,
    /// Touchpoints left out as constant among the kept customers.
    pub dropped_touchpoints: Vec<String>,
    /// Customers of the matrix without an outcome (left out).
    pub n_without_outcome: u64,
}

impl ExperienceMatrix {
    /// Build the matrix from parallel columns (ratings NaN = missing).
    ///
    /// # Errors
    /// [`CxError::LengthMismatch`]; [`CxError::InvalidValue`] (field `touchpoint`, row, value)
    /// for a touchpoint the journey does not know under [`Unknown::Error`], or (field `score`)
    /// for an infinite rating.
    /// # Examples
    /// ```
    /// use cx_core::journey::{ExperienceMatrix, Journey, Unknown};
    /// let j = Journey::from_json(r#"{"name":"j","stages":[{"id":"s","name":"S","touchpoints":[
    ///   {"id":"a","name":"A","channel":"in_app"},{"id":"b","name":"B","channel":"phone"}]}]}"#)?;
    /// let m = ExperienceMatrix::build(&j, &[Some("u1"), Some("u1"), Some("u2")],
    ///     &[Some("a"), Some("a"), Some("b")], &[8.0, 10.0, 3.0], Unknown::Error)?;
    /// assert_eq!(m.values[0], 9.0);
    /// assert!(m.values[1].is_nan());
    /// # Ok::<(), cx_core::CxError>(())
    /// ```
    pub fn build(
        journey: &Journey,
        customers: &[Option<&str>],
        touchpoints: &[Option<&str>],
        scores: &[f64],
        unknown: Unknown,
    ) -> Result<Self> {
        for (what, l) in [("touchpoint", touchpoints.len()), ("score", scores.len())] {
            if l != customers.len() {
                return Err(CxError::LengthMismatch {
                    what: what.into(),
                    expected: customers.len(),
                    got: l,
                });
            }
        }
        let index = Index::new(journey);
        let p = index.touchpoints.len();
        let mut rows: HashMap<&str, usize> = HashMap::new();
        let mut ids: Vec<String> = Vec::new();
        let mut sums: Vec<f64> = Vec::new();
        let mut counts: Vec<u32> = Vec::new();
        let mut n_skipped = 0u64;
        for (row, ((c, t), &s)) in customers.iter().zip(touchpoints).zip(scores).enumerate() {
            if s.is_infinite() {
                return Err(CxError::invalid("score", Some(row), s, "must be finite"));
            }
            let col = t.and_then(|t| index.tp_pos.get(t.trim()).copied());
            let col = match (col, t, unknown) {
                (Some(col), _, _) => col,
                (None, Some(v), Unknown::Error) => {
                    return Err(CxError::invalid(
                        "touchpoint",
                        Some(row),
                        v,
                        "not a touchpoint of the journey",
                    ));
                }
                _ => {
                    n_skipped += 1;
                    continue;
                }
            };
            let (Some(c), false) = (*c, s.is_nan()) else {
                n_skipped += 1;
                continue;
            };
            let r = *rows.entry(c).or_insert_with(|| {
                ids.push(c.to_owned());
                sums.extend(std::iter::repeat_n(0.0, p));
                counts.extend(std::iter::repeat_n(0, p));
                ids.len() - 1
            });
            sums[r * p + col] += s;
            counts[r * p + col] += 1;
        }
        let values = sums
            .iter()
            .zip(&counts)
            .map(|(&s, &n)| if n == 0 { f64::NAN } else { s / f64::from(n) })
            .collect();
        Ok(Self {
            customers: ids,
            touchpoints: index
                .touchpoints
                .iter()
                .map(|(_, t)| t.id.to_string())
                .collect(),
            values,
            counts,
            n_skipped,
        })
    }

    /// Align with an outcome per customer (`outcome_customers[i]` has `outcome[i]`; NaN =
    /// missing; the last value of a repeated customer wins) and centre each column on its
    /// mean over the kept rows, 0 where not visited; constant columns are left out.
    ///
    /// # Errors
    /// [`CxError::LengthMismatch`]; [`CxError::EmptyInput`] when no customer has an outcome.
    pub fn design(&self, outcome_customers: &[&str], outcome: &[f64]) -> Result<DriverDesign> {
        if outcome.len() != outcome_customers.len() {
            return Err(CxError::LengthMismatch {
                what: "outcome".into(),
                expected: outcome_customers.len(),
                got: outcome.len(),
            });
        }
        let y_of: HashMap<&str, f64> = outcome_customers
            .iter()
            .zip(outcome)
            .filter(|(_, y)| !y.is_nan())
            .map(|(&c, &y)| (c, y))
            .collect();
        let p = self.touchpoints.len();
        let keep: Vec<(usize, f64)> = self
            .customers
            .iter()
            .enumerate()
            .filter_map(|(r, c)| y_of.get(c.as_str()).map(|&y| (r, y)))
            .collect();
        if keep.is_empty() {
            return Err(CxError::EmptyInput {
                what: "customers with an outcome".into(),
            });
        }
        let mut touchpoints = Vec::new();
        let mut columns = Vec::new();
        let mut dropped = Vec::new();
        for (j, id) in self.touchpoints.iter().enumerate() {
            let cells: Vec<f64> = keep.iter().map(|&(r, _)| self.values[r * p + j]).collect();
            let seen: Vec<f64> = cells.iter().copied().filter(|v| !v.is_nan()).collect();
            let constant = seen.windows(2).all(|w| w[0] == w[1]);
            if constant {
                dropped.push(id.clone());
                continue;
            }
            let mean = seen.iter().sum::<f64>() / seen.len() as f64;
            columns.push(
                cells
                    .iter()
                    .map(|&v| if v.is_nan() { 0.0 } else { v - mean })
                    .collect(),
            );
            touchpoints.push(id.clone());
        }
        Ok(DriverDesign {
            customers: keep
                .iter()
                .map(|&(r, _)| self.customers[r].clone())
                .collect(),
            touchpoints,
            columns,
            y: keep.iter().map(|&(_, y)| y).collect(),
            dropped_touchpoints: dropped,
            n_without_outcome: (self.customers.len() - keep.len()) as u64,
        })
    }
}

/// A moment of truth: a touchpoint and its share of the explained outcome.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MomentOfTruth {
    /// Touchpoint id.
    pub touchpoint_id: String,
    /// Importance from the driver analysis (e.g. the Shapley/LMG share of R²).
    pub importance: f64,
    /// `importance / Σ importance` (0–1).
    pub share: f64,
    /// 1 = most important.
    pub rank: usize,
}

/// Rank touchpoints by an importance vector from a driver analysis and keep the smallest set
/// whose cumulative share reaches `cumulative_share` (like the vital few of a Pareto chart;
/// 1.0 keeps all). Negative importances count as 0 in the shares.
///
/// # Errors
/// [`CxError::LengthMismatch`]; [`CxError::InvalidValue`] (field `importance`, position) for
/// NaN; [`CxError::InvalidOption`] unless `0 < cumulative_share ≤ 1`.
/// # Examples
/// ```
/// let m = cx_core::journey::moments_of_truth(
///     &["a".into(), "b".into(), "c".into()], &[0.1, 0.6, 0.3], 0.8)?;
/// assert_eq!(m.iter().map(|m| m.touchpoint_id.as_str()).collect::<Vec<_>>(), ["b", "c"]);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn moments_of_truth(
    touchpoints: &[String],
    importance: &[f64],
    cumulative_share: f64,
) -> Result<Vec<MomentOfTruth>> {
    if importance.len() != touchpoints.len() {
        return Err(CxError::LengthMismatch {
            what: "importance".into(),
            expected: touchpoints.len(),
            got: importance.len(),
        });
    }
    if !(cumulative_share > 0.0 && cumulative_share <= 1.0) {
        return Err(CxError::option(
            "cumulative_share",
            format!("must lie in (0, 1], got {cumulative_share}"),
        ));
    }
    if let Some(i) = importance.iter().position(|v| v.is_nan()) {
        return Err(CxError::invalid(
            "importance",
            Some(i),
            f64::NAN,
            "must not be NaN",
        ));
    }
    let total: f64 = importance.iter().map(|v| v.max(0.0)).sum();
    let mut order: Vec<usize> = (0..touchpoints.len()).collect();
    order.sort_by(|&a, &b| importance[b].total_cmp(&importance[a]).then(a.cmp(&b)));
    let mut out = Vec::new();
    let mut cum = 0.0;
    for (rank, &i) in order.iter().enumerate() {
        let share = if total > 0.0 {
            importance[i].max(0.0) / total
        } else {
            0.0
        };
        out.push(MomentOfTruth {
            touchpoint_id: touchpoints[i].clone(),
            importance: importance[i],
            share,
            rank: rank + 1,
        });
        cum += share;
        if cum >= cumulative_share - 1e-12 {
            break;
        }
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn matrix_and_design() {
        let j = Journey::from_json(
            r#"{"name":"j","stages":[{"id":"s","name":"S","touchpoints":[
            {"id":"a","name":"A","channel":"in_app"},{"id":"b","name":"B","channel":"phone"}]}]}"#,
        )
        .unwrap();
        let c = [Some("u1"), Some("u2"), Some("u2"), Some("u3"), None];
        let t = [Some("a"), Some("a"), Some("b"), Some("b"), Some("a")];
        let s = [8.0, 6.0, 4.0, f64::NAN, 1.0];
        let m = ExperienceMatrix::build(&j, &c, &t, &s, Unknown::Error).unwrap();
        assert_eq!(m.customers, ["u1", "u2"]);
        assert_eq!(m.n_skipped, 2);
        let d = m.design(&["u2", "u1", "u9"], &[5.0, 9.0, 1.0]).unwrap();
        // column a: 8, 6 → mean 7 → +1, −1; column b: only u2 visited → constant, dropped.
        assert_eq!(d.columns, [vec![1.0, -1.0]]);
        assert_eq!(d.dropped_touchpoints, ["b"]);
        assert_eq!(d.y, [9.0, 5.0]);
        assert!(ExperienceMatrix::build(&j, &c, &[Some("zz"); 5], &s, Unknown::Error).is_err());
        assert!(moments_of_truth(&["a".into()], &[f64::NAN], 1.0).is_err());
        assert_eq!(
            moments_of_truth(&["a".into()], &[0.0], 1.0).unwrap().len(),
            1
        );
    }
}
