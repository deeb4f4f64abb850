//! Customer paths from per-customer event sequences: transition counts, top paths,
//! drop-off per stage and the node/link data of a Sankey diagram.
//!
//! Each event is `(customer, time, node)`, where a node is a touchpoint id or a stage id of
//! the journey (looked up as a touchpoint first, then as a stage) or, without a journey, any
//! label. A customer's events are ordered by time; ties keep their input order. Consecutive
//! repeats are kept (a customer who rates the app twice has the transition app → app), so the
//! transitions of a customer with `e` events number `e − 1` and all transitions sum to
//! `events − customers`.

use std::collections::HashMap;

use super::analysis::Unknown;
use super::map::{Index, Journey};
use crate::error::{CxError, Result};

/// Level of the path nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PathLevel {
    /// Nodes as given (default).
    #[default]
    Touchpoint,
    /// Nodes mapped to their stage id (needs a journey).
    Stage,
}

impl std::str::FromStr for PathLevel {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "touchpoint" => Ok(PathLevel::Touchpoint),
            "stage" => Ok(PathLevel::Stage),
            other => Err(CxError::option(
                "level",
                format!("must be one of {{touchpoint, stage}}, got {other:?}"),
            )),
        }
    }
}

/// Options of [`paths`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PathOptions {
    /// How many of the most frequent paths to return (default 10).
    pub top: usize,
    /// Steps of the Sankey diagram: paths are cut after this many nodes (default 5).
    pub max_steps: usize,
    /// Events at a node the journey does not know (default: error).
    pub unknown: Unknown,
    /// Node level (default: touchpoint, as given).
    pub level: PathLevel,
}

impl Default for PathOptions {
    fn default() -> Self {
        Self {
            top: 10,
            max_steps: 5,
            unknown: Unknown::Error,
            level: PathLevel::Touchpoint,
        }
    }
}

impl PathOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Set the number of top paths.
    pub fn top(mut self, top: usize) -> Self {
        self.top = top;
        self
    }
    /// Set the number of Sankey steps.
    pub fn max_steps(mut self, n: usize) -> Self {
        self.max_steps = n;
        self
    }
    /// Set the handling of unknown nodes.
    pub fn unknown(mut self, u: Unknown) -> Self {
        self.unknown = u;
        self
    }
    /// Set the node level.
    pub fn level(mut self, level: PathLevel) -> Self {
        self.level = level;
        self
    }
}

/// A transition `from → to` between consecutive events of one customer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Transition {
    /// Source node.
    pub from: String,
    /// Target node.
    pub to: String,
    /// Number of times it occurs.
    pub count: u64,
}

/// A whole customer path and how many customers took it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PathCount {
    /// The nodes in order.
    pub nodes: Vec<String>,
    /// Number of customers.
    pub count: u64,
    /// Share of all customers (0–1).
    pub share: f64,
}

/// Drop-off at one stage.
///
/// A customer *reaches* stage `k` when their furthest stage (in journey order) is `k` or
/// later, and *drops off* at `k` when their furthest stage is `k`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StageDropOff {
    /// Stage id.
    pub stage_id: String,
    /// Display name.
    pub name: String,
    /// Customers with at least one event in the stage.
    pub visited: u64,
    /// Customers whose furthest stage is this one or a later one.
    pub reached: u64,
    /// Customers whose furthest stage is this one.
    pub dropped: u64,
    /// `dropped / reached` (`None` when nobody reached the stage).
    pub drop_off_rate: Option<f64>,
}

/// A node of the Sankey diagram: a node at a step of the paths.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SankeyNode {
    /// Step (0 = first event).
    pub step: usize,
    /// Node id (touchpoint or stage).
    pub id: String,
    /// Display name (the journey's, else the id).
    pub label: String,
    /// Customers at this node at this step.
    pub count: u64,
}

/// A link of the Sankey diagram between nodes of consecutive steps (indices into `nodes`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SankeyLink {
    /// Index of the source node.
    pub source: usize,
    /// Index of the target node.
    pub target: usize,
    /// Customers going from source to target.
    pub value: u64,
}

/// Result of [`paths`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PathAnalysis {
    /// Events used (matched).
    pub n_events: u64,
    /// Customers with at least one used event.
    pub n_customers: u64,
    /// Events left out under [`Unknown::Count`].
    pub n_unmatched: u64,
    /// Transition counts, most frequent first (ties by `from`, then `to`).
    pub transitions: Vec<Transition>,
    /// The `top` most frequent whole paths (ties by path).
    pub top_paths: Vec<PathCount>,
    /// Number of distinct paths.
    pub n_distinct_paths: u64,
    /// Drop-off per stage in journey order (`None` without a journey).
    pub drop_off: Option<Vec<StageDropOff>>,
    /// Sankey nodes, by step then by count (descending).
    pub sankey_nodes: Vec<SankeyNode>,
    /// Sankey links between consecutive steps.
    pub sankey_links: Vec<SankeyLink>,
}

