"""Benchmarks: ``.venv/bin/python -m bench.capture`` (see its docstring)."""
