//! CSV input: [`FeedbackReader`] (streaming, bounded memory, parallel) and
//! [`read_feedback_csv`].
//!
//! The input is read in blocks of bytes (about `batch_size × 160` bytes,
//! between 256 KiB and 64 MiB). Each block is cut into one span per worker
//! thread at a guessed record boundary (the byte after a newline near the cut);
//! every span is parsed on its own thread with `csv_core`, decoded per field,
//! validated and turned into a [`FeedbackBatch`]. A guess is checked: the span
//! before it must end exactly there when parsed for real. A newline inside a
//! quoted field makes the check fail, and the rest of the block is then parsed
//! on one thread from the true boundary, so quoted newlines never split a
//! record and row and line numbers stay exact. Rows are numbered and duplicate
//! ids detected when the spans are merged, in order.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::io::Read;
use std::path::Path;

use csv_core::{ReadFieldResult, ReadRecordResult};

use super::batch::FeedbackBatch;
use super::encoding::{self, Encoding, UTF8_BOM};
use super::mapping::{Field, N_FIELDS, Resolved, resolve};
use super::validate::{Cells, FxHasher, Validator};
use super::{ErrorPolicy, Ingested, ReadOptions, Rejection, redacted};
use crate::progress::{Progress, ProgressRead, Ticker};
use crate::{CxError, Result};

/// 128-bit fingerprint of an id for the duplicate check (two SipHash-1-3
/// passes with different prefixes; a false duplicate has probability ≈ n²/2¹²⁹).
pub(crate) fn fingerprint(id: &str) -> u128 {
    let mut a = std::hash::DefaultHasher::new();
    id.hash(&mut a);
    let mut b = std::hash::DefaultHasher::new();
    0x9E37_79B9_7F4A_7C15u64.hash(&mut b);
    id.hash(&mut b);
    (u128::from(a.finish()) << 64) | u128::from(b.finish())
}

/// Ids seen so far (fingerprint → first row).
pub(crate) type SeenIds = HashMap<u128, usize, BuildHasherDefault<FxHasher>>;

/// What the columns of the file are.
#[derive(Debug, Clone)]
struct Layout {
    ncols: usize,
    resolved: Resolved,
    enc: Encoding,
    delimiter: u8,
    dedupe: bool,
}

/// The result of parsing one span of a block.
#[derive(Debug)]
struct SpanOut {
    batch: FeedbackBatch,
    /// Line (0-based, relative to the span start) of each accepted row.
    lines: Vec<u64>,
    /// Fingerprint of each accepted row's id (empty without dedupe).
    fps: Vec<u128>,
    rejected: Vec<Rejection>,
    rows: usize,
    newlines: u64,
    end: usize,
    /// False if a record ran into the end of the data before EOF.
    complete: bool,
}

