//! Both GEMM backends agree with a naive triple loop on random shapes, transposes and strides.

use ferrodl_core::gemm::{matmul_with, Backend};
use ferrodl_core::rng::Rng;
use ndarray::{s, Array2};

fn random(rng: &mut Rng, rows: usize, cols: usize) -> Array2<f32> {
    Array2::from_shape_fn((rows, cols), |_| rng.uniform(-1.0, 1.0) as f32)
}

fn naive(alpha: f32, a: &Array2<f32>, b: &Array2<f32>, beta: f32, c: &Array2<f32>) -> Array2<f64> {
    let (m, k) = a.dim();
    let n = b.dim().1;
    Array2::from_shape_fn((m, n), |(i, j)| {
        let dot: f64 = (0..k).map(|p| a[[i, p]] as f64 * b[[p, j]] as f64).sum();
        alpha as f64 * dot + beta as f64 * c[[i, j]] as f64
    })
}

fn check(backend: Backend, m: usize, n: usize, k: usize, ta: bool, tb: bool, rng: &mut Rng) {
    let a = if ta {
        random(rng, k, m).reversed_axes()
    } else {
        random(rng, m, k)
    };
    let b = if tb {
        random(rng, n, k).reversed_axes()
    } else {
        random(rng, k, n)
    };
    let c0 = random(rng, m, n);
    for (alpha, beta) in [(1.0f32, 0.0f32), (0.5, 1.0), (-2.0, 0.25)] {
        let mut c = c0.clone();
        matmul_with(backend, alpha, a.view(), b.view(), beta, c.view_mut()).expect("gemm");
        let want = naive(alpha, &a.to_owned(), &b.to_owned(), beta, &c0);
        let tol = 1e-4 * (k as f64).sqrt().max(1.0);
        for ((i, j), w) in want.indexed_iter() {
            let got = c[[i, j]] as f64;
            assert!(
                (got - w).abs() <= tol * w.abs().max(1.0),
                "{backend:?} m={m} n={n} k={k} ta={ta} tb={tb} alpha={alpha} beta={beta}: c[{i},{j}] = {got}, want {w}"
            );
        }
    }
}

#[test]
fn backends_match_naive_on_random_shapes() {
    let mut rng = Rng::new(2024);
    let shapes = [
        (1, 1, 1),
        (1, 7, 3),
        (5, 1, 9),
        (13, 17, 19),
        (64, 33, 100),
        (128, 100, 784),
        (3, 250, 2),
    ];
    for backend in [Backend::Mkl, Backend::Rust] {
        for &(m, n, k) in &shapes {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                check(backend, m, n, k, ta, tb, &mut rng);
            }
        }
        for _ in 0..20 {
            let (m, n, k) = (
                1 + rng.below(70) as usize,
                1 + rng.below(70) as usize,
                1 + rng.below(70) as usize,
            );
            check(
                backend,
                m,
                n,
                k,
                rng.below(2) == 1,
                rng.below(2) == 1,
                &mut rng,
            );
        }
    }
}

#[test]
fn strided_sub_views_and_non_contiguous_output() {
    let mut rng = Rng::new(7);
    let big_a = random(&mut rng, 20, 30);
    let big_b = random(&mut rng, 40, 25);
    let a = big_a.slice(s![2..12, 3..20]); // 10 x 17, row stride 30
    let b = big_b.slice(s![1..18;1, 4..20;2]); // 17 x 8, column stride 2
    for backend in [Backend::Mkl, Backend::Rust] {
        let mut big_c = Array2::<f32>::zeros((12, 20));
        let c = big_c.slice_mut(s![1..11, 2..18;2]);
        matmul_with(backend, 1.0, a, b, 0.0, c).expect("gemm");
        let want = naive(
            1.0,
            &a.to_owned(),
            &b.to_owned(),
            0.0,
            &Array2::zeros((10, 8)),
        );
        let got = big_c.slice(s![1..11, 2..18;2]);
        for ((i, j), w) in want.indexed_iter() {
            assert!(
                (got[[i, j]] as f64 - w).abs() < 1e-4,
                "{backend:?} [{i},{j}]"
            );
        }
        assert_eq!(big_c[[0, 0]], 0.0);
    }
}

#[test]
fn f64_gemm_and_shape_errors() {
    let a = Array2::from_shape_fn((3, 4), |(i, j)| (i * 4 + j) as f64);
    let b = Array2::from_shape_fn((4, 2), |(i, j)| (i as f64) - (j as f64));
    let mut c = Array2::<f64>::zeros((3, 2));
    matmul_with(Backend::Auto, 1.0, a.view(), b.view(), 0.0, c.view_mut()).expect("gemm");
    assert_eq!(c, a.dot(&b));
    let mut wrong = Array2::<f64>::zeros((2, 2));
    let err = matmul_with(
        Backend::Rust,
        1.0,
        a.view(),
        b.view(),
        0.0,
        wrong.view_mut(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("gemm"), "{err}");
}

#[test]
fn backend_names_parse_and_auto_resolves() {
    assert_eq!(Backend::parse("MKL").expect("mkl"), Backend::Mkl);
    assert_eq!(Backend::parse("rust").expect("rust"), Backend::Rust);
    assert!(Backend::parse("cuda").is_err());
    let resolved = Backend::Auto.resolve();
    let intel = ferrodl_core::gemm::cpu_vendor() == "GenuineIntel";
    assert_eq!(resolved, if intel { Backend::Mkl } else { Backend::Rust });
}

/// Row-strided and transposed sub-views go to the backend in place (a leading dimension larger
/// than the row), and a row-strided output is written in place with `beta` applied, leaving
/// everything around it alone.
#[test]
fn leading_dimensions_in_place_with_beta() {
    let mut rng = Rng::new(11);
    let big_a = random(&mut rng, 30, 40);
    let big_bt = random(&mut rng, 50, 30);
    let a = big_a.slice(s![3..16, 5..26]); // 13 x 21, row stride 40
    let b = big_bt.slice(s![7..16, 2..23]).reversed_axes(); // 21 x 9, column-major, stride 30
    let a1 = big_a.slice(s![4..5, 1..22]); // one row
    for backend in [Backend::Mkl, Backend::Rust] {
        for (a, m) in [(a, 13), (a1, 1)] {
            let mut big_c = random(&mut rng, 20, 17);
            let before = big_c.clone();
            let window = s![2..2 + m, 4..13];
            matmul_with(backend, 0.75, a, b, 0.5, big_c.slice_mut(window)).expect("gemm");
            let want = naive(
                0.75,
                &a.to_owned(),
                &b.to_owned(),
                0.5,
                &before.slice(window).to_owned(),
            );
            for ((i, j), v) in big_c.indexed_iter() {
                let inside = (2..2 + m).contains(&i) && (4..13).contains(&j);
                if inside {
                    let w = want[[i - 2, j - 4]];
                    assert!((*v as f64 - w).abs() < 1e-4, "{backend:?} m={m} [{i},{j}]");
                } else {
                    assert_eq!(*v, before[[i, j]], "{backend:?} m={m} outside [{i},{j}]");
                }
            }
        }
    }
}
