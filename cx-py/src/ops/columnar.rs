//! Columnar fast path of `_ticket_metrics`: Arrow columns → dictionary codes
//! (no per-value conversion: timestamps are read as an `i64` slice, string
//! columns are interned once per distinct value, dictionary arrays map their
//! dictionary once) → `cx_core::ops::columnar` → Arrow arrays built directly
//! from the result columns. `None` anywhere means "use the row path" (which
//! then reports the exact error).

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType,
};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Int64Array, ListArray, RecordBatch, StringArray,
    TimestampSecondArray,
};
use arrow_buffer::{NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use cx_core::ops::columnar::{
    COUNTS, ColumnarMetrics, DURATIONS, DictEncoder, EventColumns, NONE, NULL, StrColumn,
};
use cx_core::ops::{BusinessCalendar, MetricDefinitions};

/// Intern one string array's values into `enc`; `None` for a non-string type.
fn push_strings<'a>(enc: &mut DictEncoder<'a>, a: &'a ArrayRef) -> Option<()> {
    enc.reserve(a.len());
    macro_rules! plain {
        ($arr:expr) => {{
            let arr = $arr;
            if arr.null_count() == 0 {
                for i in 0..arr.len() {
                    enc.push(Some(arr.value(i)));
                }
            } else {
                for i in 0..arr.len() {
                    enc.push((!arr.is_null(i)).then(|| arr.value(i)));
                }
            }
        }};
    }
    match a.data_type() {
        DataType::Utf8 => plain!(a.as_string::<i32>()),
        DataType::LargeUtf8 => plain!(a.as_string::<i64>()),
        DataType::Utf8View => plain!(a.as_string_view()),
        DataType::Dictionary(_, _) => {
            let d = a.as_any_dictionary();
            let vals = d.values();
            let mut dict = DictEncoder::new();
            push_strings(&mut dict, vals)?;
            let sub = dict.finish();
            let map: Vec<u32> = sub
                .codes
                .iter()
                .map(|&c| match sub.values.get(c as usize) {
                    Some(v) if c != NULL => enc.intern(v),
                    _ => NULL,
                })
                .collect();
            let keys = d.normalized_keys();
            for (i, &k) in keys.iter().enumerate() {
                let c = if a.is_null(i) {
                    NULL
                } else {
                    map.get(k).copied().unwrap_or(NULL)
                };
                enc.push_code(c);
            }
        }
        _ => return None,
    }
    Some(())
}

fn str_col<'a>(batches: &'a [RecordBatch], name: &str) -> Option<Option<StrColumn<'a>>> {
    let mut enc = DictEncoder::new();
    let mut any = false;
    for b in batches {
        match b.column_by_name(name) {
            None => return Some(None),
            Some(a) if *a.data_type() == DataType::Null => {
                for _ in 0..a.len() {
                    enc.push_code(NULL);
                }
            }
            Some(a) => {
                any = true;
                push_strings(&mut enc, a)?;
            }
        }
    }
    Some(any.then(|| enc.finish()))
}

fn seconds(a: &ArrayRef, out: &mut Vec<i64>) -> Option<()> {
    let DataType::Timestamp(unit, Some(_)) = a.data_type() else {
        return None;
    };
    if a.null_count() > 0 {
        return None;
    }
    macro_rules! floor {
        ($t:ty, $d:expr) => {
            out.extend(
                a.as_primitive::<$t>()
                    .values()
                    .iter()
                    .map(|v| v.div_euclid($d)),
            )
        };
    }
    match unit {
        TimeUnit::Second => out.extend_from_slice(a.as_primitive::<TimestampSecondType>().values()),
        TimeUnit::Millisecond => floor!(TimestampMillisecondType, 1_000),
        TimeUnit::Microsecond => floor!(TimestampMicrosecondType, 1_000_000),
        TimeUnit::Nanosecond => floor!(TimestampNanosecondType, 1_000_000_000),
    }
    Some(())
}

/// The events table as coded columns; `None` for a layout the fast path does
/// not read (string timestamps, integer ids, a non-boolean `public`, …).
pub(super) fn columns(batches: &[RecordBatch]) -> Option<EventColumns<'_>> {
    // The ticket ids (one hash-map entry per ticket) on a second thread while
    // this one reads the other columns (large tables only).
    let n: usize = batches.iter().map(RecordBatch::num_rows).sum();
    if n < 200_000 {
        let mut ev = other_columns(batches)?;
        ev.ticket = str_col(batches, "ticket_id").flatten()?;
        return Some(ev);
    }
    std::thread::scope(|s| {
        let h = s.spawn(|| str_col(batches, "ticket_id").flatten());
        let ev = other_columns(batches);
        let ticket = h.join().ok().flatten();
        let mut ev = ev?;
        ev.ticket = ticket?;
        Some(ev)
    })
}

fn other_columns(batches: &[RecordBatch]) -> Option<EventColumns<'_>> {
    let n: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let mut ev = EventColumns::default();
    ev.kind = str_col(batches, "type").flatten()?;
    ev.at = Vec::with_capacity(n);
    for b in batches {
        seconds(b.column_by_name("at")?, &mut ev.at)?;
    }
    ev.actor = str_col(batches, "actor")?;
    ev.from = str_col(batches, "from")?;
    ev.to = str_col(batches, "to")?;
    ev.team = str_col(batches, "team")?;
    ev.agent = str_col(batches, "agent")?;
    ev.channel = str_col(batches, "channel")?;
    ev.priority = str_col(batches, "priority")?;
    ev.customer = str_col(batches, "customer")?;
    ev.topic = str_col(batches, "topic")?;
    if batches.iter().any(|b| b.column_by_name("public").is_some()) {
        let mut p = Vec::with_capacity(n);
        for b in batches {
            let a = b.column_by_name("public")?;
            match a.data_type() {
                DataType::Boolean => {
                    let a = a.as_boolean();
                    p.extend((0..a.len()).map(|i| {
                        if a.is_null(i) {
                            2
                        } else {
                            u8::from(a.value(i))
                        }
                    }));
                }
                DataType::Null => p.extend(std::iter::repeat_n(2u8, a.len())),
                _ => return None,
            }
        }
        ev.public = Some(p);
    }
    Some(ev)
}