/// Reusable csv_core state and buffers of one worker.
struct RecordReader {
    core: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl RecordReader {
    fn new(delimiter: u8) -> Self {
        Self {
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            out: vec![0; 4096],
            ends: vec![0; 64],
        }
    }

    /// Read one record from `data[*pos..]`; `Some(nfields)` on a record
    /// (`*pos` moves past it), `None` if the data ends inside the record and
    /// `eof` is false (`*pos` unchanged) or there is no record.
    fn read(&mut self, data: &[u8], pos: &mut usize, eof: bool) -> Option<usize> {
        let (mut p, mut nout, mut nend) = (*pos, 0, 0);
        loop {
            let input = data.get(p..).unwrap_or_default();
            if input.is_empty() && !eof {
                self.core.reset();
                return None;
            }
            let (res, nin, no, ne) =
                self.core
                    .read_record(input, &mut self.out[nout..], &mut self.ends[nend..]);
            p += nin;
            nout += no;
            nend += ne;
            match res {
                ReadRecordResult::Record => {
                    *pos = p;
                    return Some(nend);
                }
                ReadRecordResult::OutputFull => {
                    let n = self.out.len() * 2;
                    self.out.resize(n, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0);
                }
                // At EOF the next call, with empty input, flushes the last record.
                ReadRecordResult::InputEmpty if eof => {}
                ReadRecordResult::InputEmpty | ReadRecordResult::End => {
                    self.core.reset();
                    return None;
                }
            }
        }
    }

    fn field(&self, i: usize) -> &[u8] {
        let lo = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.out[lo..self.ends[i]]
    }
}

/// Offset of field `i` within a raw record (for exact byte offsets of errors).
fn raw_field_start(raw: &[u8], delimiter: u8, i: usize) -> usize {
    let mut core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let mut out = vec![0u8; raw.len() + 1];
    let (mut pos, mut field) = (0, 0);
    while field < i && pos < raw.len() {
        let (res, nin, _) = core.read_field(&raw[pos..], &mut out);
        pos += nin;
        match res {
            ReadFieldResult::Field { .. } => field += 1,
            _ => break,
        }
    }
    pos
}

#[inline]
fn skip_blank(data: &[u8], pos: &mut usize, newlines: &mut u64) {
    while let Some(&b) = data.get(*pos) {
        match b {
            b'\n' => *newlines += 1,
            b'\r' => {}
            _ => break,
        }
        *pos += 1;
    }
}

/// Parse the records that start in `data[start..stop)` (and, with `eof`, the
/// final one without a terminator).
#[allow(clippy::too_many_arguments)]
fn parse_span(
    layout: &Layout,
    v: &mut Validator,
    data: &[u8],
    start: usize,
    stop: usize,
    eof: bool,
    base_offset: u64,
    policy: ErrorPolicy,
) -> SpanOut {
    let mut rr = RecordReader::new(layout.delimiter);
    let mut o = SpanOut {
        batch: FeedbackBatch::with_capacity((stop - start) / 128 + 16),
        lines: Vec::new(),
        fps: Vec::new(),
        rejected: Vec::new(),
        rows: 0,
        newlines: 0,
        end: start,
        complete: true,
    };
    let mut pos = start;
    loop {
        skip_blank(data, &mut pos, &mut o.newlines);
        if pos >= stop || pos >= data.len() {
            break;
        }
        let rec_start = pos;
        let Some(nfields) = rr.read(data, &mut pos, eof) else {
            // Without EOF, the record runs into the end of the data.
            o.complete = eof;
            pos = rec_start;
            break;
        };
        let line = o.newlines;
        let raw = &data[rec_start..pos];
        o.newlines += raw.iter().filter(|&&b| b == b'\n').count() as u64;
        let row = o.rows;
        o.rows += 1;
        match record(
            layout,
            v,
            &rr,
            nfields,
            raw,
            row,
            base_offset + rec_start as u64,
            &mut o.batch,
        ) {
            Ok(()) => {
                o.lines.push(line);
                if layout.dedupe
                    && let Some(id) = o.batch.feedback_id.get(o.batch.len() - 1)
                {
                    o.fps.push(fingerprint(id));
                }
            }
            Err(e) => {
                o.rejected.push(Rejection::new(row, line, e));
                if policy == ErrorPolicy::Strict {
                    pos = pos.max(stop);
                    break;
                }
            }
        }
    }
    o.end = pos;
    o
}

#[allow(clippy::too_many_arguments)]
fn record(
    layout: &Layout,
    v: &mut Validator,
    rr: &RecordReader,
    nfields: usize,
    raw: &[u8],
    row: usize,
    offset: u64,
    batch: &mut FeedbackBatch,
) -> Result<()> {
    if nfields != layout.ncols {
        return Err(CxError::invalid(
            "<record>",
            None,
            format!("{nfields} fields"),
            format!(
                "expected {} fields (as in the header), found {nfields}",
                layout.ncols
            ),
        ));
    }
    let mut cells: Cells<'_> = Default::default();
    for f in Field::ALL {
        let Some(c) = layout.resolved.columns[f.index()] else {
            continue;
        };
        let bytes = rr.field(c);
        match encoding::decode(layout.enc, bytes) {
            Ok(s) => cells[f.index()] = Some(s),
            Err(_) => {
                let fs = raw_field_start(raw, layout.delimiter, c);
                let rel = raw
                    .get(fs..)
                    .and_then(|r| encoding::decode(layout.enc, r).err())
                    .unwrap_or(0);
                return Err(CxError::Encoding {
                    field: f.as_str().into(),
                    row: None,
                    encoding: layout.enc.name().into(),
                    byte_offset: offset + (fs + rel) as u64,
                });
            }
        }
    }
    v.push(row, &cells, batch)
}

/// Streams feedback from CSV input as [`FeedbackBatch`]es of at most
/// `batch_size` rows, holding one block of input at a time.
///
/// Rejected rows accumulate in [`FeedbackReader::rejected`] (under
/// [`ErrorPolicy::Collect`]); under [`ErrorPolicy::Strict`] the first bad row
/// ends the stream with its error. The duplicate-id check keeps a 16-byte
/// fingerprint per accepted id (about 40 bytes per row with the table):
/// switch it off with `reject_duplicate_ids(false)` for inputs of hundreds of
/// millions of rows.
///
/// # Examples
/// ```
/// use cx_core::ingest::{FeedbackReader, ReadOptions};
/// let data = "feedback_id,channel,timestamp\nA,email,2024-03-01T09:00:00Z\nB,sms,2024-03-01T10:00:00Z\nC,phone,1709287200\n";
/// let mut rdr = FeedbackReader::new(data.as_bytes(), ReadOptions::new().batch_size(2))?;
/// let sizes: Vec<usize> = rdr.by_ref().map(|b| b.map(|b| b.len())).collect::<Result<_, _>>()?;
/// assert_eq!(sizes, [2, 1]);
/// assert_eq!(rdr.rows_read(), 3);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub struct FeedbackReader<R> {
    inner: R,
    opts: ReadOptions,
    layout: Layout,
    headers: Vec<String>,
    buf: Vec<u8>,
    eof: bool,
    done: bool,
    base_offset: u64,
    base_line: u64,
    block_bytes: usize,
    rows_read: usize,
    rejected: Vec<Rejection>,
    pending: VecDeque<FeedbackBatch>,
    validators: Vec<Validator>,
    seen: SeenIds,
}

