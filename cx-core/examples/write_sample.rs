//! Write the bundled sample data set (`SampleOptions::small()`) into a directory.
//!
//! ```text
//! cargo run -p cx-core --example write_sample -- python/cx/data
//! ```
//!
//! A test (`tests/rust/datasets.rs`) checks that the files in `python/cx/data`
//! equal what this writes, so rerun it whenever the generator changes.

use cx_core::CxError;
use cx_core::datasets::{SampleOptions, generate};

fn main() -> Result<(), CxError> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "python/cx/data".to_string());
    let data = generate(&SampleOptions::small())?;
    for path in data.write_dir(&dir)? {
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        println!("{:>9} bytes  {}", bytes, path.display());
    }
    Ok(())
}