fn i64_array(v: Vec<i64>) -> Int64Array {
    let nulls = v
        .contains(&NONE)
        .then(|| NullBuffer::from_iter(v.iter().map(|&x| x != NONE)));
    Int64Array::new(ScalarBuffer::from(v), nulls)
}

fn ts_array(v: Vec<i64>) -> TimestampSecondArray {
    let nulls = v
        .contains(&NONE)
        .then(|| NullBuffer::from_iter(v.iter().map(|&x| x != NONE)));
    TimestampSecondArray::new(ScalarBuffer::from(v), nulls).with_timezone("UTC")
}

fn tri(v: &[u8]) -> BooleanArray {
    v.iter()
        .map(|&x| if x == 2 { None } else { Some(x == 1) })
        .collect()
}

fn names<'s>(codes: &[u32], table: impl Fn(usize) -> Option<&'s str>) -> ArrayRef {
    Arc::new(
        codes
            .iter()
            .map(|&k| if k == NULL { None } else { table(k as usize) })
            .collect::<StringArray>(),
    )
}

/// The result table, column for column as `tables::metrics_table`.
pub(super) fn table(m: ColumnarMetrics<'_>) -> Option<(RecordBatch, Arc<Schema>)> {
    let c = m.columns;
    let mut fields: Vec<Field> = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    let mut push = |name: &str, a: ArrayRef| {
        fields.push(Field::new(name, a.data_type().clone(), true));
        arrays.push(a);
    };
    push("ticket_id", names(&c.ticket, |k| m.tickets.get(k).copied()));
    push(
        "channel",
        names(&c.channel, |k| m.channels.get(k).map(|x| x.as_str())),
    );
    push(
        "priority",
        Arc::new(
            c.priority
                .iter()
                .map(|p| p.map(|p| p.as_str()))
                .collect::<StringArray>(),
        ),
    );
    push(
        "team",
        names(&c.team, |k| m.teams.get(k).map(|x| x.as_str())),
    );
    push(
        "customer",
        names(&c.customer, |k| m.customers.get(k).map(|x| x.as_str())),
    );
    let status_name = |s: cx_core::model::TicketStatus| -> String {
        serde_json::to_value(s)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    use cx_core::model::TicketStatus as S;
    let all = [S::New, S::Open, S::Pending, S::OnHold, S::Solved, S::Closed];
    let status_names: Vec<(S, String)> = all.iter().map(|&s| (s, status_name(s))).collect();
    push(
        "status",
        Arc::new(
            c.status
                .iter()
                .map(|s| {
                    status_names
                        .iter()
                        .find(|(k, _)| k == s)
                        .map(|(_, n)| n.as_str())
                })
                .collect::<StringArray>(),
        ),
    );
    let [created, reply, first, last] = c.instants;
    push("created_at", Arc::new(ts_array(created)));
    push("first_reply_at", Arc::new(ts_array(reply)));
    push("first_solved_at", Arc::new(ts_array(first)));
    push("last_solved_at", Arc::new(ts_array(last)));
    for (name, [cal, bus]) in DURATIONS.iter().zip(c.durations) {
        push(&format!("{name}_secs"), Arc::new(i64_array(cal)));
        push(&format!("{name}_business_secs"), Arc::new(i64_array(bus)));
    }
    let mut offsets: Vec<i32> = Vec::with_capacity(c.next_end.len() + 1);
    offsets.push(0);
    for &e in &c.next_end {
        offsets.push(i32::try_from(e).ok()?);
    }
    let offsets = OffsetBuffer::new(ScalarBuffer::from(offsets));
    let [ncal, nbus] = c.next_reply;
    let item = Arc::new(Field::new_list_field(DataType::Int64, true));
    push(
        "next_reply_secs",
        Arc::new(
            ListArray::try_new(
                item.clone(),
                offsets.clone(),
                Arc::new(i64_array(ncal)),
                None,
            )
            .ok()?,
        ),
    );
    push(
        "next_reply_business_secs",
        Arc::new(ListArray::try_new(item, offsets, Arc::new(i64_array(nbus)), None).ok()?),
    );
    for (name, v) in COUNTS.iter().zip(c.counts) {
        push(
            name,
            Arc::new(Int64Array::from_iter_values(v.into_iter().map(i64::from))),
        );
    }
    push(
        "escalated_to_urgent",
        Arc::new(BooleanArray::from(c.escalated_to_urgent)),
    );
    push("one_touch", Arc::new(tri(&c.one_touch)));
    push("repeat_free", Arc::new(tri(&c.repeat_free)));
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), arrays).ok()?;
    Some((batch, schema))
}

/// Ticket metrics by the columnar path, or `None` to use the row path.
pub(super) fn ticket_metrics(
    batches: &[RecordBatch],
    cal: Option<&BusinessCalendar>,
    defs: MetricDefinitions,
) -> Option<(RecordBatch, Arc<Schema>)> {
    let ev = columns(batches)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let m = cx_core::ops::columnar::ticket_metrics_columnar(&ev, cal, defs, threads)?;
    table(m)
}
