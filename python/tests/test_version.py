"""ferrodl.version(): the same facts as ferrodl.Version.info() in Scala."""

import platform

import ferrodl
from ferrodl.util.build_info import NATIVE_KEYS


def test_version_reports_the_jar_and_the_native_library(sc):
    info = ferrodl.version()
    assert info["version"] == ferrodl.__version__
    assert set(info) == {"version"} | {f"native.{k}" for k in NATIVE_KEYS}
    assert info["native.version"] == ferrodl.__version__
    arch = {"amd64": "x86_64", "arm64": "aarch64"}.get(platform.machine().lower(), platform.machine())
    assert info["native.target"] == f"{arch}-unknown-linux-gnu"
    assert info["native.glibc"] == "2.17"
    assert info["native.gemm"] in ("mkl", "rust")
    assert info["native.mkl"] == ("linked" if arch == "x86_64" else "absent")


def test_version_matches_scala(sc):
    scala = dict(sc._jvm.ferrodl.Version.info().items())
    assert ferrodl.version() == scala
    assert sc._jvm.ferrodl.Version.describe().startswith(f"ferrodl {ferrodl.__version__} (native ")
