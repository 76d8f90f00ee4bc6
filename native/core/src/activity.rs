//! Activities: what flows between modules, a tensor or a (nested, ordered) table of activities,
//! as BigDL's `Activity` (`Tensor` or 1-based `Table`; here tables are 0-based `Vec`s).

use crate::element::Element;
use crate::error::{Error, Result};
use crate::tensor::{from_vec, Tensor};

/// A module's input or output.
#[derive(Debug, Clone, PartialEq)]
pub enum Activity<T: Element> {
    /// One tensor.
    Tensor(Tensor<T>),
    /// An ordered table of activities.
    Table(Vec<Activity<T>>),
}

/// Nesting deeper than this is refused when decoding (hostile layouts).
const MAX_DEPTH: usize = 64;

impl<T: Element> Activity<T> {
    /// The tensor, or a shape error naming `who` when this is a table.
    pub fn tensor(&self, who: &str) -> Result<&Tensor<T>> {
        match self {
            Activity::Tensor(t) => Ok(t),
            Activity::Table(_) => Err(Error::invalid(
                who,
                format!("expects a tensor, got the table {}", self.describe()),
            )),
        }
    }

    /// The table's elements, or an error naming `who` when this is a tensor.
    pub fn table(&self, who: &str) -> Result<&[Activity<T>]> {
        match self {
            Activity::Table(v) => Ok(v),
            Activity::Tensor(t) => Err(Error::invalid(
                who,
                format!(
                    "expects a table, got a tensor of shape {}",
                    crate::error::fmt_shape(t.shape())
                ),
            )),
        }
    }

    /// The shapes, e.g. `[2, 3]` or `{[2, 3], {[2], [4]}}`.
    pub fn describe(&self) -> String {
        match self {
            Activity::Tensor(t) => crate::error::fmt_shape(t.shape()),
            Activity::Table(v) => {
                let inner: Vec<String> = v.iter().map(|a| a.describe()).collect();
                format!("{{{}}}", inner.join(", "))
            }
        }
    }

    /// Zeros of the same structure and shapes.
    pub fn zeros_like(&self) -> Activity<T> {
        match self {
            Activity::Tensor(t) => Activity::Tensor(Tensor::zeros(t.raw_dim())),
            Activity::Table(v) => Activity::Table(v.iter().map(|a| a.zeros_like()).collect()),
        }
    }

    /// Adds `other` element-wise (gradients meeting at a fan-out); structures must match.
    pub fn add_assign(&mut self, other: &Activity<T>, who: &str) -> Result<()> {
        match (self, other) {
            (Activity::Tensor(a), Activity::Tensor(b)) if a.shape() == b.shape() => {
                *a += b;
                Ok(())
            }
            (Activity::Table(a), Activity::Table(b)) if a.len() == b.len() => {
                for (x, y) in a.iter_mut().zip(b) {
                    x.add_assign(y, who)?;
                }
                Ok(())
            }
            (a, b) => Err(Error::invalid(
                who,
                format!(
                    "cannot add gradients of {} and {}",
                    a.describe(),
                    b.describe()
                ),
            )),
        }
    }

    /// Fails at the first NaN or infinity.
    pub fn check_finite(&self, op: &str, what: &str) -> Result<()> {
        match self {
            Activity::Tensor(t) => crate::tensor::check_finite(op, what, t),
            Activity::Table(v) => v.iter().try_for_each(|a| a.check_finite(op, what)),
        }
    }

    /// The structure as the JVM passes it: a tensor is `0 rank dims...`, a table `1 n items...`;
    /// the elements of all tensors follow, depth first, in `data`.
    pub fn encode(&self, layout: &mut Vec<i32>, data: &mut Vec<T>) {
        match self {
            Activity::Tensor(t) => {
                layout.push(0);
                layout.push(t.ndim() as i32);
                layout.extend(t.shape().iter().map(|d| *d as i32));
                data.extend(t.iter().copied());
            }
            Activity::Table(v) => {
                layout.push(1);
                layout.push(v.len() as i32);
                v.iter().for_each(|a| a.encode(layout, data));
            }
        }
    }

    /// Rebuilds an activity from [`Activity::encode`]'s layout and data, checking every count.
    pub fn decode(layout: &[i32], data: &[T]) -> Result<Activity<T>> {
        let (mut li, mut di) = (0usize, 0usize);
        let a = decode_at(layout, data, &mut li, &mut di, 0)?;
        if li != layout.len() || di != data.len() {
            return Err(Error::invalid(
                "activity",
                format!(
                    "layout or data too long: used {li} of {} layout entries and {di} of {} values",
                    layout.len(),
                    data.len()
                ),
            ));
        }
        Ok(a)
    }
}

fn next(layout: &[i32], li: &mut usize) -> Result<i32> {
    let v = layout
        .get(*li)
        .copied()
        .ok_or_else(|| Error::invalid("activity", format!("layout truncated at entry {}", *li)))?;
    *li += 1;
    Ok(v)
}

fn count(layout: &[i32], li: &mut usize, what: &str) -> Result<usize> {
    let v = next(layout, li)?;
    usize::try_from(v)
        .map_err(|_| Error::invalid("activity", format!("negative {what} {v} in the layout")))
}

fn decode_at<T: Element>(
    layout: &[i32],
    data: &[T],
    li: &mut usize,
    di: &mut usize,
    depth: usize,
) -> Result<Activity<T>> {
    if depth > MAX_DEPTH {
        return Err(Error::invalid("activity", "tables nested too deeply"));
    }
    match next(layout, li)? {
        0 => {
            let rank = count(layout, li, "rank")?;
            if rank > 16 {
                return Err(Error::invalid("activity", format!("rank {rank} > 16")));
            }
            let dims = (0..rank)
                .map(|_| count(layout, li, "dimension"))
                .collect::<Result<Vec<_>>>()?;
            let n = crate::error::checked_count("activity", &dims)?;
            let end = di
                .checked_add(n)
                .filter(|e| *e <= data.len())
                .ok_or_else(|| {
                    Error::invalid(
                        "activity",
                        format!(
                            "a tensor of {n} elements at offset {} but only {} values",
                            *di,
                            data.len()
                        ),
                    )
                })?;
            let t = from_vec("activity", &dims, data[*di..end].to_vec())?;
            *di = end;
            Ok(Activity::Tensor(t))
        }
        1 => {
            let n = count(layout, li, "table size")?;
            if n > layout.len() {
                return Err(Error::invalid(
                    "activity",
                    format!("table of {n} elements exceeds the layout"),
                ));
            }
            let items = (0..n)
                .map(|_| decode_at(layout, data, li, di, depth + 1))
                .collect::<Result<Vec<_>>>()?;
            Ok(Activity::Table(items))
        }
        k => Err(Error::invalid(
            "activity",
            format!("unknown layout tag {k}"),
        )),
    }
}
