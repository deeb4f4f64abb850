//! Bindings of `cx_core::datasets`: the seeded sample data generator.

use cx_core::datasets::{SampleOptions, generate};
use pyo3::prelude::*;

use crate::run;

/// Generate the sample data set and write its files into `out_dir`.
#[pyfunction]
#[pyo3(signature = (out_dir, /, *, n_customers=None, n_feedback=None, n_survey=None, n_tickets=None, months=None, seed=None))]
#[allow(clippy::too_many_arguments)]
fn write_sample(
    py: Python<'_>,
    out_dir: std::path::PathBuf,
    n_customers: Option<usize>,
    n_feedback: Option<usize>,
    n_survey: Option<usize>,
    n_tickets: Option<usize>,
    months: Option<u32>,
    seed: Option<u64>,
) -> PyResult<Vec<std::path::PathBuf>> {
    let d = SampleOptions::small();
    let opts = SampleOptions::small()
        .n_customers(n_customers.unwrap_or(d.n_customers))
        .n_feedback(n_feedback.unwrap_or(d.n_feedback))
        .n_survey(n_survey.unwrap_or(d.n_survey))
        .n_tickets(n_tickets.unwrap_or(d.n_tickets))
        .months(months.unwrap_or(d.months))
        .seed(seed.unwrap_or(d.seed));
    run(py, || generate(&opts)?.write_dir(&out_dir))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(write_sample, m)?)?;
    Ok(())
}
