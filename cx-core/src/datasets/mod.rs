//! A seeded, deterministic sample of CX data with documented true effects.
//!
//! [`generate`] builds the data of the fictional company **悦购 YueGo**, an
//! e-commerce and delivery company in China with an app, a WeChat mini
//! program and stores; [`SampleData::write_dir`] writes it as the files that
//! ship in the Python wheel under `cx/data/`:
//!
//! | file | content |
//! |---|---|
//! | `customers.csv` | customers, segments (新客/普通/VIP/流失风险), regions, consent, fake contact data |
//! | `journey.json` | the journey (6 stages, 15 touchpoints, owner teams) |
//! | `sample_feedback.csv` | feedback with NPS/CSAT/CES, kind, text, cause tags, weights |
//! | `survey.csv` | relationship survey: NPS, six attribute ratings, six Kano pairs |
//! | `tickets.csv`, `ticket_events.csv` | support tickets and their event logs |
//! | `transactions.csv` | orders (RFM structure, planted churn) |
//! | `truth.json` | the [`GroundTruth`]: every planted effect |
//!
//! The planted effects: three pain-point touchpoints (物流配送, 退换货,
//! 电话客服), two delight touchpoints (官网/App 浏览, 门店自提), all other
//! touchpoints exactly at the journey mean; known NPS driver coefficients;
//! a known Kano category per feature; a Pareto-skewed complaint-cause
//! distribution; a +40% first-reply shift on phone and live chat after 60%
//! of the period; planted churn; personal data in ~8% of texts.
//!
//! # Determinism
//! The same [`SampleOptions`] give byte-identical files on every platform:
//! the generator uses its own PRNG ([`Rng`]) and its own `exp`/`ln`
//! ([`det_exp`], [`det_ln`]) built from correctly rounded IEEE operations, never
//! iterates a hash map, and formats every number explicitly. Each part
//! (customers, orders, feedback, survey, tickets) draws from its own stream
//! of the seed, so changing `n_tickets` leaves the feedback unchanged.
//!
//! # Examples
//! ```
//! use cx_core::datasets::{generate, SampleOptions};
//! let opts = SampleOptions::small().n_feedback(200).n_tickets(50).n_survey(40).seed(7);
//! let data = generate(&opts)?;
//! assert_eq!(data.feedback.len(), 200);
//! assert_eq!(data.truth.pain_points, ["logistics", "returns", "phone_support"]);
//! let again = generate(&opts)?;
//! assert_eq!(data.render()?, again.render()?);
//! # Ok::<(), cx_core::CxError>(())
//! ```

mod company;
mod customers;
mod feedback;
mod people;
mod rng;
mod survey;
mod text;
mod tickets;
mod truth;
mod write;

use std::path::{Path, PathBuf};

use chrono::{Days, Months, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

pub use customers::Transaction;
pub use rng::{Categorical, Rng, det_exp, det_ln};
pub use survey::{KanoPair, SurveyRow};
pub use truth::{
    CauseTruth, ChannelDelay, DriverTruth, GroundTruth, KanoTruth, PlantedPii, ProcessShift,
    TouchpointTruth,
};

use crate::model::{Actor, Customer, Feedback, Journey, Ticket, TicketEvent};
use crate::{CxError, Result};

/// Survey attribute columns of `survey.csv`, in order.
pub const SURVEY_ATTRIBUTES: [&str; 6] = [
    "attr_price",
    "attr_delivery_speed",
    "attr_product_quality",
    "attr_service",
    "attr_app",
    "attr_returns",
];

/// Kano features of `survey.csv` (columns `kano_<feature>_functional` and
/// `kano_<feature>_dysfunctional`), in order.
pub const KANO_FEATURES: [&str; 6] = [
    "order_tracking",
    "same_day_delivery",
    "free_returns",
    "ai_recommend",
    "e_invoice",
    "points_cash",
];

/// Names of the files [`SampleData::write_dir`] writes, in order.
pub const FILE_NAMES: [&str; 8] = [
    "customers.csv",
    "journey.json",
    "sample_feedback.csv",
    "survey.csv",
    "tickets.csv",
    "ticket_events.csv",
    "transactions.csv",
    "truth.json",
];

/// Size, period and seed of a generated sample.
///
/// `Copy`, with consuming setters. [`SampleOptions::small`] is the data
/// bundled in the wheel (≈ 2.5 MB); [`SampleOptions::default`] is ten times
/// larger.
///
/// # Examples
/// ```
/// use cx_core::datasets::SampleOptions;
/// let o = SampleOptions::small().seed(1).months(6);
/// assert_eq!((o.seed, o.months, o.n_feedback), (1, 6, 4_000));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SampleOptions {
    /// Number of customers (≥ 1).
    pub n_customers: usize,
    /// Number of feedback rows.
    pub n_feedback: usize,
    /// Number of survey responses.
    pub n_survey: usize,
    /// Number of tickets.
    pub n_tickets: usize,
    /// First day of the period (Asia/Shanghai calendar).
    pub start: NaiveDate,
    /// Length of the period in months (1–120).
    pub months: u32,
    /// Seed of the generator.
    pub seed: u64,
}