impl<R> std::fmt::Debug for FeedbackReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedbackReader")
            .field("headers", &self.headers)
            .field("encoding", &self.layout.enc)
            .field("rows_read", &self.rows_read)
            .finish_non_exhaustive()
    }
}

impl<R: Read> FeedbackReader<R> {
    /// Read the header (and the first block) and resolve the columns.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] for bad options or a mapping that names a
    /// header not in the file, an unknown field or one field twice;
    /// [`CxError::MissingField`] when no column maps to `channel` or
    /// `timestamp`; [`CxError::Encoding`] for an undecodable header;
    /// [`CxError::Io`] for read failures; [`CxError::EmptyInput`] for an
    /// input without a header.
    pub fn new(inner: R, opts: impl Into<ReadOptions>) -> Result<Self> {
        let opts = opts.into();
        opts.validate()?;
        let block_bytes = opts
            .batch_size
            .saturating_mul(160)
            .clamp(256 << 10, 64 << 20);
        let mut me = Self {
            inner,
            layout: Layout {
                ncols: 0,
                resolved: Resolved {
                    columns: [None; N_FIELDS],
                    ignored: Vec::new(),
                },
                enc: Encoding::Utf8,
                delimiter: opts.delimiter,
                dedupe: opts.reject_duplicate_ids,
            },
            validators: (0..opts.worker_threads())
                .map(|_| Validator::new(&opts))
                .collect(),
            opts,
            headers: Vec::new(),
            buf: Vec::new(),
            eof: false,
            done: false,
            base_offset: 0,
            base_line: 1,
            block_bytes,
            rows_read: 0,
            rejected: Vec::new(),
            pending: VecDeque::new(),
            seen: SeenIds::default(),
        };
        me.fill(64 << 10)?;
        if me.buf.starts_with(UTF8_BOM) {
            me.buf.drain(..UTF8_BOM.len());
            me.base_offset = UTF8_BOM.len() as u64;
            me.layout.enc = match me.opts.encoding {
                Encoding::Gb18030 => Encoding::Gb18030,
                _ => Encoding::Utf8,
            };
        } else {
            me.layout.enc = me.opts.encoding.detect(&me.buf, me.eof);
        }
        me.read_header()?;
        Ok(me)
    }

