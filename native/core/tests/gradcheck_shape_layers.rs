//! Finite-difference gradient checks, in f64, for the layers of `nn::shape_layers`. Random
//! layers are checked in evaluation mode and, in training mode, re-seeded before every forward
//! pass so that each pass draws the same noise.

use ferrodl_core::error::Result;
use ferrodl_core::gradcheck::check_module;
use ferrodl_core::module::Module;
use ferrodl_core::nn::shape_layers::{
    Cropping, GaussianNoise, InferReshape, L1Penalty, Masking, Maxout, Padding, RReLU, Replicate,
    Reverse, SReLU, Scale, SpatialDropout, SpatialZeroPadding,
};
use ferrodl_core::rng::Rng;
use ferrodl_core::tensor::{from_vec, Tensor};

const TOL: f64 = 1e-6;

fn random(shape: &[usize], seed: u64) -> Tensor<f64> {
    let mut rng = Rng::new(seed);
    let n = shape.iter().product();
    // Away from 0, where RReLU's draws and L1Penalty's sign change.
    let data = (0..n)
        .map(|_| {
            let v = rng.uniform(-2.0, 2.0);
            if v.abs() < 0.05 {
                0.5
            } else {
                v
            }
        })
        .collect();
    from_vec("test", shape, data).expect("shape")
}

fn params(m: &dyn Module<f64>, seed: u64) -> Vec<f64> {
    let mut p = vec![0.0; m.num_params()];
    m.init_params(&mut p, &mut Rng::new(seed));
    p
}

fn assert_module(m: &mut dyn Module<f64>, shape: &[usize], seed: u64) {
    let p = params(m, seed);
    let x = random(shape, seed + 1);
    let r = check_module(m, &p, &x, seed + 2).expect("gradcheck runs");
    assert!(
        r.input_error < TOL && r.param_error < TOL,
        "{} at {shape:?}: {r:?}",
        m.describe()
    );
}

/// A random layer re-seeded before every forward pass: a deterministic function of its input.
struct Reseeded<M>(M, u64);

impl<M: Module<f64>> Module<f64> for Reseeded<M> {
    fn describe(&self) -> String {
        self.0.describe()
    }
    fn num_params(&self) -> usize {
        self.0.num_params()
    }
    fn init_params(&self, p: &mut [f64], rng: &mut Rng) {
        self.0.init_params(p, rng)
    }
    fn forward(&mut self, p: &[f64], x: &Tensor<f64>) -> Result<Tensor<f64>> {
        self.0.reseed(self.1);
        self.0.forward(p, x)
    }
    fn backward(
        &mut self,
        p: &[f64],
        gp: &mut [f64],
        x: &Tensor<f64>,
        y: &Tensor<f64>,
        gy: &Tensor<f64>,
    ) -> Result<Tensor<f64>> {
        self.0.backward(p, gp, x, y, gy)
    }
}

fn both_modes<M: Module<f64> + Clone>(m: M, shape: &[usize], seed: u64) {
    let mut eval = m.clone();
    eval.set_training(false);
    assert_module(&mut eval, shape, seed);
    assert_module(&mut Reseeded(m, seed + 7), shape, seed);
}

#[test]
fn infer_reshape() {
    for (size, batch, shape) in [
        (vec![4, 0, 3, -1], false, vec![4, 5, 6, 7]),
        (vec![-1, 6], false, vec![2, 3, 4]),
        (vec![3, -1], true, vec![2, 3, 4]),
        (vec![12], true, vec![5, 3, 4]),
    ] {
        let mut m = InferReshape::new(size, batch).expect("m");
        assert_module(&mut m, &shape, 1);
    }
}

#[test]
fn replicate_and_reverse() {
    assert_module(
        &mut Replicate::new(3, 1, usize::MAX).expect("m"),
        &[4, 2],
        2,
    );
    assert_module(&mut Replicate::new(2, 2, 1).expect("m"), &[3, 5], 3);
    assert_module(
        &mut Replicate::new(4, 3, usize::MAX).expect("m"),
        &[2, 3],
        4,
    );
    assert_module(&mut Reverse::new(1), &[3, 4], 5);
    assert_module(&mut Reverse::new(-1), &[2, 3, 5], 6);
}

#[test]
fn padding() {
    for (i, (dim, pad, n_input, index, shape)) in [
        (1, 2, 1, 1, vec![3]),
        (1, -2, 1, 1, vec![3]),
        (1, 3, 1, 2, vec![4, 5]),
        (2, -1, 3, 3, vec![2, 3, 4]),
        (2, 2, 2, 1, vec![3, 4]),
    ]
    .into_iter()
    .enumerate()
    {
        let mut m = Padding::new(dim, pad, n_input, 0.5, index).expect("m");
        assert_module(&mut m, &shape, 10 + i as u64);
    }
}

#[test]
fn zero_padding_and_cropping() {
    assert_module(&mut SpatialZeroPadding::new(1, 2, 0, 3), &[2, 2, 3, 4], 20);
    assert_module(&mut SpatialZeroPadding::new(-1, 1, 2, -2), &[2, 5, 4], 21);
    let c2 = Cropping::new(vec![(1, 0), (1, 2)], true).expect("m");
    assert_module(&mut c2.clone(), &[2, 3, 4, 5], 22);
    let c2l = Cropping::new(vec![(0, 2), (1, 1)], false).expect("m");
    assert_module(&mut c2l.clone(), &[2, 4, 5, 3], 23);
    let c3 = Cropping::new(vec![(1, 0), (0, 1), (1, 1)], true).expect("m");
    assert_module(&mut c3.clone(), &[1, 2, 3, 3, 4], 24);
    let c3l = Cropping::new(vec![(1, 1), (0, 0), (2, 0)], false).expect("m");
    assert_module(&mut c3l.clone(), &[2, 3, 2, 4, 2], 25);
}

