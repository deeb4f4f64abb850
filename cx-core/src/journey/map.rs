//! The journey as data: re-exports of the journey types of [`crate::model`] plus look-ups the analyses
//! share.
//!
//! A journey is JSON (serde, [`Journey::from_json`]) in Rust; the Python package also reads
//! YAML through PyYAML (no well-kept serde YAML crate exists: `serde_yaml` is deprecated).

use std::collections::HashMap;

pub use crate::model::{Journey, Stage, Touchpoint};

/// Index of a journey: touchpoint id → (touchpoint position, stage position), stage id →
/// stage position. Touchpoint positions follow [`Journey::touchpoints`] (stage order).
#[derive(Debug, Clone)]
pub(crate) struct Index<'j> {
    pub(crate) touchpoints: Vec<(usize, &'j Touchpoint)>,
    pub(crate) tp_pos: HashMap<&'j str, usize>,
    pub(crate) stage_pos: HashMap<&'j str, usize>,
}

impl<'j> Index<'j> {
    pub(crate) fn new(j: &'j Journey) -> Self {
        let touchpoints: Vec<_> = j.touchpoints().collect();
        let tp_pos = touchpoints
            .iter()
            .enumerate()
            .map(|(i, (_, t))| (t.id.as_str(), i))
            .collect();
        let stage_pos = j
            .stages
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect();
        Self {
            touchpoints,
            tp_pos,
            stage_pos,
        }
    }

    /// Stage position of a touchpoint position.
    pub(crate) fn stage_of(&self, tp: usize) -> usize {
        self.touchpoints[tp].0
    }
}