    fn fill(&mut self, target: usize) -> Result<()> {
        while self.buf.len() < target && !self.eof {
            let old = self.buf.len();
            let want = (target - old).max(8 << 10);
            self.buf.resize(old + want, 0);
            match self.inner.read(&mut self.buf[old..]) {
                Ok(0) => {
                    self.buf.truncate(old);
                    self.eof = true;
                }
                Ok(n) => self.buf.truncate(old + n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => self.buf.truncate(old),
                Err(e) => {
                    self.buf.truncate(old);
                    return Err(e.into());
                }
            }
        }
        Ok(())
    }

    fn read_header(&mut self) -> Result<()> {
        let mut rr = RecordReader::new(self.opts.delimiter);
        loop {
            let (mut pos, mut nl) = (0, 0);
            skip_blank(&self.buf, &mut pos, &mut nl);
            let start = pos;
            match rr.read(&self.buf, &mut pos, self.eof) {
                Some(n) => {
                    let mut fields = Vec::with_capacity(n);
                    for i in 0..n {
                        let s = encoding::decode(self.layout.enc, rr.field(i)).map_err(|bad| {
                            CxError::Encoding {
                                field: "<header>".into(),
                                row: None,
                                encoding: self.layout.enc.name().into(),
                                byte_offset: self.base_offset + (start + bad) as u64,
                            }
                        })?;
                        fields.push(s.trim().trim_start_matches('\u{FEFF}').to_string());
                    }
                    self.layout.ncols = n;
                    if self.opts.has_header {
                        nl += self.buf[start..pos].iter().filter(|&&b| b == b'\n').count() as u64;
                        self.buf.drain(..pos);
                        self.base_offset += pos as u64;
                        self.base_line += nl;
                        self.headers = fields;
                    } else if self.opts.mapping.is_empty() {
                        self.headers = (0..n)
                            .map(|i| {
                                Field::ALL
                                    .get(i)
                                    .map_or(format!("column_{}", i + 1), |f| f.as_str().into())
                            })
                            .collect();
                    } else {
                        self.headers = (1..=n).map(|i| i.to_string()).collect();
                    }
                    self.layout.resolved = resolve(&self.headers, &self.opts.mapping)?;
                    return Ok(());
                }
                None if self.eof => {
                    return Err(CxError::EmptyInput {
                        what: "CSV input (no header record)".into(),
                    });
                }
                None => {
                    let target = self.buf.len() * 2;
                    self.fill(target)?;
                }
            }
        }
    }

    /// The headers of the file (`"1"`, `"2"`, ... or canonical names without a header).
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The encoding in use (resolved from `Auto`).
    pub fn encoding(&self) -> Encoding {
        self.layout.enc
    }

    /// Headers that map to no field.
    pub fn ignored_columns(&self) -> &[String] {
        &self.layout.resolved.ignored
    }

    /// Data records read so far (accepted + rejected).
    pub fn rows_read(&self) -> usize {
        self.rows_read
    }

    /// Rows rejected so far, in row order.
    pub fn rejected(&self) -> &[Rejection] {
        &self.rejected
    }

    /// Take the rows rejected so far (to bound memory on long streams).
    pub fn take_rejected(&mut self) -> Vec<Rejection> {
        std::mem::take(&mut self.rejected)
    }

    /// The next batch of accepted rows, or `None` at the end of the input.
    ///
    /// # Errors
    /// [`CxError::Io`] on read failures; under [`ErrorPolicy::Strict`], the
    /// typed error of the first bad row (with its row).
    pub fn next_batch(&mut self) -> Result<Option<FeedbackBatch>> {
        loop {
            if let Some(b) = self.pending.pop_front() {
                return Ok(Some(b));
            }
            if self.done {
                return Ok(None);
            }
            if let Err(e) = self.process_block() {
                self.done = true;
                return Err(e);
            }
        }
    }

    fn process_block(&mut self) -> Result<()> {
        let target = self.block_bytes.max(self.buf.len() + self.block_bytes / 2);
        self.fill(target)?;
        if self.buf.is_empty() {
            self.done = true;
            return Ok(());
        }
        let data = &self.buf[..];
        let len = data.len();
        let threads = if len < (64 << 10) {
            1
        } else {
            self.validators.len()
        };
        let mut starts = vec![0usize];
        for k in 1..threads {
            let nominal = len * k / threads;
            if let Some(nl) = data[nominal..].iter().position(|&b| b == b'\n') {
                let mut s = nominal + nl + 1;
                let mut ignore = 0;
                skip_blank(data, &mut s, &mut ignore);
                if s < len && s > *starts.last().unwrap_or(&0) {
                    starts.push(s);
                }
            }
        }
        let (layout, eof, base, policy) =
            (&self.layout, self.eof, self.base_offset, self.opts.errors);
        let n = starts.len();
        let mut outs: Vec<SpanOut> = std::thread::scope(|scope| {
            let mut vals = self.validators.iter_mut();
            let first = vals.next();
            let handles: Vec<_> = (1..n)
                .zip(vals)
                .map(|(k, v)| {
                    let (s, e) = (starts[k], starts.get(k + 1).copied().unwrap_or(len));
                    let last = k + 1 == n;
                    scope
                        .spawn(move || parse_span(layout, v, data, s, e, eof && last, base, policy))
                })
                .collect();
            let mut outs = Vec::with_capacity(n);
            if let Some(v) = first {
                let e = starts.get(1).copied().unwrap_or(len);
                outs.push(parse_span(
                    layout,
                    v,
                    data,
                    0,
                    e,
                    eof && n == 1,
                    base,
                    policy,
                ));
            }
            for h in handles {
                match h.join() {
                    Ok(o) => outs.push(o),
                    Err(_) => break,
                }
            }
            outs
        });
        // Check the guessed boundaries; from the first wrong one, parse sequentially.
        let mut keep = outs.len();
        for k in 0..outs.len() {
            let last = k + 1 == n;
            let ok = outs[k].complete && (last || outs[k].end == starts[k + 1]);
            if !ok {
                keep = k + 1;
                break;
            }
        }
        if keep < n || outs.len() < n {
            outs.truncate(keep);
            let from = outs.last().map_or(0, |o| o.end);
            let resume = outs.last().is_none_or(|o| o.complete);
            if resume
                && from < len
                && let Some(v) = self.validators.first_mut()
            {
                outs.push(parse_span(
                    &self.layout,
                    v,
                    &self.buf,
                    from,
                    len,
                    self.eof,
                    base,
                    policy,
                ));
            }
        }
        let consumed = outs.last().map_or(0, |o| o.end);
        self.merge(outs)?;
        let consumed_nl = self.buf[..consumed].iter().filter(|&&b| b == b'\n').count() as u64;
        self.buf.drain(..consumed);
        self.base_offset += consumed as u64;
        self.base_line += consumed_nl;
        if self.eof && (self.buf.is_empty() || consumed == 0) {
            self.done = true;
        }
        Ok(())
    }

    fn merge(&mut self, outs: Vec<SpanOut>) -> Result<()> {
        let mut line_base = self.base_line;
        let mut new_rejected = Vec::new();
        for mut o in outs {
            let row_base = self.rows_read;
            for r in &mut o.batch.row {
                *r += row_base;
            }
            for mut r in o.rejected.drain(..) {
                r.shift(row_base, line_base);
                new_rejected.push(r);
            }
            if self.layout.dedupe {
                let mut dups = Vec::new();
                for (i, fp) in o.fps.iter().enumerate() {
                    let row = o.batch.row[i];
                    if let Some(&first) = self.seen.get(fp) {
                        let id = o.batch.feedback_id.get(i).unwrap_or_default();
                        let e = CxError::invalid(
                            "feedback_id",
                            None,
                            id,
                            format!("duplicate feedback_id (first seen at row {first})"),
                        );
                        new_rejected.push(Rejection::new(row, line_base + o.lines[i], e));
                        dups.push(i);
                    } else {
                        self.seen.insert(*fp, row);
                    }
                }
                o.batch.remove_rows(&dups);
            }
            self.rows_read += o.rows;
            line_base += o.newlines;
            let bs = self.opts.batch_size;
            while o.batch.len() > bs {
                let rest = o.batch.split_off(bs);
                self.pending
                    .push_back(std::mem::replace(&mut o.batch, rest));
            }
            if !o.batch.is_empty() {
                self.pending.push_back(o.batch);
            }
        }
        new_rejected.sort_by_key(|r| r.row);
        if self.opts.errors == ErrorPolicy::Strict
            && let Some(r) = new_rejected.first()
        {
            self.pending.clear();
            return Err(r.to_error());
        }
        self.rejected.append(&mut new_rejected);
        Ok(())
    }
}

impl<R: Read> Iterator for FeedbackReader<R> {
    type Item = Result<FeedbackBatch>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_batch().transpose()
    }
}

