//! Columnar fast path of `_ticket_metrics`: Arrow columns → dictionary codes
//! (no per-value conversion: timestamps are read as an `i64` slice, string
//! columns are interned once per distinct value, dictionary arrays map their
//! dictionary once) → `cx_core::ops::columnar` → Arrow arrays built directly
//! from the result columns. `None` anywhere means "use the row path" (which
//! then reports the exact error).

use std::sync::Arc;

use arrow_array::builder::StringBuilder;
use arrow_array::cast::AsArray;
use arrow_array::types::{
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType,
};
use arrow_array::{
    Array, ArrayRef, BooleanArray, GenericStringArray, Int64Array, ListArray, OffsetSizeTrait,
    RecordBatch, StringArray, TimestampSecondArray,
};
use arrow_buffer::{BooleanBuffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use cx_core::model::{Channel, CustomerId, TeamId};
use cx_core::ops::columnar::{
    COUNTS, DURATIONS, DictEncoder, EventColumns, MetricChunks, MetricColumns, NONE, NULL,
    StrColumn,
};
use cx_core::ops::{BusinessCalendar, MetricDefinitions};

/// Slots of the direct-mapped cache of [`short_keyed`].
const KEY_CACHE: usize = 1024;

/// `MASKS[len]` keeps the low `len` bytes of a word.
const MASKS: [u128; 16] = {
    let mut m = [0u128; 16];
    let mut i = 0;
    while i < 16 {
        m[i] = (1u128 << (8 * i)) - 1;
        i += 1;
    }
    m
};

/// The value at `[start, end)` of `bytes` as an integer key: its bytes (little
/// endian) and its length in the top byte; `None` past 15 bytes. Two strings
/// of at most 15 bytes have the same key exactly when they are equal.
#[inline]
fn short_key(bytes: &[u8], start: usize, end: usize) -> Option<u128> {
    let len = end.checked_sub(start)?;
    if len > 15 {
        return None;
    }
    let word = match bytes.get(start..start + 16) {
        Some(w) => {
            let mut b = [0u8; 16];
            b.copy_from_slice(w);
            u128::from_le_bytes(b)
        }
        None => {
            let mut b = [0u8; 16];
            b.get_mut(..len)?.copy_from_slice(bytes.get(start..end)?);
            u128::from_le_bytes(b)
        }
    };
    Some((word & MASKS.get(len)?) | ((len as u128) << 120))
}

/// State of [`short_keyed`]: the previous key and its code, and a
/// direct-mapped cache of recent keys.
struct Keys {
    cache: Vec<(u128, u32)>,
    prev: (u128, u32),
}

impl Keys {
    /// Empty state (the cache's entries hold no key of at most 15 bytes).
    fn new() -> Self {
        Self {
            cache: vec![(u128::MAX, NULL); KEY_CACHE],
            prev: (u128::MAX, NULL),
        }
    }

    /// The code of the (non-null) row `i` of `arr`: the previous key's, the
    /// cache's, or the encoder's (then cached). Inlined into the row loops of
    /// [`short_keyed`] (a call per row was a tenth of its time).
    #[inline(always)]
    fn code<'a, O: OffsetSizeTrait>(
        &mut self,
        enc: &mut DictEncoder<'a>,
        arr: &'a GenericStringArray<O>,
        offsets: &[O],
        bytes: &[u8],
        i: usize,
    ) -> u32 {
        let key = match offsets.get(i..i + 2) {
            Some(&[s, e]) => short_key(bytes, s.as_usize(), e.as_usize()),
            _ => None,
        };
        let Some(key) = key else {
            self.prev = (u128::MAX, NULL);
            return enc.intern(arr.value(i));
        };
        if key == self.prev.0 {
            return self.prev.1;
        }
        let h = ((key as u64) ^ ((key >> 64) as u64)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let slot = (h >> 54) as usize % KEY_CACHE;
        let code = match self.cache.get(slot) {
            Some(&(k, c)) if k == key => c,
            _ => {
                let c = enc.intern(arr.value(i));
                if let Some(e) = self.cache.get_mut(slot) {
                    *e = (key, c);
                }
                c
            }
        };
        self.prev = (key, code);
        code
    }
}

/// Intern a plain string array: short values (most columns of an event log:
/// types, actors, statuses, ids) are compared as integers read straight from
/// the Arrow buffers (the previous value, then a direct-mapped cache), so only
/// a value not seen recently reaches the encoder's string map.
fn short_keyed<'a, O: OffsetSizeTrait>(
    enc: &mut DictEncoder<'a>,
    arr: &'a GenericStringArray<O>,
    keys: &mut Keys,
) {
    let offsets = arr.value_offsets();
    let bytes = arr.values().as_slice();
    // 64 rows at a time (one validity word): the codes of the valid rows go
    // into a block of null codes (set bits found with `trailing_zeros`, no
    // branch per row), which is appended at once (one width dispatch per
    // block instead of per row).
    let n = arr.len();
    let mut block = |base: usize, word: u64, enc: &mut DictEncoder<'a>| {
        let m = n.saturating_sub(base).min(64);
        if word == 0 {
            enc.push_nulls(m);
            return;
        }
        let mut buf = [NULL; 64];
        let mut w = word;
        while w != 0 {
            let j = w.trailing_zeros() as usize;
            if let Some(slot) = buf.get_mut(j) {
                *slot = keys.code(enc, arr, offsets, bytes, base + j);
            }
            w &= w - 1;
        }
        enc.push_codes(buf.get(..m).unwrap_or(&buf));
    };
    match arr.nulls().filter(|v| v.null_count() > 0) {
        None => {
            for base in (0..n).step_by(64) {
                let m = (n - base).min(64);
                let word = if m == 64 { u64::MAX } else { (1u64 << m) - 1 };
                block(base, word, enc);
            }
        }
        Some(nulls) => {
            for (k, word) in nulls.inner().bit_chunks().iter_padded().enumerate() {
                block(k * 64, word, enc);
            }
        }
    }
}

