//! The state of an optimisation method, and its byte encoding for checkpoints.

use crate::error::{Error, Result};

/// What an optimiser carries from one step to the next.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OptimState {
    /// Steps taken so far (BigDL's `evalCounter` / `neval`).
    pub step: u64,
    /// Per-parameter buffers (momentum, moments, L-BFGS history, ...); empty until first needed.
    pub buffers: Vec<Vec<f32>>,
    /// The update rule's scalar state (L-BFGS: step length, diagonal scale, iterations); empty
    /// for the rules that keep none.
    pub scalars: Vec<f64>,
    /// The learning-rate schedule's state (Plateau, SequentialSchedule; see
    /// `Schedule::initial_state`); empty until the first step or observation.
    pub schedule: Vec<f64>,
}

/// The first format: step and buffers only. Still read; no longer written.
const MAGIC_V1: &[u8; 4] = b"FDLO";
/// The current format: `MAGIC_V1`'s fields, then the scalar and schedule state.
const MAGIC_V2: &[u8; 4] = b"FDL2";

impl OptimState {
    /// Encodes as `"FDL2" step:u64 nbuf:u32 (len:u64 f32*len)* nscal:u32 f64*nscal
    /// nsched:u32 f64*nsched`, little-endian.
    pub fn to_bytes(&self) -> Vec<u8> {
        let floats: usize = self.buffers.iter().map(Vec::len).sum();
        let doubles = self.scalars.len() + self.schedule.len();
        let mut out = Vec::with_capacity(24 + 8 * self.buffers.len() + 4 * floats + 8 * doubles);
        out.extend_from_slice(MAGIC_V2);
        out.extend_from_slice(&self.step.to_le_bytes());
        out.extend_from_slice(&(self.buffers.len() as u32).to_le_bytes());
        for b in &self.buffers {
            out.extend_from_slice(&(b.len() as u64).to_le_bytes());
            b.iter()
                .for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
        }
        for list in [&self.scalars, &self.schedule] {
            out.extend_from_slice(&(list.len() as u32).to_le_bytes());
            list.iter()
                .for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
        }
        out
    }

    /// Decodes [`OptimState::to_bytes`] (and the first format, without scalars); truncated or
    /// corrupt input is an error, never a panic.
    pub fn from_bytes(bytes: &[u8]) -> Result<OptimState> {
        let mut cur = Cursor { bytes, pos: 0 };
        let magic = cur.take(4)?;
        let v2 = magic == MAGIC_V2;
        if !v2 && magic != MAGIC_V1 {
            return Err(Error::corrupt(
                0,
                "not a ferrodl optimiser state (bad magic)",
            ));
        }
        let step = cur.u64()?;
        let nbuf = cur.u32()? as usize;
        let mut buffers = Vec::new();
        for _ in 0..nbuf {
            let len = cur.u64()? as usize;
            let raw = cur.take(len.saturating_mul(4))?;
            buffers.push(
                raw.chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect(),
            );
        }
        let (scalars, schedule) = if v2 {
            (cur.doubles()?, cur.doubles()?)
        } else {
            (Vec::new(), Vec::new())
        };
        if cur.pos != bytes.len() {
            return Err(Error::corrupt(
                cur.pos,
                "trailing bytes after optimiser state",
            ));
        }
        Ok(OptimState {
            step,
            buffers,
            scalars,
            schedule,
        })
    }
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.bytes.len())
            .ok_or_else(|| {
                Error::corrupt(
                    self.pos,
                    format!("optimiser state truncated: needs {n} more bytes"),
                )
            })?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn u32(&mut self) -> Result<u32> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self) -> Result<u64> {
        let mut a = [0u8; 8];
        a.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(a))
    }

    /// `n:u32` then `n` doubles.
    fn doubles(&mut self) -> Result<Vec<f64>> {
        let n = self.u32()? as usize;
        let raw = self.take(n.saturating_mul(8))?;
        Ok(raw
            .chunks_exact(8)
            .map(|c| {
                let mut a = [0u8; 8];
                a.copy_from_slice(c);
                f64::from_le_bytes(a)
            })
            .collect())
    }
}
