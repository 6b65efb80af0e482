"""The compiled kernel: per tree and row, one sweep down and one sweep up (see the package docstring).

Shaped by measurement (CPU time per row on the 200-tree fully grown forest, and on 200 depth-3
trees): internal nodes first, then leaves, each breadth first, so the sweeps are plain loops with no
"is this a leaf?" branch and neighbouring nodes never wait on each other; an edge with no earlier edge
on its feature reads and writes a sentinel row instead of testing; trees in the outer loop and every
row inside one call per tree, so a tree's nodes stay in cache and a small tree pays its set-up once,
not once per row. That is also why each tree's two sweeps are written out in one function: split
into numba functions (inlined or not), the per-row set-up tripled the time on depth-3 trees.
Tried and not worth it: vectorising the short loops over quadrature points (``error_model="numpy"``
lets LLVM do it, then its runtime alias checks cost more than they save), several rows per node
(the alias checks keep it scalar), avoiding divisions by branching or by reciprocals precomputed
per tree, smaller work arrays (int32 node ids, compact correction rows): none moved the time.

Work arrays are allocated once per call and reused; a call owns them, so calls from several threads at
once never share state. Every function is ``nogil`` so threads run in parallel, and ``cache=True`` so
the machine code is written to disk and a new process loads it instead of compiling.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Let LLVM reorder sums and fuse multiply-adds. Deliberately without "nnan"/"ninf": NaN inputs
#: must still be seen as missing values.
FAST = {"reassoc", "contract", "nsz"}


@njit(cache=True, nogil=True)
def shap_rows(X, out, forest, skip):
    """Add the contributions of every tree not in ``skip`` (bool per tree: those another road explains) for
    rows ``X`` (float64) into ``out`` (rows, features, outputs)."""
    sizes = forest.tree_start[1:] - forest.tree_start[:-1]
    nodes, points = sizes.max() + 1, forest.t.shape[1]  # + 1: the sentinel row, index -1
    down, up, p = np.empty((nodes, points)), np.empty((nodes, points)), np.empty(nodes)
    above, below = np.zeros((nodes, points)), np.zeros((nodes, points))
    p[-1] = 1.0  # what prev = -1 reads: a first edge on a feature has a "previous edge" the row followed
    for tree in range(sizes.shape[0]):
        if skip[tree]:
            continue
        _explain_tree(X, out, forest, tree, down, up, above, below, p)


@njit(cache=True, nogil=True, inline="always")
def _goes_left(X, r, g, forest):
    """scikit-learn's rule: NaN goes the stored way; numbers go left when ``x <= threshold``; a
    category goes left when in the split's bitset, right when known, else the way NaN goes."""
    value = X[r, forest.feature[g]]
    if np.isnan(value):
        return forest.missing_left[g]
    row = forest.category_row[g]
    if row < 0:
        return value <= forest.threshold[g]
    if value < 0 or value >= 256:
        return forest.missing_left[g]
    c = int(value)
    if (forest.left_categories[row, c >> 5] >> (c & 31)) & 1:
        return True
    known = forest.known_row[forest.feature[g]]
    if known >= 0 and (forest.known_categories[known, c >> 5] >> (c & 31)) & 1:
        return False
    return forest.missing_left[g]


@njit(cache=True, nogil=True, fastmath=FAST)
def _explain_tree(X, out, forest, tree, down, up, above, below, p):
    """One tree, every row.

    Down, parents first: ``down[c]`` = the leaf weight polynomial at c, the product over the distinct
    features on the path of q(1 - t) + p t at the quadrature nodes t; ``p[c]`` = 1 when the row follows
    every edge on c's edge feature down to c, else 0. A feature met again has its previous factor
    divided out first (a first meeting divides by the sentinel's (1 - t) + t = 1).

    Up, children first, per leaf column o: ``up[c]`` = the sum over the leaves below c of value x
    weight polynomial. The edge into c, on feature f, adds to out[r, f]

        ((p - q) - (p' - q')) x integral over [0, 1] of share(t),

    share = that sum without f's factor (primes: the previous edge on f, or the sentinel). Deeper edges
    on f carry other factors, so each hands its previous edge what it took: ``above`` (its sum) is
    removed before dividing by c's factor and ``below`` (its share) added after. A first edge on f
    hands them to the sentinel row, which is written and never read.
    """
    s, m, internal = forest.tree_start[tree], forest.points[tree], forest.tree_internal[tree]
    n, first = forest.tree_start[tree + 1] - s, forest.tree_output[tree]
    t, tl, w = forest.t[m], forest.one_minus_t[m], forest.weight[m]
    left, right, prev, q, q_prev = forest.left, forest.right, forest.prev, forest.q, forest.q_prev
    value, edge_feature = forest.value, forest.edge_feature
    for k in range(m):
        down[0, k] = 1.0
    for r in range(X.shape[0]):
        for u in range(internal):
            lc, rc = left[s + u], right[s + u]
            pp, qp, ql, qr = p[prev[s + lc]], q_prev[s + lc], q[s + lc], q[s + rc]
            pl = pp if _goes_left(X, r, s + u, forest) else 0.0
            pr = pp - pl
            p[lc], p[rc] = pl, pr
            for k in range(m):
                without = down[u, k] / (qp * tl[k] + pp * t[k])
                down[lc, k] = without * (ql * tl[k] + pl * t[k])
                down[rc, k] = without * (qr * tl[k] + pr * t[k])
        for o in range(value.shape[1]):
            for c in range(n - 1, max(internal, 1) - 1, -1):  # leaves (a lone root leaf has no edge)
                g = s + c
                v, pv, pc, qc = value[g, o], prev[g], p[c], q[g]
                acc = 0.0
                for k in range(m):
                    up[c, k] = v * down[c, k]
                    share = up[c, k] / (qc * tl[k] + pc * t[k])
                    above[pv, k] += up[c, k]
                    below[pv, k] += share
                    acc += w[k] * share
                out[r, edge_feature[g], first + o] += ((pc - qc) - (p[pv] - q_prev[g])) * acc
            for c in range(internal - 1, 0, -1):
                g = s + c
                lc, rc, pv, pc, qc = left[g], right[g], prev[g], p[c], q[g]
                acc = 0.0
                for k in range(m):
                    up[c, k] = up[lc, k] + up[rc, k]
                    share = (up[c, k] - above[c, k]) / (qc * tl[k] + pc * t[k]) + below[c, k]
                    above[c, k], below[c, k] = 0.0, 0.0
                    above[pv, k] += up[c, k]
                    below[pv, k] += share
                    acc += w[k] * share
                out[r, edge_feature[g], first + o] += ((pc - qc) - (p[pv] - q_prev[g])) * acc
