//! The model-file loader against broken and hostile files: every truncation, seeded random
//! mutations, huge declared sizes, unknown layers, unknown required features, newer versions
//! and newer optional fields. No panic, a typed error with the documented message, and no
//! allocation larger than [`BOUND_PER_BYTE`] times the file length (plus a constant).

use ferrodl_core::modelfile::model_file_generated::ferrodl::fb;
use ferrodl_core::modelfile::{crc32, decode, encode, encode_with, ModelContents, NewerWriter};
use ferrodl_core::rng::Rng;
use ferrodl_core::spec::Node;
use ferrodl_core::Error;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The stated bound: no single allocation while loading exceeds this many bytes per file byte
/// (plus [`BOUND_CONSTANT`]).
const BOUND_PER_BYTE: usize = 16;
const BOUND_CONSTANT: usize = 64 * 1024;

thread_local! {
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

/// Records the largest single allocation of the current thread.
struct Counting;

// SAFETY: every call is forwarded unchanged to the system allocator; only a thread-local
// counter (const-initialised, so recording allocates nothing) is updated besides.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let _ = PEAK.try_with(|p| p.set(p.get().max(l.size())));
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, l: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, l) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let _ = PEAK.try_with(|p| p.set(p.get().max(new)));
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, l, new) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Decodes `bytes`, checking that no single allocation exceeded the bound.
fn load(bytes: &[u8]) -> Result<ModelContents, Error> {
    PEAK.with(|p| p.set(0));
    let r = decode(bytes);
    let peak = PEAK.with(|p| p.get());
    let bound = bytes.len() * BOUND_PER_BYTE + BOUND_CONSTANT;
    assert!(
        peak <= bound,
        "{peak} bytes allocated at once for a {}-byte file",
        bytes.len()
    );
    r
}

fn linear(i: i64, o: i64) -> Node {
    Node::new("Linear")
        .ints("inputSize", &[i])
        .ints("outputSize", &[o])
}

fn small() -> ModelContents {
    let graph = Node::new("Sequential")
        .child(linear(2, 2))
        .child(Node::new("Tanh"))
        .child(Node::new("BatchNormalization").ints("nOutput", &[2]));
    let mut c =
        ModelContents::model(graph, vec![0.25; 10], vec![0.0, 0.0, 1.0, 1.0]).expect("contents");
    c.metadata.tags.insert("k".into(), "v".into());
    c.metadata.created_unix_ms = 1_700_000_000_000;
    c.optim_state = Some(vec![1, 2, 3]);
    c
}

fn message(r: Result<ModelContents, Error>) -> String {
    r.expect_err("must fail").to_string()
}

#[test]
fn every_truncation_is_an_error() {
    let bytes = encode(&small()).expect("encode");
    for cut in 0..bytes.len() {
        let e = load(&bytes[..cut]).expect_err("truncated file loaded");
        assert!(matches!(e, Error::Corrupt { .. }), "cut at {cut}: {e}");
    }
    assert!(message(load(&bytes[..3])).contains("truncated at byte 3"));
    // A cut inside the payload is caught by the verifier before the checksum.
    let e = message(load(&bytes[..bytes.len() - 8]));
    assert!(
        e.contains("truncated at byte") || e.contains("invalid"),
        "{e}"
    );
    assert_eq!(load(&bytes).expect("whole file"), small());
}

#[test]
fn seeded_byte_mutations_never_panic_or_over_allocate() {
    let bytes = encode(&small()).expect("encode");
    let mut rng = Rng::new(0x5EED);
    let (mut loaded, mut failed) = (0, 0);
    for round in 0..20_000 {
        let mut m = bytes.clone();
        for _ in 0..1 + rng.below(4) {
            let i = rng.below(m.len() as u64) as usize;
            m[i] = match rng.below(4) {
                0 => rng.below(256) as u8,
                1 => m[i] ^ (1 << rng.below(8)),
                2 => 0xFF,
                _ => 0,
            };
        }
        let r = std::panic::catch_unwind(|| load(&m).is_ok());
        match r {
            Ok(true) => loaded += 1,
            Ok(false) => failed += 1,
            Err(_) => panic!("round {round} panicked (seed 0x5EED)"),
        }
    }
    // Flips in the outer header may leave the payload intact; most mutations must be caught.
    assert!(failed > 15_000, "{loaded} loaded, {failed} failed");
}

#[test]
fn payload_flips_are_checksum_mismatches() {
    let bytes = encode(&small()).expect("encode");
    let mut m = bytes.clone();
    let at = bytes.len() - 12; // inside the payload's weights or metadata
    m[at] ^= 0x40;
    let e = message(load(&m));
    assert!(e.contains("checksum mismatch"), "{e}");
}

