"""How a model's classes line up with the data's: the one place that names a model's class columns.

The data encodes its classes as codes 0..k-1 in the order of :attr:`portal.data._dataset.Dataset.classes`.
The built-in models are trained on those codes, so their ``classes_`` are ``0..k-1``; a user's model
may have been trained on the labels themselves (``"setosa"``), in its own order. Both must end up with
the data's names: a chart says "class: setosa", never "class: 0", and metrics compare the right columns.

    model_class_names([0, 1, 2], ("setosa", "versicolor", "virginica"))  # the names, in the model's order
    class_columns(["b", "a"], ("a", "b"))                                 # [1, 0]: predict_proba columns per code
"""

from __future__ import annotations

from collections.abc import Sequence

CLASSES_DIFFER = "the model predicts the classes {model} but the target's classes are {data}"


def model_class_names(model_classes: Sequence[object] | None, classes: Sequence[str]) -> tuple[str, ...]:
    """The data's name for each of the model's classes, in the model's order.

    A model without ``classes_`` is taken to follow the data's order. Raises ValueError (with
    :data:`CLASSES_DIFFER`) when the model's classes are neither the data's labels nor their codes.
    """
    if model_classes is None:
        return tuple(classes)
    names = tuple(str(c) for c in model_classes)
    if sorted(names) == sorted(classes):
        return names  # trained on the labels themselves
    if names == tuple(str(code) for code in range(len(classes))):
        return tuple(classes)  # trained on the data's codes (every built-in kind)
    raise ValueError(CLASSES_DIFFER.format(model=list(names), data=list(classes)))


def class_columns(model_classes: Sequence[object] | None, classes: Sequence[str]) -> list[int]:
    """Where each of the data's classes (in code order) is among the model's ``predict_proba`` columns."""
    names = model_class_names(model_classes, classes)
    return [names.index(name) for name in classes]
