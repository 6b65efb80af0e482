"""Model Comparison Portal: the computation core (config, data, models, explanations, jobs, store).

Only :mod:`portal.web` and :mod:`portal.cli` touch Dash; everything else here is plain Python that a
script, a test or a report can use without a web server.
"""

__version__ = "0.1.0"