/// Paths of customers through a journey.
///
/// `customers`, `times` (any integer clock: epoch seconds, nanoseconds...) and `nodes` are
/// parallel columns. See the [module documentation](self) for ordering and counting.
///
/// # Errors
/// [`CxError::LengthMismatch`] for columns of different lengths; [`CxError::MissingField`]
/// (field `customer` or `touchpoint`, row) for a missing customer or node;
/// [`CxError::InvalidValue`] (field `touchpoint`, row, value) for a node the journey does not
/// know under [`Unknown::Error`]; [`CxError::InvalidOption`] for `level = stage` without a
/// journey or `max_steps = 0`.
/// # Examples
/// ```
/// use cx_core::journey::paths::{paths, PathOptions};
/// let cust = [Some("u1"), Some("u1"), Some("u2"), Some("u1")];
/// let time = [1, 2, 1, 3];
/// let node = [Some("ad"), Some("app"), Some("ad"), Some("pay")];
/// let p = paths(None, &cust, &time, &node, PathOptions::new())?;
/// assert_eq!(p.transitions.len(), 2);
/// assert_eq!(p.top_paths[1].nodes, ["ad", "app", "pay"]); // ties: by path
/// assert_eq!(p.n_events - p.n_customers, 2);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn paths(
    journey: Option<&Journey>,
    customers: &[Option<&str>],
    times: &[i64],
    nodes: &[Option<&str>],
    opts: PathOptions,
) -> Result<PathAnalysis> {
    for (what, l) in [("time", times.len()), ("touchpoint", nodes.len())] {
        if l != customers.len() {
            return Err(CxError::LengthMismatch {
                what: what.into(),
                expected: customers.len(),
                got: l,
            });
        }
    }
    if opts.max_steps == 0 {
        return Err(CxError::option("max_steps", "must be at least 1"));
    }
    if opts.level == PathLevel::Stage && journey.is_none() {
        return Err(CxError::option("level", "\"stage\" needs a journey"));
    }
    let index = journey.map(Index::new);

    // Node codes; with a journey each code also has a stage position.
    let mut codes: HashMap<&str, u32> = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    let mut stage_of: Vec<Option<usize>> = Vec::new();
    let mut by_customer: HashMap<&str, Vec<(i64, usize, u32)>> = HashMap::new();
    let mut customer_order: Vec<&str> = Vec::new();
    let mut n_unmatched = 0u64;
    for (row, (&c, &node)) in customers.iter().zip(nodes).enumerate() {
        let Some(node) = node.map(str::trim) else {
            if opts.unknown == Unknown::Count {
                n_unmatched += 1;
                continue;
            }
            return Err(CxError::MissingField {
                field: "touchpoint".into(),
                row: Some(row),
            });
        };
        let (key, label, stage): (&str, &str, Option<usize>) = match (&index, journey) {
            (Some(ix), Some(j)) => {
                let hit = ix
                    .tp_pos
                    .get(node)
                    .map(|&p| (ix.stage_of(p), Some(p)))
                    .or_else(|| ix.stage_pos.get(node).map(|&s| (s, None)));
                match hit {
                    None if opts.unknown == Unknown::Count => {
                        n_unmatched += 1;
                        continue;
                    }
                    None => {
                        return Err(CxError::invalid(
                            "touchpoint",
                            Some(row),
                            node,
                            "neither a touchpoint nor a stage of the journey (pass unknown=\"count\" to count such events instead)",
                        ));
                    }
                    Some((s, tp)) => match (opts.level, tp) {
                        (PathLevel::Stage, _) | (_, None) => {
                            (j.stages[s].id.as_str(), j.stages[s].name.as_str(), Some(s))
                        }
                        (PathLevel::Touchpoint, Some(p)) => {
                            let t = ix.touchpoints[p].1;
                            (t.id.as_str(), t.name.as_str(), Some(s))
                        }
                    },
                }
            }
            _ => (node, node, None),
        };
        let Some(c) = c else {
            return Err(CxError::MissingField {
                field: "customer".into(),
                row: Some(row),
            });
        };
        let code = *codes.entry(key).or_insert_with(|| {
            names.push(key.to_owned());
            labels.push(label.to_owned());
            stage_of.push(stage);
            (names.len() - 1) as u32
        });
        by_customer
            .entry(c)
            .or_insert_with(|| {
                customer_order.push(c);
                Vec::new()
            })
            .push((times[row], row, code));
    }

    let mut seqs: Vec<Vec<u32>> = Vec::with_capacity(customer_order.len());
    for c in &customer_order {
        if let Some(mut ev) = by_customer.remove(c) {
            ev.sort_unstable_by_key(|&(t, row, _)| (t, row));
            seqs.push(ev.into_iter().map(|(_, _, code)| code).collect());
        }
    }
    let n_events: u64 = seqs.iter().map(|s| s.len() as u64).sum();
    let n_customers = seqs.len() as u64;

    // Transitions.
    let mut trans: HashMap<(u32, u32), u64> = HashMap::new();
    for s in &seqs {
        for w in s.windows(2) {
            *trans.entry((w[0], w[1])).or_default() += 1;
        }
    }
    let name = |c: u32| names[c as usize].clone();
    let mut transitions: Vec<Transition> = trans
        .into_iter()
        .map(|((a, b), count)| Transition {
            from: name(a),
            to: name(b),
            count,
        })
        .collect();
    transitions.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.from.cmp(&b.from))
            .then_with(|| a.to.cmp(&b.to))
    });

    // Whole paths.
    let mut path_counts: HashMap<&[u32], u64> = HashMap::new();
    for s in &seqs {
        *path_counts.entry(s.as_slice()).or_default() += 1;
    }
    let n_distinct_paths = path_counts.len() as u64;
    // Sort on codes, comparing names without allocating; name only the top paths.
    let mut all_paths: Vec<(&[u32], u64)> = path_counts.into_iter().collect();
    let by_name = |a: &[u32], b: &[u32]| {
        a.iter()
            .map(|&c| names[c as usize].as_str())
            .cmp(b.iter().map(|&c| names[c as usize].as_str()))
    };
    all_paths.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| by_name(a.0, b.0)));
    let top_paths = all_paths
        .into_iter()
        .take(opts.top)
        .map(|(nodes, count)| PathCount {
            nodes: nodes.iter().map(|&c| name(c)).collect(),
            count,
            share: count as f64 / n_customers as f64,
        })
        .collect();

    let drop_off = journey.map(|j| drop_off(j, &seqs, &stage_of));
    let (sankey_nodes, sankey_links) = sankey(&seqs, &names, &labels, opts.max_steps);
    Ok(PathAnalysis {
        n_events,
        n_customers,
        n_unmatched,
        transitions,
        top_paths,
        n_distinct_paths,
        drop_off,
        sankey_nodes,
        sankey_links,
    })
}

