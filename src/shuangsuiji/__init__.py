"""Shuangsuiji (双随机): verifiable random market supervision."""

__version__ = "0.1.0"