/// Intern one string array's values into `enc`; `None` for a non-string type.
/// `keys` is the short-key state of `enc` (kept from batch to batch).
fn push_strings<'a>(enc: &mut DictEncoder<'a>, a: &'a ArrayRef, keys: &mut Keys) -> Option<()> {
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
        DataType::Utf8 => short_keyed(enc, a.as_string::<i32>(), keys),
        DataType::LargeUtf8 => short_keyed(enc, a.as_string::<i64>(), keys),
        DataType::Utf8View => plain!(a.as_string_view()),
        DataType::Dictionary(_, _) => {
            let d = a.as_any_dictionary();
            let vals = d.values();
            let mut dict = DictEncoder::new();
            push_strings(&mut dict, vals, &mut Keys::new())?;
            let sub = dict.finish();
            let map: Vec<u32> = sub
                .codes
                .to_u32()
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
    // Room for every batch's rows at once (77 batches of a parquet file grew
    // the codes by doubling, copying them each time), and one key cache.
    if batches.iter().any(|b| b.column_by_name(name).is_some()) {
        enc.reserve(batches.iter().map(RecordBatch::num_rows).sum());
    }
    let mut keys = Keys::new();
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
                push_strings(&mut enc, a, &mut keys)?;
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
    // Each column is read on its own thread (large tables only): the columns
    // are independent, and interning ten million strings per column is most of
    // the reading time.
    let n: usize = batches.iter().map(RecordBatch::num_rows).sum();
    if n < 200_000 {
        let mut ev = other_columns(batches)?;
        ev.ticket = str_col(batches, "ticket_id").flatten()?;
        return Some(ev);
    }
    const NAMES: [&str; 11] = [
        "ticket_id",
        "type",
        "actor",
        "from",
        "to",
        "team",
        "agent",
        "channel",
        "priority",
        "customer",
        "topic",
    ];
    std::thread::scope(|s| {
        let handles: Vec<_> = NAMES
            .iter()
            .map(|name| s.spawn(move || str_col(batches, name)))
            .collect();
        let rest = rest_columns(batches, n);
        let mut cols = handles
            .into_iter()
            .map(|h| h.join().ok().flatten())
            .collect::<Option<Vec<Option<StrColumn<'_>>>>>()?
            .into_iter();
        let (at, public) = rest?;
        let mut next = || cols.next().flatten();
        let mut ev = EventColumns::default();
        ev.ticket = next()?;
        ev.kind = next()?;
        ev.at = at;
        ev.public = public;
        ev.actor = next();
        ev.from = next();
        ev.to = next();
        ev.team = next();
        ev.agent = next();
        ev.channel = next();
        ev.priority = next();
        ev.customer = next();
        ev.topic = next();
        Some(ev)
    })
}