#[test]
fn masking_away_from_masked_steps() {
    assert_module(&mut Masking::new(0.0), &[2, 3, 4], 30);
    assert_module(&mut Masking::new(1.0), &[3, 5], 31);
    // A masked step: output and gradient zero there, identity elsewhere.
    let mut m = Masking::new(1.0);
    let x = from_vec("x", &[1, 2, 2], vec![1.0, 1.0, 1.0, 2.0]).expect("x");
    let y = Module::<f64>::forward(&mut m, &[], &x).expect("f");
    assert_eq!(
        y.iter().copied().collect::<Vec<_>>(),
        vec![0.0, 0.0, 1.0, 2.0]
    );
    let g = x.mapv(|_| 3.0);
    let gx = m.backward(&[], &mut [], &x, &y, &g).expect("b");
    assert_eq!(
        gx.iter().copied().collect::<Vec<_>>(),
        vec![0.0, 0.0, 3.0, 3.0]
    );
}

#[test]
fn maxout() {
    assert_module(&mut Maxout::new(5, 3, 4, true).expect("m"), &[4, 5], 40);
    assert_module(&mut Maxout::new(3, 2, 2, false).expect("m"), &[3], 41);
    assert_module(&mut Maxout::new(4, 1, 3, true).expect("m"), &[2, 4], 42);
}

#[test]
fn srelu_and_scale() {
    // Thresholds inside the input range so that all three pieces are used.
    let mut m = SReLU::new(vec![3, 4], &[]).expect("m");
    let mut p = params(&m, 50);
    p[..12].iter_mut().for_each(|v| *v = -0.7);
    p[24..36].iter_mut().for_each(|v| *v = 0.6);
    p[36..]
        .iter_mut()
        .enumerate()
        .for_each(|(i, v)| *v = 0.3 + 0.1 * i as f64);
    let x = random(&[2, 3, 4], 51);
    let r = check_module(&mut m, &p, &x, 52).expect("gradcheck");
    assert!(r.input_error < TOL && r.param_error < TOL, "{r:?}");
    assert_module(
        &mut SReLU::new(vec![2, 3, 2], &[2, 3]).expect("m"),
        &[2, 2, 3, 2],
        53,
    );
    assert_module(&mut SReLU::new(vec![5], &[]).expect("m"), &[3, 5], 54);
    assert_module(
        &mut Scale::new(vec![3, 1, 1]).expect("m"),
        &[2, 3, 2, 2],
        55,
    );
    assert_module(&mut Scale::new(vec![4]).expect("m"), &[3, 4], 56);
}

#[test]
fn random_layers() {
    both_modes(RReLU::new(0.125, 1.0 / 3.0).expect("m"), &[3, 4], 60);
    both_modes(GaussianNoise::dropout(0.3).expect("m"), &[3, 4], 61);
    both_modes(GaussianNoise::additive(0.5).expect("m"), &[2, 5], 62);
    both_modes(
        SpatialDropout::new(1, 0.5, false).expect("m"),
        &[2, 3, 4],
        63,
    );
    both_modes(
        SpatialDropout::new(2, 0.4, true).expect("m"),
        &[2, 3, 2, 2],
        64,
    );
    both_modes(
        SpatialDropout::new(2, 0.4, false).expect("m"),
        &[3, 2, 4],
        65,
    );
    both_modes(
        SpatialDropout::new(3, 0.6, true).expect("m"),
        &[2, 3, 2, 2, 1],
        66,
    );
}

#[test]
fn l1_penalty_gradient_is_that_of_output_plus_penalty() {
    for (w, avg, provide) in [(1, false, true), (3, true, true), (2, false, false)] {
        let mut m = L1Penalty::new(w, avg, provide);
        let x = random(&[3, 4], 70);
        let r = random(&[3, 4], 71);
        let y = Module::<f64>::forward(&mut m, &[], &x).expect("f");
        assert_eq!(y, x);
        let gx = m.backward(&[], &mut [], &x, &y, &r).expect("b");
        let mut objective = |x: &Tensor<f64>| {
            let y = Module::<f64>::forward(&mut m, &[], x).expect("f");
            let out: f64 = if provide {
                y.iter().zip(r.iter()).map(|(a, b)| a * b).sum()
            } else {
                0.0
            };
            out + m.loss()
        };
        let eps = 1e-6;
        for i in 0..x.len() {
            let mut xp = x.clone();
            let mut xm = x.clone();
            xp.as_slice_mut().expect("c")[i] += eps;
            xm.as_slice_mut().expect("c")[i] -= eps;
            let numeric = (objective(&xp) - objective(&xm)) / (2.0 * eps);
            let analytic = gx.as_slice().expect("c")[i];
            assert!(
                (numeric - analytic).abs() < TOL,
                "{i}: {numeric} vs {analytic}"
            );
        }
    }
}
