"""Dash components for each page; they take values and build components, and never ask the core.

Component ids live in :mod:`layouts.ids`; the callbacks in :mod:`callbacks` fill the components.
"""