/// The `at` seconds and the `public` flags.
#[allow(clippy::type_complexity)]
fn rest_columns(batches: &[RecordBatch], n: usize) -> Option<(Vec<i64>, Option<Vec<u8>>)> {
    let mut at = Vec::with_capacity(n);
    for b in batches {
        seconds(b.column_by_name("at")?, &mut at)?;
    }
    Some((at, public_column(batches, n)?))
}

/// The `public` flags (0 false, 1 true, 2 null); `Some(None)` when absent,
/// `None` for a non-boolean column.
fn public_column(batches: &[RecordBatch], n: usize) -> Option<Option<Vec<u8>>> {
    if !batches.iter().any(|b| b.column_by_name("public").is_some()) {
        return Some(None);
    }
    let mut p = Vec::with_capacity(n);
    for b in batches {
        let a = b.column_by_name("public")?;
        match a.data_type() {
            DataType::Boolean => tri_flags(a.as_boolean(), &mut p),
            DataType::Null => p.extend(std::iter::repeat_n(2u8, a.len())),
            _ => return None,
        }
    }
    Some(Some(p))
}

/// Append the flags of `a` to `p` (0 false, 1 true, 2 null), 64 rows per
/// step from the value and validity words (a bit iterator per row was a tenth
/// of the reading time).
fn tri_flags(a: &BooleanArray, p: &mut Vec<u8>) {
    let n = a.len();
    let vals = a.values().bit_chunks();
    let valid = a
        .nulls()
        .filter(|v| v.null_count() > 0)
        .map(|v| v.inner().bit_chunks());
    let mut base = 0usize;
    let mut emit = |v: u64, ok: u64| {
        let m = n.saturating_sub(base).min(64);
        let mut b = [0u8; 64];
        for (j, x) in b.iter_mut().enumerate() {
            let (vb, ob) = ((v >> j) & 1, (ok >> j) & 1);
            // Valid: the value bit; null: 2.
            *x = ((vb & ob) | ((ob ^ 1) << 1)) as u8;
        }
        p.extend_from_slice(b.get(..m).unwrap_or(&b));
        base += 64;
    };
    match valid {
        None => vals.iter_padded().for_each(|v| emit(v, u64::MAX)),
        Some(ok) => vals
            .iter_padded()
            .zip(ok.iter_padded())
            .for_each(|(v, o)| emit(v, o)),
    }
}

fn other_columns(batches: &[RecordBatch]) -> Option<EventColumns<'_>> {
    let n: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let mut ev = EventColumns::default();
    ev.kind = str_col(batches, "type").flatten()?;
    (ev.at, ev.public) = rest_columns(batches, n)?;
    ev.actor = str_col(batches, "actor")?;
    ev.from = str_col(batches, "from")?;
    ev.to = str_col(batches, "to")?;
    ev.team = str_col(batches, "team")?;
    ev.agent = str_col(batches, "agent")?;
    ev.channel = str_col(batches, "channel")?;
    ev.priority = str_col(batches, "priority")?;
    ev.customer = str_col(batches, "customer")?;
    ev.topic = str_col(batches, "topic")?;
    Some(ev)
}

/// Validity of `v` (`NONE` is null); `None` when nothing is null.
fn validity(v: &[i64]) -> Option<NullBuffer> {
    v.contains(&NONE).then(|| {
        NullBuffer::new(BooleanBuffer::collect_bool(v.len(), |i| {
            v.get(i).is_some_and(|&x| x != NONE)
        }))
    })
}

