//! Journey maps: the journey as data ([`map`]), analysis of feedback tagged with
//! touchpoints ([`analysis`]: per touchpoint and stage metrics, the emotion curve, pain and
//! delight points under Benjamini–Hochberg control ([`fdr`]), opportunities), customer paths
//! ([`paths`](mod@paths): transitions, top paths, drop-off, Sankey data) and the seam for moments of
//! truth ([`moments`]: the customer × touchpoint experience matrix a driver analysis reads,
//! and the ranking of its importances).
//!
//! ```
//! use cx_core::journey::{analyze, AnalysisOptions, Journey, Responses};
//! let j = Journey::from_json(r#"{"name":"j","stages":[
//!   {"id":"buy","name":"购买","touchpoints":[{"id":"pay","name":"支付","channel":"in_app"}]},
//!   {"id":"ship","name":"配送","touchpoints":[{"id":"courier","name":"快递","channel":"sms"}]}]}"#)?;
//! let tp = [Some("pay"), Some("pay"), Some("courier"), Some("courier")];
//! let nps = [10.0, 9.0, 3.0, 8.0];
//! let a = analyze(&j, &Responses::new(&tp).nps(&nps), AnalysisOptions::new())?;
//! assert_eq!(a.touchpoints[0].score, Some(100.0));
//! assert_eq!(a.stages[1].score, Some(-50.0));
//! # Ok::<(), cx_core::CxError>(())
//! ```

pub mod analysis;
pub mod fdr;
pub mod map;
pub mod moments;
pub mod options;
pub mod paths;

pub use analysis::{
    AnalysisOptions, Finding, FindingKind, GroupStats, JourneyAnalysis, Responses, Score,
    StageResult, TouchpointResult, Unknown, analyze,
};
pub use fdr::{benjamini_hochberg, bh_reject};
pub use map::{Journey, Stage, Touchpoint};
pub use moments::{DriverDesign, ExperienceMatrix, MomentOfTruth, moments_of_truth};
pub use paths::{
    PathAnalysis, PathCount, PathLevel, PathOptions, SankeyLink, SankeyNode, StageDropOff,
    Transition, paths,
};
