//! The sample data set: determinism, sizes, every row re-parses into the
//! model, the planted effects are visible, and the bundled files in
//! `python/cx/data` equal what `write_sample` generates.
//!
//! The checks of planted effects use independent, simple estimators written
//! here (means, medians, modes, check digits), not the generator's code.

use std::collections::BTreeMap;
use std::error::Error;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset};
use cx_core::datasets::{FILE_NAMES, SampleData, SampleFile, SampleOptions, generate};
use cx_core::model::{
    Channel, Feedback, FeedbackId, FeedbackKind, KanoAnswer, Priority, TicketStatus, TouchpointId,
};

type TestResult = Result<(), Box<dyn Error>>;

struct Sample {
    data: SampleData,
    files: Vec<SampleFile>,
}

fn sample() -> Result<&'static Sample, Box<dyn Error>> {
    static CELL: OnceLock<Result<Sample, String>> = OnceLock::new();
    let s = CELL.get_or_init(|| {
        let data = generate(&SampleOptions::small()).map_err(|e| e.to_string())?;
        let files = data.render().map_err(|e| e.to_string())?;
        Ok(Sample { data, files })
    });
    s.as_ref().map_err(|e| e.clone().into())
}

/// Rows of a rendered CSV file as maps column → value.
fn table(name: &str) -> Result<Vec<BTreeMap<String, String>>, Box<dyn Error>> {
    let s = sample()?;
    let file = s
        .files
        .iter()
        .find(|f| f.name == name)
        .ok_or_else(|| format!("no file {name}"))?;
    let mut rdr = csv::Reader::from_reader(file.contents.as_slice());
    let headers = rdr.headers()?.clone();
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec?;
        out.push(
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect(),
        );
    }
    Ok(out)
}

fn get<'a>(row: &'a BTreeMap<String, String>, col: &str) -> Result<&'a str, Box<dyn Error>> {
    row.get(col)
        .map(String::as_str)
        .ok_or_else(|| format!("missing column {col}").into())
}

fn time(s: &str) -> Result<DateTime<FixedOffset>, Box<dyn Error>> {
    let t = DateTime::parse_from_rfc3339(s)?;
    if t.offset().local_minus_utc() != 8 * 3600 {
        return Err(format!("{s} is not +08:00").into());
    }
    Ok(t)
}

