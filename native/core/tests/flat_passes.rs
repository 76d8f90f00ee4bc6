//! The block-wise passes over flat buffers that the driver runs on every iteration: finding the
//! first non-finite value, and scaling a gradient while checking it.

use ferrodl_core::tensor::{first_non_finite, scale_first_non_finite};

/// Lengths around the 4096-value blocks, and positions at both ends and across block edges.
fn cases() -> Vec<(usize, Vec<usize>)> {
    [0usize, 1, 9, 4095, 4096, 4097, 12_289]
        .iter()
        .map(|&n| {
            let mut at: Vec<usize> = [0, 1, 4095, 4096, 4097, 8191, 8192, n / 2, n.wrapping_sub(1)]
                .into_iter()
                .filter(|&i| i < n)
                .collect();
            at.dedup();
            (n, at)
        })
        .collect()
}

fn finite(n: usize) -> Vec<f32> {
    (0..n).map(|i| (i % 97) as f32 - 48.5).collect()
}

#[test]
fn first_non_finite_finds_the_first_bad_value_in_any_block() {
    for (n, positions) in cases() {
        assert_eq!(first_non_finite(&finite(n)), None, "n={n}");
        for &at in &positions {
            for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
                let mut v = finite(n);
                v[at] = bad;
                assert_eq!(first_non_finite(&v), Some(at), "n={n} at={at} {bad}");
                // A later bad value does not hide the first one.
                if at + 5000 < n {
                    v[at + 5000] = f32::NAN;
                    assert_eq!(first_non_finite(&v), Some(at), "n={n} at={at} and later");
                }
            }
        }
    }
    assert_eq!(first_non_finite(&[1.0f64, f64::MAX, f64::NAN]), Some(2));
}

#[test]
fn scale_first_non_finite_scales_everything_and_reports_the_first_bad_result() {
    for (n, positions) in cases() {
        let mut v = finite(n);
        assert_eq!(scale_first_non_finite(&mut v, 0.25), None, "n={n}");
        assert!(
            v.iter().zip(finite(n)).all(|(a, b)| *a == b * 0.25),
            "n={n}"
        );
        for &at in &positions {
            let mut v = finite(n);
            v[at] = f32::NAN;
            if at + 1 < n {
                v[at + 1] = f32::INFINITY;
            }
            assert_eq!(
                scale_first_non_finite(&mut v, 0.5),
                Some(at),
                "n={n} at={at}"
            );
            // The values after the bad one are scaled too.
            let expected: Vec<f32> = finite(n).iter().map(|x| x * 0.5).collect();
            if at + 2 < n {
                assert_eq!(v[at + 2..], expected[at + 2..], "n={n} at={at}");
            }
        }
    }
    // Scaling can itself overflow a finite value to infinity: that counts.
    let mut v = vec![1.0f32, f32::MAX, 2.0];
    assert_eq!(scale_first_non_finite(&mut v, 4.0), Some(1));
    // A scale of one leaves the values as they are and still checks them.
    let mut v = vec![3.0f32, -0.0, f32::NEG_INFINITY];
    assert_eq!(scale_first_non_finite(&mut v, 1.0), Some(2));
    assert_eq!(v[..2], [3.0, -0.0]);
}
