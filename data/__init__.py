"""Shipped content, not code: question banks, interview scripts, links, sources, glossary.

This file makes data/ a package so importlib.resources finds it; the wheel installs it under the
name `rnnprep_data` (pyproject.toml maps it), and quiz.locations is the only place that looks.
"""