fn opt_u8(s: &str) -> Result<Option<u8>, Box<dyn Error>> {
    Ok(if s.is_empty() { None } else { Some(s.parse()?) })
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() -> TestResult {
    let opts = SampleOptions::small()
        .n_customers(400)
        .n_feedback(500)
        .n_survey(100)
        .n_tickets(100);
    let a = generate(&opts)?.render()?;
    let b = generate(&opts)?.render()?;
    assert_eq!(a, b);
    let c = generate(&opts.seed(opts.seed + 1))?.render()?;
    for (x, y) in a.iter().zip(&c) {
        if x.name != "journey.json" {
            assert_ne!(
                x.contents, y.contents,
                "{} did not change with the seed",
                x.name
            );
        }
    }
    Ok(())
}

#[test]
fn sizes_are_as_asked_and_small() -> TestResult {
    let s = sample()?;
    let o = SampleOptions::small();
    assert_eq!(table("customers.csv")?.len(), o.n_customers);
    assert_eq!(table("sample_feedback.csv")?.len(), o.n_feedback);
    assert_eq!(table("survey.csv")?.len(), o.n_survey);
    assert_eq!(table("tickets.csv")?.len(), o.n_tickets);
    assert!(table("transactions.csv")?.len() > o.n_customers * 3);
    let total: usize = s.files.iter().map(|f| f.contents.len()).sum();
    assert!(total <= 3 * 1024 * 1024, "bundled sample is {total} bytes");
    let names: Vec<&str> = s.files.iter().map(|f| f.name).collect();
    assert_eq!(names, FILE_NAMES);
    Ok(())
}

#[test]
fn feedback_rows_reparse_into_the_model() -> TestResult {
    let s = sample()?;
    let rows = table("sample_feedback.csv")?;
    let tps: Vec<String> = s
        .data
        .journey
        .touchpoints()
        .map(|(_, t)| t.id.to_string())
        .collect();
    let (mut chinese, mut english, mut weighted) = (0usize, 0usize, 0usize);
    for r in &rows {
        let label = get(r, "channel")?;
        let channel = Channel::from_str(label)?;
        if channel.as_str() != label {
            chinese += 1;
            assert!(!label.is_ascii() || label.contains("App"), "{label}");
        }
        let tp = get(r, "touchpoint_id")?;
        assert!(tps.iter().any(|t| t == tp), "{tp}");
        let mut f = Feedback::new(
            FeedbackId::new(get(r, "feedback_id")?)?,
            channel,
            time(get(r, "timestamp")?)?,
        )
        .with_touchpoint(TouchpointId::new(tp)?)
        .with_kind(FeedbackKind::from_str(get(r, "kind")?)?);
        if let Some(v) = opt_u8(get(r, "nps")?)? {
            f = f.with_nps(v)?;
        }
        if let Some(v) = opt_u8(get(r, "csat")?)? {
            assert!((1..=5).contains(&v));
            f = f.with_csat(v)?;
        }
        if let Some(v) = opt_u8(get(r, "ces")?)? {
            f = f.with_ces(v)?;
        }
        assert!(!get(r, "text")?.is_empty());
        match get(r, "language")? {
            "en" => english += 1,
            "zh-CN" => {}
            other => return Err(format!("language {other}").into()),
        }
        let w = get(r, "weight")?;
        if !w.is_empty() {
            let w: f64 = w.parse()?;
            assert!(w > 0.3 && w < 3.0, "{w}");
            weighted += 1;
        } else {
            assert!(get(r, "customer_id")?.is_empty());
        }
    }
    let n = rows.len() as f64;
    assert!((0.07..0.13).contains(&(chinese as f64 / n)), "{chinese}");
    assert!((0.16..0.24).contains(&(english as f64 / n)), "{english}");
    assert!(weighted as f64 / n > 0.9);
    Ok(())
}

#[test]
fn other_files_reparse() -> TestResult {
    for r in table("customers.csv")? {
        for c in ["consent_survey", "consent_followup", "consent_analytics"] {
            let _: bool = get(&r, c)?.parse()?;
        }
        let phone = get(&r, "phone")?.as_bytes();
        assert!(phone.len() == 11 && phone[0] == b'1' && (b'3'..=b'9').contains(&phone[1]));
        let email = get(&r, "email")?;
        assert!(
            email.is_empty() || email.ends_with("@example.com") || email.ends_with("@example.cn")
        );
        assert!(["新客", "普通", "VIP", "流失风险"].contains(&get(&r, "segment")?));
    }
    for r in table("survey.csv")? {
        assert!(get(&r, "nps")?.parse::<u8>()? <= 10);
        for (k, v) in &r {
            if k.starts_with("attr_") {
                assert!((1..=10).contains(&v.parse::<u8>()?), "{k}={v}");
            } else if k.starts_with("kano_") {
                KanoAnswer::from_str(v)?;
            }
        }
        time(get(&r, "timestamp")?)?;
    }
    for r in table("tickets.csv")? {
        Channel::from_str(get(&r, "channel")?)?;
        Priority::from_str(get(&r, "priority")?)?;
        time(get(&r, "created_at")?)?;
    }
    for r in table("transactions.csv")? {
        let a = get(&r, "amount")?;
        assert!(a.split_once('.').map(|(_, c)| c.len()) == Some(2), "{a}");
        assert!(a.parse::<f64>()? >= 1.0);
    }
    let journey =
        cx_core::model::Journey::from_json(std::str::from_utf8(&sample()?.files[1].contents)?)?;
    assert!(journey.stages.len() >= 5 && journey.touchpoints().count() >= 12);
    assert!(journey.touchpoints().all(|(_, t)| t.owner_team.is_some()));
    Ok(())
}

#[test]
fn ticket_events_are_ordered_and_start_with_created() -> TestResult {
    let tickets = table("tickets.csv")?;
    let created: BTreeMap<String, String> = tickets
        .iter()
        .map(|r| {
            Ok((
                get(r, "ticket_id")?.to_string(),
                get(r, "created_at")?.to_string(),
            ))
        })
        .collect::<Result<_, Box<dyn Error>>>()?;
    let mut last: Option<(String, DateTime<FixedOffset>)> = None;
    let mut types = BTreeMap::<String, usize>::new();
    for r in table("ticket_events.csv")? {
        let id = get(&r, "ticket_id")?.to_string();
        let at = time(get(&r, "at")?)?;
        let ty = get(&r, "type")?;
        *types.entry(ty.to_string()).or_default() += 1;
        match &last {
            Some((prev, t)) if *prev == id => assert!(at > *t, "{id} out of order"),
            _ => {
                assert_eq!(ty, "created", "{id} starts with {ty}");
                assert_eq!(Some(get(&r, "at")?), created.get(&id).map(String::as_str));
            }
        }
        let actor = get(&r, "actor")?;
        assert!(actor == "requester" || actor == "system" || actor.starts_with("agent:a"));
        match ty {
            "status_change" => {
                TicketStatus::from_str(get(&r, "from")?)?;
                TicketStatus::from_str(get(&r, "to")?)?;
            }
            "priority_change" => assert_eq!(get(&r, "to")?, "urgent"),
            "comment" => {
                let _: bool = get(&r, "public")?.parse()?;
            }
            "assignment" => assert!(!get(&r, "team")?.is_empty() && !get(&r, "agent")?.is_empty()),
            "created" | "solved" | "reopened" | "closed" => {}
            other => return Err(format!("event type {other}").into()),
        }
        last = Some((id, at));
    }
    for ty in ["reopened", "priority_change", "assignment", "closed"] {
        assert!(
            types.get(ty).copied().unwrap_or(0) > 10,
            "few {ty}: {types:?}"
        );
    }
    Ok(())
}

#[test]
fn planted_touchpoint_effects_are_visible() -> TestResult {
    let s = sample()?;
    let mut by: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for r in table("sample_feedback.csv")? {
        if let Some(v) = opt_u8(get(&r, "nps")?)? {
            by.entry(get(&r, "touchpoint_id")?.to_string())
                .or_default()
                .push(f64::from(v));
        }
    }
    let all: Vec<f64> = by.values().flatten().copied().collect();
    let m = mean(&all);
    let sd = (all.iter().map(|x| (x - m).powi(2)).sum::<f64>() / all.len() as f64).sqrt();
    for (tp, v) in &by {
        let z = (mean(v) - m) / (sd / (v.len() as f64).sqrt());
        if s.data.truth.pain_points.contains(tp) {
            assert!(z < -5.0 && mean(v) < m - 0.6, "pain point {tp}: z = {z:.1}");
        } else if s.data.truth.delight_touchpoints.contains(tp) {
            assert!(z > 5.0, "delight {tp}: z = {z:.1}");
        } else {
            assert!(z.abs() < 3.0, "neutral {tp}: z = {z:.1}");
        }
    }
    Ok(())
}

#[test]
fn first_reply_shift_is_visible() -> TestResult {
    let s = sample()?;
    let shift = s.data.truth.process_shift.at;
    let tickets = table("tickets.csv")?;
    let mut first: BTreeMap<String, DateTime<FixedOffset>> = BTreeMap::new();
    for r in table("ticket_events.csv")? {
        if get(&r, "type")? == "comment"
            && get(&r, "public")? == "true"
            && get(&r, "actor")?.starts_with("agent:")
        {
            first
                .entry(get(&r, "ticket_id")?.to_string())
                .or_insert(time(get(&r, "at")?)?);
        }
    }
    let (mut before, mut after) = (Vec::new(), Vec::new());
    for t in &tickets {
        if !["phone", "live_chat"].contains(&get(t, "channel")?) {
            continue;
        }
        let c = time(get(t, "created_at")?)?;
        if let Some(f) = first.get(get(t, "ticket_id")?) {
            let secs = (*f - c).num_seconds() as f64;
            if c < shift {
                before.push(secs.ln());
            } else {
                after.push(secs.ln());
            }
        }
    }
    let ratio = (mean(&after) - mean(&before)).exp();
    assert!(
        (1.2..1.65).contains(&ratio),
        "geometric-mean ratio {ratio:.2}"
    );
    Ok(())
}

#[test]
fn tickets_follow_the_work_calendar() -> TestResult {
    let mut business = 0usize;
    let mut holiday = 0usize;
    let rows = table("tickets.csv")?;
    for r in &rows {
        let t = time(get(r, "created_at")?)?;
        let date = t.format("%m-%d").to_string();
        if [
            "02-12", "02-13", "02-14", "10-02", "10-03", "10-04", "05-02",
        ]
        .contains(&date.as_str())
        {
            holiday += 1;
        }
        let hm = t.format("%H:%M").to_string();
        if ("09:00".."12:00").contains(&hm.as_str()) || ("13:30".."18:00").contains(&hm.as_str()) {
            business += 1;
        }
    }
    assert!(business as f64 / rows.len() as f64 > 0.6);
    assert!(holiday > 0 && holiday < rows.len() / 100);
    Ok(())
}

/// ISO 7064 MOD 11-2, written independently of the generator.
fn id_valid(s: &[u8]) -> bool {
    if s.len() != 18 || !s[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = s[..17]
        .iter()
        .zip(w)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    s[17] == b"10X98765432"[(sum % 11) as usize]
}

fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let d = u32::from(d - b'0');
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[test]
fn planted_personal_data_has_valid_check_digits() -> TestResult {
    let s = sample()?;
    let (mut ids, mut cards, mut orders) = (0, 0, 0);
    for r in table("sample_feedback.csv")? {
        let text = get(&r, "text")?;
        for marker in ["身份证 ", "ID number is "] {
            if let Some(pos) = text.find(marker) {
                let id = text
                    .as_bytes()
                    .get(pos + marker.len()..pos + marker.len() + 18);
                assert!(id.is_some_and(id_valid), "{text}");
                ids += 1;
            }
        }
        if let Some(pos) = text.find("卡 ").or_else(|| text.find("card ")) {
            let digits: Vec<u8> = text[pos..]
                .bytes()
                .filter(u8::is_ascii_digit)
                .take(16)
                .collect();
            assert!(digits.len() == 16 && luhn(&digits), "{text}");
            cards += 1;
        }
        if let Some(pos) = text.find("订单号 ").or_else(|| text.find("order no. ")) {
            let digits: Vec<u8> = text[pos..]
                .bytes()
                .filter(u8::is_ascii_digit)
                .take(16)
                .collect();
            assert!(
                digits.len() == 16 && !luhn(&digits),
                "near miss passes Luhn: {text}"
            );
            orders += 1;
        }
    }
    assert!(
        ids > 5 && cards > 5 && orders > 50,
        "{ids} {cards} {orders}"
    );
    let pii = s.data.truth.pii.feedback_ids.len() as f64 / s.data.feedback.len() as f64;
    assert!((0.06..0.10).contains(&pii), "{pii}");
    Ok(())
}

#[test]
fn kano_modes_and_causes_match_the_truth() -> TestResult {
    let s = sample()?;
    let rows = table("survey.csv")?;
    let idx = |a: KanoAnswer| match a {
        KanoAnswer::Like => 0,
        KanoAnswer::MustBe => 1,
        KanoAnswer::Neutral => 2,
        KanoAnswer::LiveWith => 3,
        _ => 4,
    };
    // Berger et al. (1993) table, rows functional, columns dysfunctional.
    let table5 = ["QAAAO", "RIIIM", "RIIIM", "RIIIM", "RRRRQ"];
    for k in &s.data.truth.kano {
        let mut counts = BTreeMap::<char, usize>::new();
        for r in &rows {
            let f = idx(KanoAnswer::from_str(get(
                r,
                &format!("kano_{}_functional", k.feature),
            )?)?);
            let d = idx(KanoAnswer::from_str(get(
                r,
                &format!("kano_{}_dysfunctional", k.feature),
            )?)?);
            let c = table5[f].as_bytes()[d] as char;
            *counts.entry(c).or_default() += 1;
        }
        let mode = counts.iter().max_by_key(|(_, n)| **n).map(|(c, _)| *c);
        let want = match k.category.as_str() {
            "must-be" => 'M',
            "one-dimensional" => 'O',
            "attractive" => 'A',
            _ => 'I',
        };
        assert_eq!(mode, Some(want), "{}: {counts:?}", k.feature);
    }
    let mut tags = BTreeMap::<String, f64>::new();
    let mut n = 0.0;
    for r in table("sample_feedback.csv")? {
        if get(&r, "kind")? == "complaint" {
            *tags.entry(get(&r, "tags")?.to_string()).or_default() += 1.0;
            n += 1.0;
        }
    }
    for c in &s.data.truth.complaint_causes {
        let share = tags.get(&c.cause).copied().unwrap_or(0.0) / n;
        assert!(
            (share - c.share).abs() < 0.04,
            "{}: {share} vs {}",
            c.cause,
            c.share
        );
    }
    Ok(())
}

#[test]
fn churned_customers_stop_buying() -> TestResult {
    let s = sample()?;
    let cutoff =
        s.data.truth.period_start.date_naive() + chrono::Duration::days((366.0 * 0.6) as i64 + 1);
    let churned: std::collections::BTreeSet<&str> = s
        .data
        .truth
        .churned_customers
        .iter()
        .map(String::as_str)
        .collect();
    assert!(churned.len() > 100);
    for t in &s.data.transactions {
        if churned.contains(t.customer.as_str()) {
            assert!(t.date < cutoff, "{} bought on {}", t.customer, t.date);
        }
    }
    Ok(())
}

#[test]
fn bundled_files_equal_the_generated_ones() -> TestResult {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../python/cx/data");
    for f in &sample()?.files {
        let path = dir.join(f.name);
        let on_disk = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        assert!(
            on_disk == f.contents,
            "{} differs from the generator: run `cargo run -p cx-core --example write_sample -- python/cx/data`",
            path.display()
        );
    }
    Ok(())
}
