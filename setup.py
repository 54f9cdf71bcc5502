"""Build hook for the optional C accelerator of the lottery; metadata lives in pyproject.toml.

`shuangsuiji.lottery._fastdraw` computes the same draw as the pure-Python reference, only
faster. It is optional: without a C compiler, Python headers or OpenSSL's headers
(libssl-dev) the build of the extension fails quietly and the package installs and works
with the pure-Python code.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "shuangsuiji.lottery._fastdraw",
            sources=["src/shuangsuiji/lottery/_fastdraw.c"],
            libraries=["crypto"],
            extra_compile_args=["-O2", "-pthread"],
            extra_link_args=["-pthread"],
            optional=True,
        )
    ],
)
