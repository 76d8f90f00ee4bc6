"""The example notebook runs headless and stores its outputs: accuracy printed, plots produced."""

import os
import re
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
NOTEBOOK = os.path.join(HERE, "..", "..", "examples", "python", "lenet_mnist.ipynb")


def test_lenet_notebook_executes(mnist_path, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    from nbconvert.preprocessors import ExecutePreprocessor
    nb = nbformat.read(NOTEBOOK, as_version=4)
    os.environ["FERRODL_DATA"] = os.path.abspath(mnist_path)
    # The kernel spec runs "python": make that this interpreter (the one with pyspark and ferrodl).
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    ExecutePreprocessor(timeout=1200, kernel_name="python3").preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    nbformat.write(nb, str(tmp_path / "executed.ipynb"))
    texts = [o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if "image/png" in o.get("data", {})]
    text = "".join(texts)
    m = re.search(r"Top1 accuracy: ([0-9.]+)", text)
    assert m, f"no accuracy printed in: {text[-2000:]}"
    assert float(m.group(1)) >= 0.95
    assert len(images) >= 3, "the sample images, the loss/Top1 plot and the predictions"
    assert (tmp_path / "lenet_curves.png").stat().st_size > 10000
    assert "Predicted labels:" in text
