"""The demo county 河南省信阳市新县: deterministic, pure-Python reference data and generators.

Import :mod:`shuangsuiji.demo.county` for the public API (townships, departments, item
lists, entities, inspectors, demo logins); nothing here imports Django except the loader.
"""
