"""Placeholder until the monitoring section is built."""

from __future__ import annotations


def build(inputs):
    raise ValueError("not built yet")