impl Default for SampleOptions {
    /// 20,000 customers, 50,000 feedback rows, 10,000 survey responses,
    /// 20,000 tickets over 2024, seed 20240101.
    fn default() -> Self {
        Self {
            n_customers: 20_000,
            n_feedback: 50_000,
            n_survey: 10_000,
            n_tickets: 20_000,
            start: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default(),
            months: 12,
            seed: 20_240_101,
        }
    }
}

impl SampleOptions {
    /// The default options (see [`Default`]).
    pub fn new() -> Self {
        Self::default()
    }
    /// The bundled sample: 2,000 customers, 4,000 feedback rows, 1,200 survey
    /// responses, 1,500 tickets over 2024, seed 20240101.
    pub fn small() -> Self {
        Self {
            n_customers: 2_000,
            n_feedback: 4_000,
            n_survey: 1_200,
            n_tickets: 1_500,
            ..Self::default()
        }
    }
    /// Set the number of customers.
    pub fn n_customers(mut self, n: usize) -> Self {
        self.n_customers = n;
        self
    }
    /// Set the number of feedback rows.
    pub fn n_feedback(mut self, n: usize) -> Self {
        self.n_feedback = n;
        self
    }
    /// Set the number of survey responses.
    pub fn n_survey(mut self, n: usize) -> Self {
        self.n_survey = n;
        self
    }
    /// Set the number of tickets.
    pub fn n_tickets(mut self, n: usize) -> Self {
        self.n_tickets = n;
        self
    }
    /// Set the first day.
    pub fn start(mut self, start: NaiveDate) -> Self {
        self.start = start;
        self
    }
    /// Set the length in months.
    pub fn months(mut self, months: u32) -> Self {
        self.months = months;
        self
    }
    /// Set the seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    fn validate(&self) -> Result<()> {
        const MAX: usize = 10_000_000;
        if self.n_customers == 0 {
            return Err(CxError::option("n_customers", "need at least 1 customer"));
        }
        for (name, n) in [
            ("n_customers", self.n_customers),
            ("n_feedback", self.n_feedback),
            ("n_survey", self.n_survey),
            ("n_tickets", self.n_tickets),
        ] {
            if n > MAX {
                return Err(CxError::option(name, format!("at most {MAX}, got {n}")));
            }
        }
        if !(1..=120).contains(&self.months) {
            return Err(CxError::option(
                "months",
                format!("must lie in 1..=120, got {}", self.months),
            ));
        }
        Ok(())
    }
}

/// Extra per-row facts of `sample_feedback.csv` that [`Feedback`] does not hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FeedbackMeta {
    /// Post-stratification weight (empty for anonymous rows).
    pub weight: Option<f64>,
    /// The channel as written: the canonical name, or (in ~10% of rows) a
    /// Chinese name such as 电话 or 微信 that parses to the same channel.
    pub channel_label: String,
    /// Index of the respondent's region (internal).
    #[serde(skip)]
    pub(crate) region: Option<usize>,
}

/// One rendered file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SampleFile {
    /// File name, one of [`FILE_NAMES`].
    pub name: &'static str,
    /// Its bytes (UTF-8, `\n` line ends).
    pub contents: Vec<u8>,
}

/// A generated sample: model records plus the [`GroundTruth`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SampleData {
    /// Customers (region and signup date in `attributes`).
    pub customers: Vec<Customer>,
    /// The YueGo journey.
    pub journey: Journey,
    /// Feedback, sorted by time.
    pub feedback: Vec<Feedback>,
    /// Weight and written channel of each feedback row (parallel to `feedback`).
    pub feedback_meta: Vec<FeedbackMeta>,
    /// Survey responses with attribute ratings and Kano answers, sorted by time.
    pub survey: Vec<SurveyRow>,
    /// Orders, sorted by date.
    pub transactions: Vec<Transaction>,
    /// Tickets, in creation order.
    pub tickets: Vec<Ticket>,
    /// Ticket events, grouped by ticket and time-ordered within each.
    pub ticket_events: Vec<TicketEvent>,
    /// Who did each event (parallel to `ticket_events`).
    pub ticket_event_actors: Vec<Actor>,
    /// The planted effects.
    pub truth: GroundTruth,
}

