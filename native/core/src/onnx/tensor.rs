//! ONNX's TensorProto: dims, data type and the data, from `raw_data` (little-endian) or the
//! typed repeated fields. Floats and doubles load as `f32`, the integer types as `i64`.
//! Element counts are checked against the bytes present before anything is allocated.

use super::wire::{int, push_doubles, push_floats, push_ints, string, Reader, Value, Writer};
use crate::error::{Error, Result, MAX_ELEMENTS};

/// TensorProto.DataType values ferrodl reads.
pub const FLOAT: i64 = 1;
pub const INT32: i64 = 6;
pub const INT64: i64 = 7;
pub const DOUBLE: i64 = 11;

/// A tensor's elements.
#[derive(Debug, Clone, PartialEq)]
pub enum TensorData {
    Floats(Vec<f32>),
    Ints(Vec<i64>),
}

/// A constant tensor (an initializer or a Constant node's value).
#[derive(Debug, Clone, PartialEq)]
pub struct TensorProto {
    pub name: String,
    pub dims: Vec<i64>,
    pub data: TensorData,
}

impl TensorProto {
    /// A float tensor.
    pub fn floats(name: &str, dims: &[usize], data: Vec<f32>) -> TensorProto {
        TensorProto {
            name: name.to_string(),
            dims: dims.iter().map(|d| *d as i64).collect(),
            data: TensorData::Floats(data),
        }
    }

    /// An int64 tensor.
    pub fn ints(name: &str, dims: &[usize], data: Vec<i64>) -> TensorProto {
        TensorProto {
            name: name.to_string(),
            dims: dims.iter().map(|d| *d as i64).collect(),
            data: TensorData::Ints(data),
        }
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        match &self.data {
            TensorData::Floats(v) => v.len(),
            TensorData::Ints(v) => v.len(),
        }
    }

    /// Whether the tensor has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The dims as sizes.
    pub fn shape(&self) -> Vec<usize> {
        self.dims.iter().map(|d| *d as usize).collect()
    }

    /// The elements as floats (integers converted).
    pub fn to_f32(&self) -> Vec<f32> {
        match &self.data {
            TensorData::Floats(v) => v.clone(),
            TensorData::Ints(v) => v.iter().map(|x| *x as f32).collect(),
        }
    }

    /// The elements as integers, if the tensor holds integers.
    pub fn to_i64(&self) -> Option<Vec<i64>> {
        match &self.data {
            TensorData::Ints(v) => Some(v.clone()),
            TensorData::Floats(_) => None,
        }
    }
}

/// Decodes one TensorProto.
pub fn decode_tensor(r: &mut Reader) -> Result<TensorProto> {
    let start = r.offset();
    let mut dims = Vec::new();
    let mut data_type = 0;
    let mut name = String::new();
    let mut raw: Option<(&[u8], usize)> = None;
    let mut floats = Vec::new();
    let mut ints = Vec::new();
    let mut doubles = Vec::new();
    let mut external = false;
    while let Some((field, v)) = r.next_field()? {
        match field {
            1 => push_ints(&mut dims, v, "TensorProto.dims")?,
            2 => data_type = int(v, "TensorProto.data_type")?,
            4 => push_floats(&mut floats, v, "TensorProto.float_data")?,
            5 | 7 => push_ints(&mut ints, v, "TensorProto.int_data")?,
            8 => name = string(v, "TensorProto.name")?,
            9 => match v {
                Value::Bytes(b, at) => raw = Some((b, at)),
                _ => return Err(Error::corrupt(r.offset(), "raw_data is not bytes")),
            },
            10 => push_doubles(&mut doubles, v, "TensorProto.double_data")?,
            13 => external = true,
            14 => external |= int(v, "TensorProto.data_location")? == 1,
            _ => {}
        }
    }
    let bad = |reason: String| Err(Error::corrupt(start, format!("tensor '{name}': {reason}")));
    if external {
        return bad(
            "external data files are not supported; save the model with its weights inside".into(),
        );
    }
    let mut count: usize = 1;
    for d in &dims {
        let d = match usize::try_from(*d) {
            Ok(d) => d,
            Err(_) => return bad(format!("negative dimension {d}")),
        };
        count = match count.checked_mul(d).filter(|c| *c <= MAX_ELEMENTS) {
            Some(c) => c,
            None => return bad("too many elements".into()),
        };
    }
    let width = match data_type {
        FLOAT | INT32 => 4,
        INT64 | DOUBLE => 8,
        t => {
            return bad(format!(
                "data type {t} is not supported (float, double, int32, int64 are)"
            ))
        }
    };
    let data = if let Some((b, at)) = raw {
        if b.len() != count * width {
            return Err(Error::corrupt(
                at,
                format!(
                    "tensor '{name}': raw_data has {} bytes, dims {dims:?} need {}",
                    b.len(),
                    count * width
                ),
            ));
        }
        let mut w8 = [0u8; 8];
        match data_type {
            FLOAT => TensorData::Floats(
                b.chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect(),
            ),
            DOUBLE => TensorData::Floats(
                b.chunks_exact(8)
                    .map(|c| {
                        w8.copy_from_slice(c);
                        f64::from_le_bytes(w8) as f32
                    })
                    .collect(),
            ),
            INT32 => TensorData::Ints(
                b.chunks_exact(4)
                    .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]) as i64)
                    .collect(),
            ),
            _ => TensorData::Ints(
                b.chunks_exact(8)
                    .map(|c| {
                        w8.copy_from_slice(c);
                        i64::from_le_bytes(w8)
                    })
                    .collect(),
            ),
        }
    } else {
        match data_type {
            FLOAT => TensorData::Floats(floats),
            DOUBLE => TensorData::Floats(doubles.into_iter().map(|d| d as f32).collect()),
            _ => TensorData::Ints(ints),
        }
    };
    let t = TensorProto {
        name: name.clone(),
        dims,
        data,
    };
    if t.len() != count {
        return bad(format!(
            "{} elements, dims {:?} need {count}",
            t.len(),
            t.dims
        ));
    }
    Ok(t)
}

/// Encodes one tensor (floats and int64s as `raw_data`).
pub fn encode_tensor(t: &TensorProto) -> Writer {
    let mut w = Writer::new();
    w.packed_ints(1, &t.dims);
    let raw: Vec<u8> = match &t.data {
        TensorData::Floats(v) => {
            w.int(2, FLOAT);
            v.iter().flat_map(|x| x.to_le_bytes()).collect()
        }
        TensorData::Ints(v) => {
            w.int(2, INT64);
            v.iter().flat_map(|x| x.to_le_bytes()).collect()
        }
    };
    w.string(8, &t.name).bytes(9, &raw);
    w
}
