"""Exact path-dependent TreeSHAP for scikit-learn tree ensembles, compiled with numba (issue 5).

    ensemble = TreeEnsemble.from_model(model)   # once per fitted model: flat arrays, no model kept
    values = shap_values(ensemble, X)           # (rows, features), or (rows, features, outputs)
    ensemble.expected_value                     # float, or one per output

The same numbers (to about 1e-14 relative), shapes and scales as
``shap.TreeExplainer(model).shap_values(X)`` and ``.expected_value``: RandomForest/ExtraTrees
classifiers in probability, one output per class; GradientBoosting/HistGradientBoosting classifiers in
log-odds, one output when binary, one per class otherwise (shap refuses those); regressors raw. Where
shap 0.51 is wrong (HistGradientBoosting with categorical features: it reads category splits as
numeric thresholds, in the wrong columns) this package is exact and the tests prove it by brute force.

Why
    shap's algorithm costs O(T L D^2) per row (T trees, L leaves, D depth) and runs on one core: about
    4 rows/s on a fully grown 200-tree forest. This one costs O(T L D), runs on every core, and shares
    the arrays between threads instead of pickling the model per task.

Algorithm (Linear TreeShap: Yu, Xu, Bifet, Read, NeurIPS 2022, arXiv 2209.08192, in integral form)
    Path-dependent TreeSHAP explains E[f(x) | x_S]: a feature in S follows the row, one outside splits
    the weight by training cover. For a leaf l with value v, let F be the distinct features on its
    path; for j in F, q_j = product of cover ratios child/parent over the edges on j, p_j = 1 if the row
    follows every edge on j, else 0. The Shapley weights |S|!(|F|-|S|-1)!/|F|! are Beta integrals, so

        phi_i += v (p_i - q_i) * integral over [0, 1] of  prod_{j in F, j != i} (q_j (1 - t) + p_j t) dt.

    The integrand is a polynomial of degree < U (U = most distinct features on one path of the tree),
    so Gauss-Legendre with m = ceil(U / 2) nodes integrates it exactly. Holding every polynomial by its
    values at those nodes makes products and quotients pointwise, so the sum over leaves is shared the
    Linear TreeShap way: one sweep down multiplies each node's factor into its children's product, one
    sweep up adds children into parents, and each edge gives its feature (p - q) times the integral of
    its subtree's sum with that feature's factor divided out. A feature split again deeper on the path
    changes its factor there; its edges telescope, ((p - q) - (p' - q')) with p', q' from the previous
    edge on it, and deeper edges on it return to that previous edge what they already counted.
    Cost per row and tree: O(nodes x m) = O(L D). shap's expected value is the cover-weighted mean leaf.

Numerical notes
    No monomial coefficients and no polynomial division (what made the original Linear TreeShap
    overflow past depth ~16): only values at nodes t in (0, 1), products of positive factors, sums, and
    division by a factor q(1 - t) + p t >= q(1 - t) > 0 that was multiplied in before. Gauss-Legendre
    weights are positive and sum to 1. Children whose cover is 0 keep a 1e-12 fraction of the parent's.
    Agreement with shap on every model in the tests and benchmark: max difference <= 6e-12 absolute,
    against the issue's bound of 1e-6 x max |model output|.

Inputs
    scikit-learn's own trees compare float32(x) <= threshold (they cast), so rows are rounded to float32
    for them; HistGradientBoosting compares float64, sends NaN (and unknown or negative categories) the
    stored way, tests categories against its bitsets, and ordinal-encodes categorical columns before its
    trees see them: the ensemble keeps that transform and maps contributions back to the caller's columns.

Threads
    Rows go in contiguous blocks to a thread pool; the kernel releases the GIL, so ``n_threads`` (default:
    the cores this process may use) run at once on one shared copy of the arrays.

Compiled code cache
    Every kernel is ``@njit(cache=True, nogil=True)``. numba writes machine code to the first usable of:
    ``$NUMBA_CACHE_DIR`` if set; ``portal/explain/treeshap/__pycache__/`` next to the sources (``*.nbi``,
    ``*.nbc``); the user cache ``$XDG_CACHE_HOME/numba`` (``~/.cache/numba``), which is where a
    read-only install (site-packages owned by root) lands, as ``tests/explain/test_treeshap.py`` checks. The
    first explain call in a fresh process takes seconds with an empty cache (compiling) and well under
    a second with a filled one; ``benchmarks/treeshap.py`` measures both.
"""

from portal.explain.treeshap._ensemble import READERS, TreeEnsemble
from portal.explain.treeshap._explain import shap_values
from portal.explain.treeshap._reading import LOG_ODDS, PROBABILITY, RAW, UnsupportedEnsembleError

__all__ = [
    "LOG_ODDS",
    "PROBABILITY",
    "RAW",
    "READERS",
    "TreeEnsemble",
    "UnsupportedEnsembleError",
    "shap_values",
]
