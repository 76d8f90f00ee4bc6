//! The protobuf wire format, by hand: varints, fixed 32/64-bit values and length-delimited
//! fields. The reader bounds every length by the bytes left, refuses groups and nesting deeper
//! than [`MAX_DEPTH`], and reports the absolute byte offset of any problem; it never panics.

use crate::error::{Error, Result};

/// The deepest nesting of messages the reader accepts.
pub const MAX_DEPTH: usize = 32;

/// One field's value as it appears on the wire.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// Wire type 0.
    Varint(u64),
    /// Wire type 1.
    Fixed64(u64),
    /// Wire type 2: the bytes and their absolute offset in the file.
    Bytes(&'a [u8], usize),
    /// Wire type 5.
    Fixed32(u32),
}

/// Reads the fields of one message in order.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    /// A reader over a whole file (offsets count from its start).
    pub fn new(data: &'a [u8]) -> Reader<'a> {
        Reader {
            data,
            pos: 0,
            base: 0,
            depth: 0,
        }
    }

    /// The absolute offset of the next byte.
    pub fn offset(&self) -> usize {
        self.base + self.pos
    }

    fn fail<T>(&self, reason: impl Into<String>) -> Result<T> {
        Err(Error::corrupt(self.offset(), reason))
    }

    /// A reader over a nested message's bytes (`value` must be length-delimited).
    pub fn nested(&self, value: Value<'a>, what: &str) -> Result<Reader<'a>> {
        let (bytes, at) = match value {
            Value::Bytes(b, at) => (b, at),
            _ => return self.fail(format!("{what} is not a length-delimited message")),
        };
        if self.depth + 1 > MAX_DEPTH {
            return Err(Error::corrupt(
                at,
                format!("messages nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        Ok(Reader {
            data: bytes,
            pos: 0,
            base: at,
            depth: self.depth + 1,
        })
    }

    fn varint(&mut self) -> Result<u64> {
        let mut v: u64 = 0;
        for i in 0..10 {
            let Some(&b) = self.data.get(self.pos) else {
                return self.fail("truncated varint");
            };
            self.pos += 1;
            if i == 9 && b > 1 {
                return self.fail("varint longer than 64 bits");
            }
            v |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        self.fail("varint longer than 10 bytes")
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        let left = self.data.len() - self.pos;
        if n > left {
            return self.fail(format!(
                "truncated: {what} needs {n} bytes, {left} are left"
            ));
        }
        let s = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    /// The next field number and value, or `None` at the end of the message.
    pub fn next_field(&mut self) -> Result<Option<(u32, Value<'a>)>> {
        if self.pos >= self.data.len() {
            return Ok(None);
        }
        let key = self.varint()?;
        let field = key >> 3;
        if field == 0 || field > u64::from(u32::MAX >> 3) {
            return self.fail(format!("invalid field number {field}"));
        }
        let value = match key & 7 {
            0 => Value::Varint(self.varint()?),
            1 => {
                let b = self.take(8, "a fixed64 field")?;
                Value::Fixed64(u64::from_le_bytes(fixed(b)))
            }
            2 => {
                let n = self.varint()?;
                let n = usize::try_from(n).unwrap_or(usize::MAX);
                let at = self.offset();
                Value::Bytes(self.take(n, "a length-delimited field")?, at)
            }
            5 => {
                let b = self.take(4, "a fixed32 field")?;
                Value::Fixed32(u32::from_le_bytes(fixed(b)))
            }
            t => return self.fail(format!("unsupported wire type {t} (field {field})")),
        };
        Ok(Some((field as u32, value)))
    }
}

fn fixed<const N: usize>(b: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    out.iter_mut().zip(b).for_each(|(o, i)| *o = *i);
    out
}

/// The integer of a varint field (negative int64 values are ten-byte two's complement).
pub fn int(value: Value, what: &str) -> Result<i64> {
    match value {
        Value::Varint(v) => Ok(v as i64),
        _ => Err(Error::corrupt(0, format!("{what} is not a varint"))),
    }
}

/// A UTF-8 string field.
pub fn string(value: Value, what: &str) -> Result<String> {
    match value {
        Value::Bytes(b, at) => std::str::from_utf8(b)
            .map(str::to_string)
            .map_err(|_| Error::corrupt(at, format!("{what} is not UTF-8"))),
        _ => Err(Error::corrupt(0, format!("{what} is not a string"))),
    }
}

/// A float field (fixed32).
pub fn float(value: Value, what: &str) -> Result<f32> {
    match value {
        Value::Fixed32(v) => Ok(f32::from_bits(v)),
        _ => Err(Error::corrupt(0, format!("{what} is not a float"))),
    }
}

/// Appends the integers of a repeated int field, packed or not.
pub fn push_ints(out: &mut Vec<i64>, value: Value, what: &str) -> Result<()> {
    match value {
        Value::Varint(v) => out.push(v as i64),
        Value::Bytes(b, at) => {
            let mut r = Reader {
                data: b,
                pos: 0,
                base: at,
                depth: 0,
            };
            while r.pos < b.len() {
                out.push(r.varint()? as i64);
            }
        }
        _ => {
            return Err(Error::corrupt(
                0,
                format!("{what} is not a list of integers"),
            ))
        }
    }
    Ok(())
}

/// Appends the floats of a repeated float field, packed or not.
pub fn push_floats(out: &mut Vec<f32>, value: Value, what: &str) -> Result<()> {
    match value {
        Value::Fixed32(v) => out.push(f32::from_bits(v)),
        Value::Bytes(b, at) => {
            if b.len() % 4 != 0 {
                return Err(Error::corrupt(
                    at,
                    format!("{what}: packed floats of {} bytes", b.len()),
                ));
            }
            out.extend(
                b.chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])),
            );
        }
        _ => return Err(Error::corrupt(0, format!("{what} is not a list of floats"))),
    }
    Ok(())
}

/// Appends the doubles of a repeated double field, packed or not.
pub fn push_doubles(out: &mut Vec<f64>, value: Value, what: &str) -> Result<()> {
    match value {
        Value::Fixed64(v) => out.push(f64::from_bits(v)),
        Value::Bytes(b, at) => {
            if b.len() % 8 != 0 {
                return Err(Error::corrupt(
                    at,
                    format!("{what}: packed doubles of {} bytes", b.len()),
                ));
            }
            out.extend(b.chunks_exact(8).map(|c| f64::from_le_bytes(fixed(c))));
        }
        _ => {
            return Err(Error::corrupt(
                0,
                format!("{what} is not a list of doubles"),
            ))
        }
    }
    Ok(())
}

/// Builds one message.
#[derive(Debug, Default, Clone)]
pub struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    /// An empty message.
    pub fn new() -> Writer {
        Writer::default()
    }

    /// The encoded bytes.
    pub fn finish(self) -> Vec<u8> {
        self.buf
    }

    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.buf.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
    }

    fn key(&mut self, field: u32, wire: u8) {
        self.varint((u64::from(field) << 3) | u64::from(wire));
    }

    /// An integer field (varint; negative values take ten bytes, as protobuf's int64).
    pub fn int(&mut self, field: u32, v: i64) -> &mut Self {
        self.key(field, 0);
        self.varint(v as u64);
        self
    }

    /// A float field.
    pub fn float(&mut self, field: u32, v: f32) -> &mut Self {
        self.key(field, 5);
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }

    /// A bytes field.
    pub fn bytes(&mut self, field: u32, b: &[u8]) -> &mut Self {
        self.key(field, 2);
        self.varint(b.len() as u64);
        self.buf.extend_from_slice(b);
        self
    }

    /// A string field.
    pub fn string(&mut self, field: u32, s: &str) -> &mut Self {
        self.bytes(field, s.as_bytes())
    }

    /// A nested message field.
    pub fn message(&mut self, field: u32, m: Writer) -> &mut Self {
        self.bytes(field, &m.buf)
    }

    /// A packed repeated int field (nothing when empty).
    pub fn packed_ints(&mut self, field: u32, v: &[i64]) -> &mut Self {
        if v.is_empty() {
            return self;
        }
        let mut inner = Writer::new();
        v.iter().for_each(|x| inner.varint(*x as u64));
        self.bytes(field, &inner.buf)
    }

    /// A packed repeated float field (nothing when empty).
    pub fn packed_floats(&mut self, field: u32, v: &[f32]) -> &mut Self {
        if v.is_empty() {
            return self;
        }
        let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
        self.bytes(field, &bytes)
    }
}