/// Read a whole CSV input into one batch with its report.
///
/// # Errors
/// As [`FeedbackReader::new`] and [`FeedbackReader::next_batch`].
///
/// # Examples
/// ```
/// use cx_core::ingest::{read_feedback_csv, ErrorPolicy, ReadOptions};
/// let data = "编号,渠道,提交时间,内容\n1,电话,2024-03-01T14:05:00+08:00,\"太慢了,\n等了很久\"\n2,信鸽,2024-03-01T15:00:00+08:00,x\n";
/// let got = read_feedback_csv(data.as_bytes(), &ReadOptions::new().errors(ErrorPolicy::Collect))?;
/// assert_eq!((got.rows_read, got.accepted.len()), (2, 1));
/// assert_eq!((got.rejected[0].row, got.rejected[0].line), (1, 4));
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn read_feedback_csv<R: Read>(input: R, opts: &ReadOptions) -> Result<Ingested<FeedbackBatch>> {
    let mut rdr = FeedbackReader::new(input, opts.clone())?;
    let mut all = FeedbackBatch::new();
    while let Some(b) = rdr.next_batch()? {
        if all.is_empty() && all.channel_dict.len() == b.channel_dict.len() {
            all = b;
        } else {
            all.append(b)?;
        }
    }
    Ok(Ingested {
        accepted: all,
        rows_read: rdr.rows_read,
        ignored_columns: rdr.layout.resolved.ignored.clone(),
        rejected: std::mem::take(&mut rdr.rejected),
    })
}

