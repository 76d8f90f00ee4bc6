"""More convolution, pooling and normalization layers (BigDL's names)."""

from ferrodl.util import jvm as _jvm  # noqa: F401
from ferrodl.nn.layer_base import Layer, _ints, _option  # noqa: F401
