"""Placeholder until the fairness section is built."""

from __future__ import annotations


def build(inputs):
    raise ValueError("not built yet")