/// Read a feedback file: JSON Lines for `.jsonl`, `.ndjson` and `.json`
/// extensions, CSV otherwise.
///
/// # Errors
/// [`CxError::Io`] naming the path when it cannot be opened; otherwise as
/// [`read_feedback_csv`] and [`read_feedback_jsonl`](super::read_feedback_jsonl).
pub fn read_feedback_file(
    path: impl AsRef<Path>,
    opts: &ReadOptions,
) -> Result<Ingested<FeedbackBatch>> {
    read_file(path.as_ref(), opts, None)
}

/// [`read_feedback_file`] reporting the bytes read of the file's size to `progress`
/// (see [`crate::progress`]); `(size, size)` is reported once every row is parsed.
///
/// # Errors
/// As [`read_feedback_file`], and the error of `progress`, which stops the reading.
/// # Examples
/// ```
/// use std::sync::Mutex;
/// use cx_core::ingest::{read_feedback_file_progress, ReadOptions};
/// let path = std::env::temp_dir().join(format!("cx-progress-doc-{}.csv", std::process::id()));
/// std::fs::write(&path, "feedback_id,channel,timestamp,nps\nA,email,2024-03-01T09:00:00Z,9\n")?;
/// let last = Mutex::new((0, 0));
/// let keep = |d: u64, t: u64| { if let Ok(mut l) = last.lock() { *l = (d, t); } Ok(()) };
/// let got = read_feedback_file_progress(&path, &ReadOptions::new(), &keep)?;
/// let size = std::fs::metadata(&path)?.len();
/// assert_eq!((got.rows_read, *last.lock().map_err(|_| cx_core::CxError::option("x", "y"))?), (1, (size, size)));
/// std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_feedback_file_progress(
    path: impl AsRef<Path>,
    opts: &ReadOptions,
    progress: &dyn Progress,
) -> Result<Ingested<FeedbackBatch>> {
    read_file(path.as_ref(), opts, Some(progress))
}