#[test]
fn huge_declared_sizes_allocate_nothing_big() {
    // A graph that declares ~10^18 weights in a file that holds 4.
    let graph = linear(1 << 30, 1 << 30);
    let c = ModelContents {
        graph: Some(graph),
        weights: vec![1.0; 4],
        tensors: vec![ferrodl_core::modelfile::TensorEntry {
            name: "Linear#0".into(),
            shape: vec![4],
            offset: 0,
        }],
        ..ModelContents::default()
    };
    let e = message(load(&encode(&c).expect("encode")));
    assert!(e.contains("Linear") && e.contains("elements"), "{e}");
    // A graph that declares a large, valid layer the file lacks the weights for.
    let c = ModelContents {
        graph: Some(linear(1000, 1000)),
        weights: vec![1.0; 4],
        tensors: c.tensors.clone(),
        ..ModelContents::default()
    };
    let e = message(load(&encode(&c).expect("encode")));
    assert!(
        e.contains("weight count 4 does not match the graph's 1001000"),
        "{e}"
    );
    // A weight vector whose length field says 2^30 floats: the verifier stops it.
    let bytes = encode(&small()).expect("encode");
    let mut hacked = bytes.clone();
    let pattern: Vec<u8> = std::iter::once(10u32.to_le_bytes())
        .flatten()
        .chain(0.25f32.to_le_bytes())
        .collect();
    let at = hacked
        .windows(pattern.len())
        .position(|w| w == pattern.as_slice())
        .expect("weights vector");
    hacked[at..at + 4].copy_from_slice(&(1u32 << 30).to_le_bytes());
    fix_checksum(&mut hacked, &bytes);
    let e = message(load(&hacked));
    assert!(
        e.contains("truncated at byte") || e.contains("invalid"),
        "{e}"
    );
}

/// Rewrites the stored CRC so a test reaches the check after it.
fn fix_checksum(bytes: &mut [u8], original: &[u8]) {
    let payload = decode_payload_range(original);
    let old = crc32(&original[payload.clone()]).to_le_bytes();
    let new = crc32(&bytes[payload]).to_le_bytes();
    let at = original
        .windows(4)
        .position(|w| w == old)
        .expect("stored crc");
    bytes[at..at + 4].copy_from_slice(&new);
}

/// Where the payload bytes lie, read with the generated accessors.
fn decode_payload_range(bytes: &[u8]) -> std::ops::Range<usize> {
    let file = fb::root_as_model_file(bytes).expect("valid file");
    let p = file.payload().expect("payload");
    let start = p.as_ptr() as usize - bytes.as_ptr() as usize;
    start..start + p.len()
}

#[test]
fn unknown_layer_types_are_named() {
    let c = ModelContents {
        graph: Some(Node::new("Sequential").child(Node::new("FancyLayer"))),
        ..ModelContents::default()
    };
    let e = load(&encode(&c).expect("encode")).expect_err("unknown layer");
    assert!(
        matches!(&e, Error::UnknownLayer { kind } if kind == "FancyLayer"),
        "{e}"
    );
    assert!(e.to_string().contains("unknown layer type 'FancyLayer'"));
}

#[test]
fn unknown_required_features_and_newer_versions_are_refused() {
    let newer = NewerWriter {
        required_features: vec!["sparse-weights".into()],
        ..NewerWriter::default()
    };
    let e = message(load(&encode_with(&small(), &newer).expect("encode")));
    assert!(
        e.contains("needs features") && e.contains("sparse-weights"),
        "{e}"
    );
    let newer = NewerWriter {
        format_version: 2,
        ..NewerWriter::default()
    };
    let e = message(load(&encode_with(&small(), &newer).expect("encode")));
    assert!(
        e.contains("format version 2") && e.contains("newer ferrodl"),
        "{e}"
    );
}

#[test]
fn newer_optional_fields_are_ignored() {
    let newer = NewerWriter {
        payload_extra: Some(0xDEAD_BEEF),
        file_extra: Some(42),
        ..NewerWriter::default()
    };
    let bytes = encode_with(&small(), &newer).expect("encode");
    assert!(bytes.len() > encode(&small()).expect("encode").len());
    assert_eq!(load(&bytes).expect("load"), small());
}

#[test]
fn not_a_model_file() {
    let e = message(load(b"FDLM\x00\x01 an old file or something else"));
    assert!(e.contains("not a ferrodl model file"), "{e}");
}
