"""MNIST in the IDX format (gzipped or raw), as BigDL's ``bigdl.dataset.mnist``."""

import gzip
import os
import struct

import numpy as np

TRAIN_MEAN = 0.13066047740239506 * 255
TRAIN_STD = 0.3081078 * 255
TEST_MEAN = 0.13251460696903547 * 255
TEST_STD = 0.31048024 * 255

_FILES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
          "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}


def _open(directory, base):
    for name, opener in ((base + ".gz", gzip.open), (base, open)):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            return opener(path, "rb")
    raise FileNotFoundError(f"no {base}(.gz) in {directory}")


def _read(directory, base, magic):
    with _open(directory, base) as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{base}: truncated header")
    got, n = struct.unpack_from(">II", data, 0)
    if got != magic:
        raise ValueError(f"{base}: magic {got:#x}, expected {magic:#x}")
    if magic == 2051:
        rows, cols = struct.unpack_from(">II", data, 8)
        body = np.frombuffer(data, dtype=np.uint8, offset=16)
        if body.size != n * rows * cols:
            raise ValueError(f"{base}: {body.size} pixels for {n} images of {rows}x{cols}")
        return body.reshape(n, rows, cols, 1)
    body = np.frombuffer(data, dtype=np.uint8, offset=8)
    if body.size != n:
        raise ValueError(f"{base}: {body.size} labels, header says {n}")
    return body


def read_data_sets(train_dir, data_type="train"):
    """``(images, labels)``: uint8 images ``[n, 28, 28, 1]`` and 0-based labels ``[n]``."""
    if data_type not in _FILES:
        raise ValueError(f"data_type must be 'train' or 'test', got {data_type!r}")
    images, labels = _FILES[data_type]
    x = _read(train_dir, images, 2051)
    y = _read(train_dir, labels, 2049)
    if len(x) != len(y):
        raise ValueError(f"{len(x)} images but {len(y)} labels")
    return x, y
