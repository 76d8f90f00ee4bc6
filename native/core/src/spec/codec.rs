//! The binary encoding of a [`Node`] tree, shared with the JVM (`ferrodl.nn.Spec`).
//!
//! Big-endian, as Java's `DataOutputStream` writes it:
//! ```text
//! file  := "FDLS" version:u16 node
//! node  := kind:str name:str nattrs:u16 (key:str attr)* nchildren:u16 node*
//! attr  := 'i' n:u32 i64*n | 'f' n:u32 f64*n | 's' str
//! str   := len:u16 utf8-bytes
//! ```
//! Decoding checks every length against the bytes left, so truncated or corrupt input gives an
//! [`Error::Corrupt`] with the offset, never a panic or a huge allocation.

use super::node::{Attr, Node};
use crate::error::{Error, Result};

/// The four bytes every description starts with.
pub const MAGIC: &[u8; 4] = b"FDLS";
/// The encoding version this engine reads and writes.
pub const VERSION: u16 = 1;
const MAX_DEPTH: usize = 256;

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|e| *e <= self.bytes.len());
        match end {
            Some(end) => {
                let s = &self.bytes[self.pos..end];
                self.pos = end;
                Ok(s)
            }
            None => Err(Error::corrupt(
                self.pos,
                format!(
                    "truncated: {what} needs {n} bytes, {} left",
                    self.bytes.len() - self.pos
                ),
            )),
        }
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N]> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N, what)?);
        Ok(a)
    }

    fn u16(&mut self, what: &str) -> Result<u16> {
        Ok(u16::from_be_bytes(self.array(what)?))
    }

    fn count(&mut self, what: &str, elem_size: usize) -> Result<usize> {
        let n = u32::from_be_bytes(self.array(what)?) as usize;
        if n.saturating_mul(elem_size) > self.bytes.len() - self.pos {
            return Err(Error::corrupt(
                self.pos,
                format!("{what} of {n} elements exceeds the data"),
            ));
        }
        Ok(n)
    }

    fn str(&mut self, what: &str) -> Result<String> {
        let n = self.u16(what)? as usize;
        let at = self.pos;
        let b = self.take(n, what)?;
        String::from_utf8(b.to_vec())
            .map_err(|_| Error::corrupt(at, format!("{what} is not UTF-8")))
    }

    fn node(&mut self, depth: usize) -> Result<Node> {
        if depth > MAX_DEPTH {
            return Err(Error::corrupt(self.pos, "module tree nested too deeply"));
        }
        let kind = self.str("layer type")?;
        let name = self.str("layer name")?;
        let mut node = Node {
            kind,
            name,
            ..Node::default()
        };
        for _ in 0..self.u16("attribute count")? {
            let key = self.str("attribute name")?;
            let at = self.pos;
            let attr = match self.take(1, "attribute tag")?[0] {
                b'i' => {
                    let n = self.count("integer list", 8)?;
                    Attr::Ints(
                        (0..n)
                            .map(|_| self.array("integer").map(i64::from_be_bytes))
                            .collect::<Result<_>>()?,
                    )
                }
                b'f' => {
                    let n = self.count("float list", 8)?;
                    Attr::Floats(
                        (0..n)
                            .map(|_| self.array("float").map(f64::from_be_bytes))
                            .collect::<Result<_>>()?,
                    )
                }
                b's' => Attr::Str(self.str("string attribute")?),
                t => {
                    return Err(Error::corrupt(
                        at,
                        format!("unknown attribute tag {t:#04x} for '{key}'"),
                    ))
                }
            };
            node.attrs.insert(key, attr);
        }
        for _ in 0..self.u16("child count")? {
            node.children.push(self.node(depth + 1)?);
        }
        Ok(node)
    }
}

/// Decodes a description; the whole input must be consumed.
pub fn decode(bytes: &[u8]) -> Result<Node> {
    let mut r = Reader { bytes, pos: 0 };
    if r.take(4, "magic")? != MAGIC {
        return Err(Error::corrupt(
            0,
            "not a ferrodl model description (bad magic)",
        ));
    }
    let version = r.u16("version")?;
    if version != VERSION {
        return Err(Error::corrupt(
            4,
            format!("unsupported description version {version}, this engine reads {VERSION}"),
        ));
    }
    let node = r.node(0)?;
    if r.pos != bytes.len() {
        return Err(Error::corrupt(
            r.pos,
            format!("{} trailing bytes", bytes.len() - r.pos),
        ));
    }
    Ok(node)
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    let n = b.len().min(u16::MAX as usize);
    out.extend_from_slice(&(n as u16).to_be_bytes());
    out.extend_from_slice(&b[..n]);
}

fn put_node(out: &mut Vec<u8>, node: &Node) {
    put_str(out, &node.kind);
    put_str(out, &node.name);
    out.extend_from_slice(&(node.attrs.len() as u16).to_be_bytes());
    for (key, attr) in &node.attrs {
        put_str(out, key);
        match attr {
            Attr::Ints(v) => {
                out.push(b'i');
                out.extend_from_slice(&(v.len() as u32).to_be_bytes());
                v.iter()
                    .for_each(|x| out.extend_from_slice(&x.to_be_bytes()));
            }
            Attr::Floats(v) => {
                out.push(b'f');
                out.extend_from_slice(&(v.len() as u32).to_be_bytes());
                v.iter()
                    .for_each(|x| out.extend_from_slice(&x.to_be_bytes()));
            }
            Attr::Str(s) => {
                out.push(b's');
                put_str(out, s);
            }
        }
    }
    out.extend_from_slice(&(node.children.len() as u16).to_be_bytes());
    node.children.iter().for_each(|c| put_node(out, c));
}

/// Encodes a description.
pub fn encode(node: &Node) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&VERSION.to_be_bytes());
    put_node(&mut out, node);
    out
}
