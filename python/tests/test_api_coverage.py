"""The Python API has a class of the same name for every public class of the Scala API (issue 8)."""

import inspect

import ferrodl.nn.criterion
import ferrodl.nn.initialization_method
import ferrodl.nn.layer
import ferrodl.nnframes
import ferrodl.optim.optimizer
from ferrodl.util import jvm

MODULES = (ferrodl.nn.layer, ferrodl.nn.criterion, ferrodl.nn.initialization_method, ferrodl.optim.optimizer,
           ferrodl.nnframes)


def python_classes():
    """The public classes ``from <module> import *`` gives, by name."""
    names = set()
    for module in MODULES:
        exported = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
        names |= {n for n in exported if inspect.isclass(getattr(module, n))}
    return names


def test_every_scala_api_class_has_a_python_class(sc):
    scala = sorted(str(name) for name in jvm.api("scalaApiClasses"))
    assert len(scala) > 100, scala
    missing = [name for name in scala if name not in python_classes()]
    assert not missing, f"{len(missing)} of {len(scala)} Scala API classes have no Python class: {missing}"


def test_layer_module_re_exports_every_layer_and_initialization_method(sc):
    from ferrodl.nn import layers_activation, layers_learned, layers_shape
    layer_names = set(vars(ferrodl.nn.layer))
    for module in (layers_activation, layers_learned, layers_shape, ferrodl.nn.initialization_method):
        public = {n for n, o in vars(module).items() if inspect.isclass(o) and not n.startswith("_")}
        assert public <= layer_names, public - layer_names


def test_every_wrapper_names_an_existing_scala_class(sc):
    from py4j.java_gateway import JavaClass
    from ferrodl.util.common import JavaValue
    wrappers = {o for m in MODULES for o in vars(m).values()
                if inspect.isclass(o) and issubclass(o, JavaValue) and o.scala_class is not None}
    assert len(wrappers) > 90
    for w in wrappers:
        resolved = jvm.jvm()
        for part in w.scala_class.split("."):
            resolved = getattr(resolved, part)
        assert isinstance(resolved, JavaClass), w.scala_class
