//! Compact string columns: one buffer plus offsets (the Arrow layout), so a
//! batch of a million rows costs a handful of allocations, not millions.

/// A column of optional strings stored as one UTF-8 buffer plus offsets.
///
/// Row `i` is `data[offsets[i]..offsets[i + 1]]` when `valid[i]`, else missing.
///
/// # Examples
/// ```
/// use cx_core::ingest::StrColumn;
/// let mut c = StrColumn::new();
/// c.push(Some("微信"));
/// c.push(None);
/// assert_eq!(c.get(0), Some("微信"));
/// assert_eq!(c.get(1), None);
/// assert_eq!(c.iter().collect::<Vec<_>>(), [Some("微信"), None]);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct StrColumn {
    offsets: Vec<usize>,
    data: String,
    valid: Vec<bool>,
}

impl Default for StrColumn {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for StrColumn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter().take(20)).finish()
    }
}

impl StrColumn {
    /// An empty column.
    pub fn new() -> Self {
        Self::with_capacity(0, 0)
    }

    /// An empty column with room for `rows` rows and `bytes` bytes of text.
    pub fn with_capacity(rows: usize, bytes: usize) -> Self {
        let mut offsets = Vec::with_capacity(rows + 1);
        offsets.push(0);
        Self {
            offsets,
            data: String::with_capacity(bytes),
            valid: Vec::with_capacity(rows),
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.valid.len()
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.valid.is_empty()
    }

    /// Append a row.
    #[inline]
    pub fn push(&mut self, v: Option<&str>) {
        if let Some(s) = v {
            self.data.push_str(s);
        }
        self.offsets.push(self.data.len());
        self.valid.push(v.is_some());
    }

    /// Row `i` (`None` when missing or out of bounds).
    #[inline]
    pub fn get(&self, i: usize) -> Option<&str> {
        if !*self.valid.get(i)? {
            return None;
        }
        self.data.get(self.offsets[i]..self.offsets[i + 1])
    }

    /// The rows in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Option<&str>> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// `len() + 1` byte offsets into [`StrColumn::data`].
    pub fn offsets(&self) -> &[usize] {
        &self.offsets
    }

    /// The concatenated text of all rows.
    pub fn data(&self) -> &str {
        &self.data
    }

    /// Per-row validity (`false` = missing).
    pub fn validity(&self) -> &[bool] {
        &self.valid
    }

    /// Move the rows of `other` to the end.
    pub fn append(&mut self, other: &StrColumn) {
        let base = self.data.len();
        self.data.push_str(&other.data);
        self.offsets
            .extend(other.offsets[1..].iter().map(|o| o + base));
        self.valid.extend_from_slice(&other.valid);
    }

    /// Split off rows `at..`.
    pub fn split_off(&mut self, at: usize) -> StrColumn {
        let at = at.min(self.len());
        let cut = self.offsets[at];
        let mut out = StrColumn::with_capacity(self.len() - at, self.data.len() - cut);
        out.data.push_str(&self.data[cut..]);
        out.offsets
            .extend(self.offsets[at + 1..].iter().map(|o| o - cut));
        out.valid.extend_from_slice(&self.valid[at..]);
        self.data.truncate(cut);
        self.offsets.truncate(at + 1);
        self.valid.truncate(at);
        out
    }

    /// Keep the rows whose index is not in `sorted` (sorted, distinct).
    pub(crate) fn remove_rows(&mut self, sorted: &[usize]) {
        let mut out = StrColumn::with_capacity(self.len(), self.data.len());
        let mut k = 0;
        for i in 0..self.len() {
            if sorted.get(k) == Some(&i) {
                k += 1;
                continue;
            }
            out.push(self.get(i));
        }
        *self = out;
    }
}

/// A column of lists of strings (the tags of each row).
///
/// # Examples
/// ```
/// use cx_core::ingest::ListColumn;
/// let mut c = ListColumn::new();
/// c.push(["物流", "价格"]);
/// c.push([] as [&str; 0]);
/// assert_eq!(c.get(0).collect::<Vec<_>>(), ["物流", "价格"]);
/// assert_eq!(c.get(1).count(), 0);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ListColumn {
    /// `len() + 1` offsets into `values`.
    offsets: Vec<usize>,
    values: StrColumn,
}

