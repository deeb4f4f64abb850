//! Result tables out: Arrow record batches exported as an Arrow table object.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Float64Builder, Int64Builder, ListBuilder, StringBuilder,
    TimestampSecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{Field, Schema};
use cx_core::CxError;
use cx_core::ops::{Elapsed, TicketMetrics};
use pyo3::prelude::*;
use pyo3_arrow::PyTable;

pub(super) struct Cols {
    fields: Vec<Field>,
    arrays: Vec<ArrayRef>,
}

impl Cols {
    pub(super) fn new() -> Self {
        Self {
            fields: Vec::new(),
            arrays: Vec::new(),
        }
    }
    pub(super) fn str<'a>(&mut self, name: &str, vals: impl Iterator<Item = Option<&'a str>>) {
        let n = vals.size_hint().0;
        let mut b = StringBuilder::with_capacity(n, n * 8);
        for v in vals {
            b.append_option(v);
        }
        self.push(name, Arc::new(b.finish()));
    }
    pub(super) fn i64(&mut self, name: &str, vals: impl Iterator<Item = Option<i64>>) {
        let mut b = Int64Builder::with_capacity(vals.size_hint().0);
        for v in vals {
            b.append_option(v);
        }
        self.push(name, Arc::new(b.finish()));
    }
    pub(super) fn f64(&mut self, name: &str, vals: impl Iterator<Item = Option<f64>>) {
        let mut b = Float64Builder::with_capacity(vals.size_hint().0);
        for v in vals {
            b.append_option(v);
        }
        self.push(name, Arc::new(b.finish()));
    }
    pub(super) fn bool(&mut self, name: &str, vals: impl Iterator<Item = Option<bool>>) {
        let mut b = BooleanBuilder::with_capacity(vals.size_hint().0);
        for v in vals {
            b.append_option(v);
        }
        self.push(name, Arc::new(b.finish()));
    }
    pub(super) fn ts(&mut self, name: &str, vals: impl Iterator<Item = Option<i64>>) {
        let mut b = TimestampSecondBuilder::with_capacity(vals.size_hint().0).with_timezone("UTC");
        for v in vals {
            b.append_option(v);
        }
        self.push(name, Arc::new(b.finish()));
    }
    pub(super) fn list(&mut self, name: &str, vals: impl Iterator<Item = Vec<Option<i64>>>) {
        let mut b = ListBuilder::new(Int64Builder::new());
        for v in vals {
            for x in v {
                b.values().append_option(x);
            }
            b.append(true);
        }
        self.push(name, Arc::new(b.finish()));
    }
    pub(super) fn push(&mut self, name: &str, a: ArrayRef) {
        self.fields
            .push(Field::new(name, a.data_type().clone(), true));
        self.arrays.push(a);
    }
    pub(super) fn table(self) -> Result<(RecordBatch, Arc<Schema>), CxError> {
        let schema = Arc::new(Schema::new(self.fields));
        let batch =
            RecordBatch::try_new(schema.clone(), self.arrays).map_err(|e| CxError::Format {
                what: "result table".into(),
                reason: e.to_string(),
            })?;
        Ok((batch, schema))
    }
}

pub(super) fn py_table(py: Python<'_>, t: (RecordBatch, Arc<Schema>)) -> PyResult<Py<PyAny>> {
    Ok(PyTable::try_new(vec![t.0], t.1)?
        .into_pyobject(py)?
        .into_any()
        .unbind())
}

pub(super) fn metrics_table(ms: &[TicketMetrics]) -> Result<(RecordBatch, Arc<Schema>), CxError> {
    let mut c = Cols::new();
    c.str("ticket_id", ms.iter().map(|m| Some(m.ticket.as_str())));
    c.str(
        "channel",
        ms.iter().map(|m| m.channel.as_ref().map(|x| x.as_str())),
    );
    c.str(
        "priority",
        ms.iter().map(|m| m.priority.map(|x| x.as_str())),
    );
    c.str(
        "team",
        ms.iter().map(|m| m.team.as_ref().map(|x| x.as_str())),
    );
    c.str(
        "customer",
        ms.iter().map(|m| m.customer.as_ref().map(|x| x.as_str())),
    );
    let status: Vec<String> = ms
        .iter()
        .map(|m| {
            serde_json::to_value(m.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        })
        .collect();
    c.str("status", status.iter().map(|s| Some(s.as_str())));
    c.ts(
        "created_at",
        ms.iter().map(|m| Some(m.created_at.timestamp())),
    );
    c.ts(
        "first_reply_at",
        ms.iter().map(|m| m.first_reply_at.map(|x| x.timestamp())),
    );
    c.ts(
        "first_solved_at",
        ms.iter().map(|m| m.first_solved_at.map(|x| x.timestamp())),
    );
    c.ts(
        "last_solved_at",
        ms.iter().map(|m| m.last_solved_at.map(|x| x.timestamp())),
    );
    type Get = fn(&TicketMetrics) -> Option<Elapsed>;
    let durations: [(&str, Get); 7] = [
        ("first_reply", |m| m.first_reply),
        ("first_resolution", |m| m.first_resolution),
        ("full_resolution", |m| m.full_resolution),
        ("requester_wait", |m| m.requester_wait),
        ("agent_wait", |m| m.agent_wait),
        ("on_hold", |m| m.on_hold),
        ("agent_work", |m| m.agent_work),
    ];
    for (name, get) in durations {
        c.i64(
            &format!("{name}_secs"),
            ms.iter().map(|m| get(m).map(|e| e.calendar_secs)),
        );
        c.i64(
            &format!("{name}_business_secs"),
            ms.iter().map(|m| get(m).and_then(|e| e.business_secs)),
        );
    }
    c.list(
        "next_reply_secs",
        ms.iter().map(|m| {
            m.next_replies
                .iter()
                .map(|e| Some(e.calendar_secs))
                .collect()
        }),
    );
    c.list(
        "next_reply_business_secs",
        ms.iter()
            .map(|m| m.next_replies.iter().map(|e| e.business_secs).collect()),
    );
    type Count = fn(&TicketMetrics) -> u32;
    let counts: [(&str, Count); 8] = [
        ("agent_replies", |m| m.agent_replies),
        ("requester_comments", |m| m.requester_comments),
        ("solves", |m| m.solves),
        ("reopens", |m| m.reopens),
        ("reassignments", |m| m.reassignments),
        ("assignee_stations", |m| m.assignee_stations),
        ("group_stations", |m| m.group_stations),
        ("escalations", |m| m.escalations),
    ];
    for (name, get) in counts {
        c.i64(name, ms.iter().map(|m| Some(i64::from(get(m)))));
    }
    c.bool(
        "escalated_to_urgent",
        ms.iter().map(|m| Some(m.escalated_to_urgent)),
    );
    c.bool("one_touch", ms.iter().map(|m| m.one_touch));
    c.bool("repeat_free", ms.iter().map(|m| m.repeat_free));
    c.table()
}
