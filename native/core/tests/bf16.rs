//! bfloat16 packing of gradients: exact where bfloat16 can hold the value, round to nearest
//! even otherwise, NaN and infinities preserved.

use ferrodl_core::bf16::{add_unpacked, from_bf16, pack, to_bf16};

#[test]
fn representable_values_round_trip_exactly() {
    for v in [
        0.0f32,
        -0.0,
        1.0,
        -2.5,
        0.15625,
        3.0e38_f32.next_down(),
        f32::MIN_POSITIVE,
    ] {
        let b = f32::from_bits(v.to_bits() & 0xffff_0000);
        assert_eq!(from_bf16(to_bf16(b)).to_bits(), b.to_bits(), "{b}");
    }
    assert_eq!(from_bf16(to_bf16(f32::INFINITY)), f32::INFINITY);
    assert_eq!(from_bf16(to_bf16(f32::NEG_INFINITY)), f32::NEG_INFINITY);
}

#[test]
fn rounding_is_to_nearest_even() {
    // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties go to the even mantissa (1).
    assert_eq!(from_bf16(to_bf16(1.0 + 2f32.powi(-8))), 1.0);
    // 1 + 3 * 2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even).
    assert_eq!(
        from_bf16(to_bf16(1.0 + 3.0 * 2f32.powi(-8))),
        1.0 + 2f32.powi(-6)
    );
    // Just above the halfway point rounds up; just below rounds down.
    let half = 1.0 + 2f32.powi(-8);
    assert_eq!(from_bf16(to_bf16(half.next_up())), 1.0 + 2f32.powi(-7));
    assert_eq!(from_bf16(to_bf16(half.next_down())), 1.0);
    // The largest finite f32 is beyond bfloat16's largest finite value: it rounds to infinity.
    assert_eq!(from_bf16(to_bf16(f32::MAX)), f32::INFINITY);
    assert_eq!(from_bf16(to_bf16(-f32::MAX)), f32::NEG_INFINITY);
}

#[test]
fn nan_stays_nan_and_relative_error_is_bounded() {
    for bits in [0x7fc0_0000u32, 0x7f80_0001, 0xff80_0001, 0x7fff_ffff] {
        assert!(
            from_bf16(to_bf16(f32::from_bits(bits))).is_nan(),
            "{bits:#x}"
        );
    }
    let mut x = 1.0e-30f32;
    while x < 1.0e30 {
        for v in [x, -x * 1.37] {
            let r = from_bf16(to_bf16(v));
            assert!(((r - v) / v).abs() <= 2f32.powi(-8), "{v} -> {r}");
        }
        x *= 1.618;
    }
}

#[test]
fn pack_and_add_unpacked_over_buffers() {
    let a: Vec<f32> = (0..1000).map(|i| (i as f32 - 500.0) * 0.0137).collect();
    let mut packed = vec![0u16; a.len()];
    pack(&a, &mut packed).expect("pack");
    let mut sum = vec![1.0f32; a.len()];
    add_unpacked(&packed, &mut sum).expect("add");
    for (s, v) in sum.iter().zip(&a) {
        assert_eq!(*s, 1.0 + from_bf16(to_bf16(*v)));
    }
    let err = pack(&a, &mut packed[1..]).expect_err("short");
    assert!(err.to_string().contains("999"), "{err}");
    assert!(add_unpacked(&packed, &mut sum[..5]).is_err());
}