/// Generate a sample.
///
/// # Errors
/// [`CxError::InvalidOption`] for zero customers, more than ten million rows
/// of any kind, or `months` outside 1–120.
///
/// # Examples
/// ```
/// use cx_core::datasets::{generate, SampleOptions};
/// let data = generate(&SampleOptions::small().n_feedback(100).n_survey(10).n_tickets(10))?;
/// assert_eq!(data.journey.touchpoints().count(), 15);
/// assert!(generate(&SampleOptions::small().months(0)).is_err());
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn generate(options: &SampleOptions) -> Result<SampleData> {
    options.validate()?;
    let start = options.start;
    let end = start
        .checked_add_months(Months::new(options.months))
        .ok_or_else(|| CxError::option("months", "period runs past the calendar"))?;
    let period = customers::Period { start, end };
    let seed = options.seed;
    let mut r_cust = Rng::stream(seed, 1);
    let (custs, facts) = customers::customers(&mut r_cust, options.n_customers, period)?;
    let mut r_tx = Rng::stream(seed, 2);
    let transactions = customers::transactions(&mut r_tx, &custs, &facts, period)?;
    let mut r_fb = Rng::stream(seed, 3);
    let fb = feedback::feedback(&mut r_fb, options.n_feedback, &custs, &facts, period)?;
    let mut r_sv = Rng::stream(seed, 4);
    let survey = survey::survey(&mut r_sv, options.n_survey, &custs, period)?;
    let shift_days = (period.days() as f64 * tickets::SHIFT_FRACTION).round() as u64;
    let shift_day = start
        .checked_add_days(Days::new(shift_days))
        .ok_or_else(|| CxError::option("months", "period runs past the calendar"))?;
    let shift_at = shift_day.and_time(NaiveTime::MIN);
    let mut r_tk = Rng::stream(seed, 5);
    let tk = tickets::tickets(&mut r_tk, options.n_tickets, &custs, period, shift_at)?;
    let churned = custs
        .iter()
        .zip(&facts)
        .filter(|(_, f)| f.churned_at.is_some())
        .map(|(c, _)| c.id.to_string())
        .collect();
    let truth = GroundTruth::build(
        *options,
        (
            feedback::shanghai(start.and_time(NaiveTime::MIN))?,
            feedback::shanghai(end.and_time(NaiveTime::MIN))?,
        ),
        feedback::shanghai(shift_at)?,
        churned,
        fb.pii,
    );
    Ok(SampleData {
        customers: custs,
        journey: company::journey()?,
        feedback: fb.feedback,
        feedback_meta: fb.meta,
        survey,
        transactions,
        tickets: tk.tickets,
        ticket_events: tk.events,
        ticket_event_actors: tk.actors,
        truth,
    })
}

impl SampleData {
    /// Render every file in memory, in the order of [`FILE_NAMES`].
    ///
    /// # Errors
    /// [`CxError::Io`] naming the file if serialization fails (it does not
    /// for generated data).
    pub fn render(&self) -> Result<Vec<SampleFile>> {
        write::render(self)
    }

    /// Write every file into `dir` (created if missing) and return their paths.
    ///
    /// # Errors
    /// [`CxError::Io`] naming the directory or file that could not be written.
    ///
    /// # Examples
    /// ```
    /// use cx_core::datasets::{generate, SampleOptions, FILE_NAMES};
    /// let dir = std::env::temp_dir().join("cx-doc-sample");
    /// let data = generate(&SampleOptions::small().n_feedback(50).n_survey(5).n_tickets(5))?;
    /// let paths = data.write_dir(&dir)?;
    /// assert_eq!(paths.len(), FILE_NAMES.len());
    /// # Ok::<(), cx_core::CxError>(())
    /// ```
    pub fn write_dir(&self, dir: impl AsRef<Path>) -> Result<Vec<PathBuf>> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
        let mut paths = Vec::with_capacity(FILE_NAMES.len());
        for f in self.render()? {
            let path = dir.join(f.name);
            std::fs::write(&path, &f.contents).map_err(|e| io_error(&path, &e))?;
            paths.push(path);
        }
        Ok(paths)
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> CxError {
    CxError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests;