impl Default for ListColumn {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for ListColumn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries((0..self.len().min(20)).map(|i| self.get(i).collect::<Vec<_>>()))
            .finish()
    }
}

impl ListColumn {
    /// An empty column.
    pub fn new() -> Self {
        Self {
            offsets: vec![0],
            values: StrColumn::new(),
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Append a row.
    pub fn push<'a>(&mut self, items: impl IntoIterator<Item = &'a str>) {
        for s in items {
            self.values.push(Some(s));
        }
        self.offsets.push(self.values.len());
    }

    /// The items of row `i` (empty when out of bounds).
    pub fn get(&self, i: usize) -> impl Iterator<Item = &str> + '_ {
        let (lo, hi) = match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => (a, b),
            _ => (0, 0),
        };
        (lo..hi).filter_map(|j| self.values.get(j))
    }

    /// `len() + 1` offsets into [`ListColumn::values`].
    pub fn offsets(&self) -> &[usize] {
        &self.offsets
    }

    /// All items of all rows.
    pub fn values(&self) -> &StrColumn {
        &self.values
    }

    /// Move the rows of `other` to the end.
    pub fn append(&mut self, other: &ListColumn) {
        let base = self.values.len();
        self.values.append(&other.values);
        self.offsets
            .extend(other.offsets[1..].iter().map(|o| o + base));
    }

    /// Split off rows `at..`.
    pub fn split_off(&mut self, at: usize) -> ListColumn {
        let at = at.min(self.len());
        let cut = self.offsets[at];
        let values = self.values.split_off(cut);
        let mut offsets = vec![0];
        offsets.extend(self.offsets[at + 1..].iter().map(|o| o - cut));
        self.offsets.truncate(at + 1);
        ListColumn { offsets, values }
    }

    /// Keep the rows whose index is not in `sorted` (sorted, distinct).
    pub(crate) fn remove_rows(&mut self, sorted: &[usize]) {
        let mut out = ListColumn::new();
        let mut k = 0;
        for i in 0..self.len() {
            if sorted.get(k) == Some(&i) {
                k += 1;
                continue;
            }
            out.push(self.get(i));
        }
        *self = out;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn str_column_append_split_remove() {
        let mut a = StrColumn::new();
        for v in [Some("a"), None, Some("ccc")] {
            a.push(v);
        }
        let mut b = StrColumn::new();
        b.push(Some("dd"));
        a.append(&b);
        let tail = a.split_off(1);
        assert_eq!(a.iter().collect::<Vec<_>>(), [Some("a")]);
        assert_eq!(
            tail.iter().collect::<Vec<_>>(),
            [None, Some("ccc"), Some("dd")]
        );
        let mut t = tail;
        t.remove_rows(&[1]);
        assert_eq!(t.iter().collect::<Vec<_>>(), [None, Some("dd")]);
    }

    #[test]
    fn list_column_append_split_remove() {
        let mut a = ListColumn::new();
        a.push(["x", "y"]);
        a.push([] as [&str; 0]);
        let mut b = ListColumn::new();
        b.push(["z"]);
        a.append(&b);
        let mut tail = a.split_off(1);
        assert_eq!(a.get(0).collect::<Vec<_>>(), ["x", "y"]);
        assert_eq!(tail.len(), 2);
        assert_eq!(tail.get(1).collect::<Vec<_>>(), ["z"]);
        tail.remove_rows(&[0]);
        assert_eq!(tail.get(0).collect::<Vec<_>>(), ["z"]);
    }
}
