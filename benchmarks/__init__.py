"""Benchmarks run on demand: the data generator, the server runner, the phone and the load run.

Development tooling beside `app/`, never imported by it except when `stepladder generate-data`
runs; the package build (`[tool.setuptools.packages.find]`) leaves it out.
"""