/// Open `path` for reading with its size (for progress).
pub(crate) fn open_sized(path: &Path) -> Result<(std::fs::File, u64)> {
    let io = |e: std::io::Error| CxError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    Ok((file, size))
}

fn read_file(
    path: &Path,
    opts: &ReadOptions,
    progress: Option<&dyn Progress>,
) -> Result<Ingested<FeedbackBatch>> {
    let (file, size) = open_sized(path)?;
    let ticker = Ticker::new(progress, size);
    ticker.start()?;
    let input = ProgressRead::new(file, &ticker);
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let got = match ext.as_deref() {
        Some("jsonl" | "ndjson" | "json") => {
            super::read_feedback_jsonl(std::io::BufReader::with_capacity(1 << 16, input), opts)
        }
        _ => read_feedback_csv(input, opts),
    };
    ProgressRead::<std::fs::File>::result(&ticker, got)
}

/// Value of a whole record for errors: never its content.
pub(crate) fn record_value(raw: &[u8]) -> String {
    redacted(&String::from_utf8_lossy(raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> ReadOptions {
        ReadOptions::new()
            .tz(chrono_tz::Asia::Shanghai)
            .errors(ErrorPolicy::Collect)
    }

    #[test]
    fn quoted_newlines_keep_lines_exact() -> Result<()> {
        let data = "id,channel,time,text\n\
                    a,phone,2024-03-01 10:00,\"line1\nline2\"\n\
                    \n\
                    b,email,bad,x\n\
                    c,sms,2024-03-01 11:00,\"q\"\"q,\n\n\"\n\
                    d,chat,2024-03-01 12:00\n";
        let got = read_feedback_csv(data.as_bytes(), &opts())?;
        assert_eq!(got.rows_read, 4);
        let rl: Vec<(usize, u64, &str)> = got
            .rejected
            .iter()
            .map(|r| (r.row, r.line, r.field.as_str()))
            .collect();
        assert_eq!(rl, [(1, 5, "timestamp"), (3, 9, "<record>")]);
        assert_eq!(got.accepted.text.get(1), Some("q\"q,\n\n"));
        assert_eq!(got.accepted.row, [0, 2]);
        Ok(())
    }

    #[test]
    fn parallel_spans_agree_with_sequential() -> Result<()> {
        let mut s = String::from("feedback_id,channel,timestamp,nps,text\n");
        for i in 0..40_000 {
            let nps = if i % 997 == 0 {
                "12".to_string()
            } else {
                (i % 11).to_string()
            };
            let text = if i % 7 == 0 {
                "\"多行\n文本,含逗号\""
            } else {
                "好"
            };
            let id = if i % 1501 == 0 { 5 } else { i };
            s.push_str(&format!(
                "F{id},微信,2024-03-01 10:{:02},{nps},{text}\n",
                i % 60
            ));
        }
        let seq = read_feedback_csv(s.as_bytes(), &opts().threads(1))?;
        for t in [2, 3, 4] {
            let par = read_feedback_csv(s.as_bytes(), &opts().threads(t).batch_size(1000))?;
            assert_eq!(par.rows_read, seq.rows_read);
            assert_eq!(par.rejected, seq.rejected);
            assert_eq!(par.accepted, seq.accepted);
        }
        assert_eq!(seq.rows_read, 40_000);
        assert_eq!(seq.rows_read, seq.accepted.len() + seq.rejected.len());
        Ok(())
    }

    #[test]
    fn raw_offsets() {
        assert_eq!(raw_field_start(b"a,\"b,c\",d", b',', 2), 8);
        assert_eq!(record_value("秘密".as_bytes()), "<redacted len=2>");
    }
}
