//! More convolution, pooling and normalization layers (see the files in this folder).