fn i64_array(v: Vec<i64>) -> Int64Array {
    let nulls = validity(&v);
    Int64Array::new(ScalarBuffer::from(v), nulls)
}

fn ts_array(v: Vec<i64>) -> TimestampSecondArray {
    let nulls = validity(&v);
    TimestampSecondArray::new(ScalarBuffer::from(v), nulls).with_timezone("UTC")
}

fn tri(v: &[u8]) -> BooleanArray {
    v.iter()
        .map(|&x| if x == 2 { None } else { Some(x == 1) })
        .collect()
}

fn names<'s>(codes: &[u32], table: impl Fn(usize) -> Option<&'s str>) -> ArrayRef {
    strings(
        codes
            .iter()
            .map(|&k| if k == NULL { None } else { table(k as usize) }),
    )
}

/// A string column built with room for all its values at once (a column of
/// nulls when every value is null: an absent input column).
fn strings<'s>(vals: impl ExactSizeIterator<Item = Option<&'s str>> + Clone) -> ArrayRef {
    let n = vals.len();
    let bytes: usize = vals.clone().map(|v| v.map_or(0, str::len)).sum();
    if bytes == 0 && vals.clone().all(|v| v.is_none()) {
        return Arc::new(StringArray::new_null(n));
    }
    let mut b = StringBuilder::with_capacity(n, bytes);
    for v in vals {
        b.append_option(v);
    }
    Arc::new(b.finish())
}

/// The result table, column for column as `tables::metrics_table`: one
/// record batch per chunk, built on one thread per
/// chunk (no chunk is copied into another).
pub(super) fn tables(m: MetricChunks<'_>) -> Option<(Vec<RecordBatch>, Arc<Schema>)> {
    let d = Dicts {
        tickets: &m.tickets,
        channels: &m.channels,
        teams: &m.teams,
        customers: &m.customers,
    };
    let batches: Vec<RecordBatch> = if m.chunks.len() <= 1 {
        m.chunks
            .into_iter()
            .map(|c| batch(c, &d))
            .collect::<Option<_>>()?
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = m
                .chunks
                .into_iter()
                .map(|c| {
                    let d = &d;
                    s.spawn(move || batch(c, d))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().ok().flatten())
                .collect::<Option<_>>()
        })?
    };
    let schema = batches.first()?.schema();
    Some((batches, schema))
}

/// The dictionaries the result's codes index.
struct Dicts<'d, 'a> {
    tickets: &'d [&'a str],
    channels: &'d [Channel],
    teams: &'d [TeamId],
    customers: &'d [CustomerId],
}

/// One record batch of the result from one chunk of columns.
fn batch(c: MetricColumns, m: &Dicts<'_, '_>) -> Option<RecordBatch> {
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
        strings(c.priority.iter().map(|p| p.map(|p| p.as_str()))),
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
        strings(c.status.iter().map(|s| {
            status_names
                .iter()
                .find(|(k, _)| k == s)
                .map(|(_, n)| n.as_str())
        })),
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
        push(name, Arc::new(Int64Array::new(ScalarBuffer::from(v), None)));
    }
    push(
        "escalated_to_urgent",
        Arc::new(BooleanArray::from(c.escalated_to_urgent)),
    );
    push("one_touch", Arc::new(tri(&c.one_touch)));
    push("repeat_free", Arc::new(tri(&c.repeat_free)));
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).ok()
}

/// Ticket metrics by the columnar path, or `None` to use the row path.
pub(super) fn ticket_metrics(
    batches: &[RecordBatch],
    cal: Option<&BusinessCalendar>,
    defs: MetricDefinitions,
) -> Option<(Vec<RecordBatch>, Arc<Schema>)> {
    let ev = columns(batches)?;
    let threads = cx_core::threads::available();
    let m = cx_core::ops::columnar::ticket_metrics_chunks(&ev, cal, defs, threads)?;
    // Freeing the event columns (~200 MB for 10M rows) overlaps building the result.
    std::thread::scope(|s| {
        s.spawn(move || drop(ev));
        tables(m)
    })
}