fn drop_off(j: &Journey, seqs: &[Vec<u32>], stage_of: &[Option<usize>]) -> Vec<StageDropOff> {
    let k = j.stages.len();
    let mut visited = vec![0u64; k];
    let mut furthest = vec![0u64; k];
    let mut seen = vec![false; k];
    for s in seqs {
        seen.iter_mut().for_each(|v| *v = false);
        let mut far = None;
        for &c in s {
            if let Some(st) = stage_of[c as usize] {
                seen[st] = true;
                far = far.max(Some(st));
            }
        }
        for (v, &hit) in visited.iter_mut().zip(&seen) {
            *v += u64::from(hit);
        }
        if let Some(f) = far {
            furthest[f] += 1;
        }
    }
    let mut reached = 0u64;
    let mut out: Vec<StageDropOff> = Vec::with_capacity(k);
    for st in (0..k).rev() {
        reached += furthest[st];
        out.push(StageDropOff {
            stage_id: j.stages[st].id.to_string(),
            name: j.stages[st].name.clone(),
            visited: visited[st],
            reached,
            dropped: furthest[st],
            drop_off_rate: (reached > 0).then(|| furthest[st] as f64 / reached as f64),
        });
    }
    out.reverse();
    out
}

fn sankey(
    seqs: &[Vec<u32>],
    names: &[String],
    labels: &[String],
    max_steps: usize,
) -> (Vec<SankeyNode>, Vec<SankeyLink>) {
    let mut node_count: HashMap<(usize, u32), u64> = HashMap::new();
    let mut link_count: HashMap<((usize, u32), u32), u64> = HashMap::new();
    for s in seqs {
        let s = &s[..s.len().min(max_steps)];
        for (step, &c) in s.iter().enumerate() {
            *node_count.entry((step, c)).or_default() += 1;
        }
        for (step, w) in s.windows(2).enumerate() {
            *link_count.entry(((step, w[0]), w[1])).or_default() += 1;
        }
    }
    let mut keys: Vec<((usize, u32), u64)> = node_count.into_iter().collect();
    keys.sort_by(|a, b| {
        a.0.0
            .cmp(&b.0.0)
            .then(b.1.cmp(&a.1))
            .then_with(|| names[a.0.1 as usize].cmp(&names[b.0.1 as usize]))
    });
    let pos: HashMap<(usize, u32), usize> =
        keys.iter().enumerate().map(|(i, (k, _))| (*k, i)).collect();
    let nodes = keys
        .iter()
        .map(|&((step, c), count)| SankeyNode {
            step,
            id: names[c as usize].clone(),
            label: labels[c as usize].clone(),
            count,
        })
        .collect();
    let mut links: Vec<SankeyLink> = link_count
        .into_iter()
        .filter_map(|(((step, a), b), value)| {
            Some(SankeyLink {
                source: *pos.get(&(step, a))?,
                target: *pos.get(&(step + 1, b))?,
                value,
            })
        })
        .collect();
    links.sort_by_key(|l| (l.source, l.target));
    (nodes, links)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn journey() -> Journey {
        Journey::from_json(
            r#"{"name":"j","stages":[
            {"id":"aware","name":"认知","touchpoints":[{"id":"ad","name":"广告","channel":"social_media"}]},
            {"id":"buy","name":"购买","touchpoints":[
              {"id":"app","name":"App","channel":"in_app"},{"id":"pay","name":"支付","channel":"in_app"}]},
            {"id":"after","name":"售后","touchpoints":[{"id":"ret","name":"退货","channel":"in_app"}]}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn hand_worked_paths() {
        // u1: ad app pay (times out of order in the input); u2: ad app; u3: ad; u4: app ret.
        let cust = ["u1", "u2", "u1", "u1", "u3", "u2", "u4", "u4"].map(Some);
        let time = [3, 1, 1, 2, 5, 2, 1, 2];
        let node = ["pay", "ad", "ad", "app", "ad", "app", "app", "ret"].map(Some);
        let p = paths(Some(&journey()), &cust, &time, &node, PathOptions::new()).unwrap();
        assert_eq!((p.n_events, p.n_customers), (8, 4));
        let sum: u64 = p.transitions.iter().map(|t| t.count).sum();
        assert_eq!(sum, 8 - 4);
        assert_eq!(
            (
                p.transitions[0].from.as_str(),
                p.transitions[0].to.as_str(),
                p.transitions[0].count
            ),
            ("ad", "app", 2)
        );
        assert_eq!(p.top_paths[0].nodes, ["ad"]);
        assert_eq!(p.n_distinct_paths, 4);
        let d = p.drop_off.unwrap();
        // furthest stage: u1 buy, u2 buy, u3 aware, u4 after.
        let got: Vec<(u64, u64, u64)> = d
            .iter()
            .map(|s| (s.visited, s.reached, s.dropped))
            .collect();
        assert_eq!(got, [(3, 4, 1), (3, 3, 2), (1, 1, 1)]);
        assert_eq!(d[1].drop_off_rate, Some(2.0 / 3.0));
        // Sankey step 0: ad ×3, app ×1; link ad(0) → app(1) ×2.
        assert_eq!(p.sankey_nodes[0].id, "ad");
        assert_eq!(p.sankey_nodes[0].count, 3);
        let step1_app = p
            .sankey_nodes
            .iter()
            .position(|n| n.step == 1 && n.id == "app")
            .unwrap();
        assert!(
            p.sankey_links
                .iter()
                .any(|l| l.source == 0 && l.target == step1_app && l.value == 2)
        );
        // Stage level.
        let s = paths(
            Some(&journey()),
            &cust,
            &time,
            &node,
            PathOptions::new().level(PathLevel::Stage),
        )
        .unwrap();
        assert!(
            s.transitions
                .iter()
                .any(|t| t.from == "buy" && t.to == "buy" && t.count == 1)
        );
    }

    #[test]
    fn unknown_nodes() {
        let cust = ["u1", "u1"].map(Some);
        let node = [Some("ad"), Some("zz")];
        let e = paths(Some(&journey()), &cust, &[1, 2], &node, PathOptions::new()).unwrap_err();
        assert_eq!((e.row(), e.value()), (Some(1), Some("zz")));
        let p = paths(
            Some(&journey()),
            &cust,
            &[1, 2],
            &node,
            PathOptions::new().unknown(Unknown::Count),
        )
        .unwrap();
        assert_eq!((p.n_events, p.n_unmatched), (1, 1));
        let e = paths(None, &[None], &[1], &[Some("a")], PathOptions::new()).unwrap_err();
        assert_eq!((e.field(), e.row()), (Some("customer"), Some(0)));
        assert!(paths(None, &cust, &[1], &node, PathOptions::new()).is_err());
        assert!(
            paths(
                None,
                &cust,
                &[1, 2],
                &node,
                PathOptions::new().level(PathLevel::Stage)
            )
            .is_err()
        );
    }
}
