"""Adapter for histogram gradient boosting: its own node records, NaN directions and category bitsets.

HistGradientBoosting ordinal-encodes categorical columns and moves them to the front before its trees
see them (``_preprocessor``). The reading keeps that transform and the map from the trees' columns back
to the caller's, so contributions land on the caller's columns; shap 0.51 reads the nodes as numeric
splits in the caller's order, which is wrong for such models.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from portal.explain.treeshap._reading import LOG_ODDS, RAW, RawTree, Reading, unsupported


def read_hist_gradient_boosting(model: Any) -> Reading:
    """Every (iteration, class) predictor becomes one tree adding to its class's output."""
    known, known_row = model._bin_mapper.make_known_categories_bitsets()
    trees, outputs, offset = [], [], 0
    for iteration in model._predictors:
        for k, predictor in enumerate(iteration):
            trees.append(_hist_tree(predictor.nodes, offset))
            outputs.append(k)
            offset += len(predictor.raw_left_cat_bitsets)
    column_of_feature, preprocess = _preprocessing(model)
    return Reading(
        trees=trees,
        tree_output=outputs,
        base=np.asarray(model._baseline_prediction, dtype=np.float64).reshape(-1),
        output_scale=LOG_ODDS if hasattr(model, "classes_") else RAW,
        sums_to_one=False,
        float32_inputs=False,
        n_features=model.n_features_in_,
        column_of_feature=column_of_feature,
        preprocess=preprocess,
        left_categories=_left_categories(model),
        known_categories=np.ascontiguousarray(known, dtype=np.uint32),
        known_row=np.where(_is_categorical(model, len(known_row)), known_row, -1).astype(np.int64),
    )


def _hist_tree(nodes: np.ndarray, bitset_offset: int) -> RawTree:
    leaf = nodes["is_leaf"].astype(bool)
    categorical = nodes["is_categorical"].astype(bool) & ~leaf
    return RawTree(
        left=np.where(leaf, -1, nodes["left"].astype(np.int64)),  # cast first: the ids are unsigned
        right=np.where(leaf, -1, nodes["right"].astype(np.int64)),
        feature=np.where(leaf, -1, nodes["feature_idx"].astype(np.int64)),
        threshold=nodes["num_threshold"].astype(np.float64),
        missing_left=nodes["missing_go_to_left"].astype(bool),
        cover=nodes["count"].astype(np.float64),
        value=nodes["value"].astype(np.float64).reshape(-1, 1),
        category_row=np.where(categorical, nodes["bitset_idx"].astype(np.int64) + bitset_offset, -1),
    )


def _left_categories(model: Any) -> np.ndarray:
    rows = [p.raw_left_cat_bitsets for iteration in model._predictors for p in iteration]
    return np.ascontiguousarray(np.concatenate(rows, axis=0).reshape(-1, 8), dtype=np.uint32)


def _is_categorical(model: Any, n_features: int) -> np.ndarray:
    """Which of the trees' columns are categorical (the encoder's columns come first)."""
    flags = np.zeros(n_features, dtype=bool)
    if model._preprocessor is not None:
        flags[model._preprocessor.output_indices_["encoder"]] = True
    return flags


def _preprocessing(model: Any) -> tuple[np.ndarray | None, Any]:
    """The trees' column -> the caller's column, and the transform the model applies before its trees."""
    transformer = model._preprocessor
    if transformer is None:
        return None, None
    columns = []
    for _, step, selection in transformer.transformers_:
        if not (isinstance(step, str) and step == "drop"):
            columns.extend(_selected(selection))
    if len(columns) != model.n_features_in_:
        raise unsupported(model, "its column transform does not keep every column once")
    return np.asarray(columns, dtype=np.int64), transformer.transform


def _selected(selection: Any) -> list[int]:
    selection = np.asarray(selection)
    return np.flatnonzero(selection).tolist() if selection.dtype == bool else selection.tolist()
