"""A cache that cannot lie: a damaged array or model file is detected, set aside (not deleted), said in one
line, and computed again with the same values as before."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import portal.jobs._runner as jobs
from portal.data import read_frame, write_frame
from portal.jobs import ExplanationJob, JobRunner, ResultStore
from portal.jobs._integrity import DamagedEntry, check_additive


def fake_chunk(job: dict, positions: list[int]) -> dict[str, np.ndarray]:
    """A stand-in for the engine: additive contributions that depend only on each row's values."""
    rows = read_frame(job["data_path"]).iloc[positions]
    values = rows.to_numpy(dtype=float) * 0.5
    return {"values": values, "base_values": np.ones(len(rows)), "outputs": 1 + values.sum(axis=1)}


@pytest.fixture
def job(tmp_path: Path, monkeypatch) -> ExplanationJob:
    monkeypatch.setattr(jobs, "explain_chunk", fake_chunk)
    frame = pd.DataFrame(np.random.default_rng(1).normal(size=(300, 3)), columns=["a", "b", "c"])
    write_frame(frame, tmp_path / "rows.parquet")
    path = str(tmp_path / "rows.parquet")
    return ExplanationJob("k1", "M", "-", True, (), False, "classification", 300, path, path, chunk_rows=100)


def computed(root: Path, job: ExplanationJob) -> tuple[JobRunner, np.ndarray]:
    runner = JobRunner(ResultStore(root))
    runner.submit(job)
    return runner, np.array(runner.result(job)["values"])


def zero_bytes(path: Path, count: int = 800) -> None:
    """The probe's damage: ``count`` zeroed bytes inside the data, the header left whole."""
    data = bytearray(path.read_bytes())
    data[200 : 200 + count] = bytes(count)
    path.write_bytes(bytes(data))


def quarantined(root: Path) -> list[Path]:
    return sorted((root / "quarantine").iterdir()) if (root / "quarantine").exists() else []


def test_zeroed_bytes_in_an_array_are_set_aside_said_in_one_line_and_recomputed(tmp_path, job, caplog) -> None:
    runner, clean = computed(tmp_path / "c", job)
    values = runner.result_dir(job) / "values.npy"
    zero_bytes(values)
    fresh = JobRunner(ResultStore(tmp_path / "c"))  # a new process: nothing verified in memory
    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        again = np.asarray(fresh.result(job)["values"])
    np.testing.assert_array_equal(again, clean)  # recomputed, equal to the undamaged values
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and "failed its checksum (values.npy)" in lines[0] and "\n" not in lines[0]
    assert lines[0].startswith("cache: arrays/k1/result ") and "computed again" in lines[0]
    (aside,) = quarantined(tmp_path / "c")
    assert aside.name.endswith("arrays__k1__result") and (aside / "values.npy").read_bytes()[200:1000] == bytes(800)


def test_a_truncated_array_is_set_aside_and_recomputed(tmp_path, job) -> None:
    runner, clean = computed(tmp_path / "c", job)
    values = runner.result_dir(job) / "values.npy"
    values.write_bytes(values.read_bytes()[:1000])
    fresh = JobRunner(ResultStore(tmp_path / "c"))
    np.testing.assert_array_equal(np.asarray(fresh.result(job)["values"]), clean)
    assert len(quarantined(tmp_path / "c")) == 1


def test_without_checksums_broken_additivity_is_the_second_guard(tmp_path, job) -> None:
    """A result from before checksums (none in the index, none beside it): base + sum(values) != outputs."""
    runner, clean = computed(tmp_path / "c", job)
    directory = runner.result_dir(job)
    (directory / "checksums.json").unlink()
    runner.store.index.delete("sum:k1/result")
    outputs = np.load(directory / "outputs.npy")
    outputs[5] += 1.0
    np.save(directory / "outputs.npy", outputs)
    fresh = JobRunner(ResultStore(tmp_path / "c"))
    assert np.asarray(fresh.result(job)["outputs"])[5] == pytest.approx(1 + clean[5].sum())
    assert "broke additivity on 1 of 300 rows" in next(iter(fresh.store.notes.values()))


def test_a_result_without_checksums_that_adds_up_is_kept_and_its_checksums_recorded(tmp_path, job) -> None:
    runner, _ = computed(tmp_path / "c", job)
    (runner.result_dir(job) / "checksums.json").unlink()
    runner.store.index.delete("sum:k1/result")
    fresh = JobRunner(ResultStore(tmp_path / "c"))
    assert fresh.result(job) is not None and not quarantined(tmp_path / "c")
    assert set(fresh.store.get_json("sum:k1/result")) == {"values.npy", "base_values.npy", "outputs.npy"}


def test_a_damaged_chunk_is_recomputed_when_the_job_resumes(tmp_path, job, monkeypatch) -> None:
    calls = []

    def failing_last(job_dict, positions):
        calls.append(len(positions))
        if len(calls) == 3:
            raise RuntimeError("stop")
        return fake_chunk(job_dict, positions)

    monkeypatch.setattr(jobs, "explain_chunk", failing_last)
    runner = JobRunner(ResultStore(tmp_path / "c"))
    runner.submit(job)
    assert runner.progress(job).state == "failed"
    chunk = next(runner.store.array_dir("k1", "chunks").rglob("values.npy"))
    zero_bytes(chunk, 100)
    monkeypatch.setattr(jobs, "explain_chunk", fake_chunk)
    runner.submit(job)
    _, clean = computed(tmp_path / "clean", job)
    np.testing.assert_array_equal(np.asarray(runner.result(job)["values"]), clean)
    assert len(quarantined(tmp_path / "c")) == 1


def test_a_model_file_that_fails_its_checksum_is_set_aside(tmp_path) -> None:
    store = ResultStore(tmp_path / "c")
    store.model_path("f1").write_bytes(b"a fitted model")
    store.record_model("f1", {"name": "Forest"})
    assert store.checked_model("f1") and store.get_json("model:f1")["name"] == "Forest"
    store.model_path("f1").write_bytes(b"a fitted modeL")
    assert not store.checked_model("f1") and not store.model_path("f1").exists()
    assert "models/f1.skops failed its checksum" in store.notes["models/f1.skops"]
    assert quarantined(tmp_path / "c")[0].read_bytes() == b"a fitted modeL"


@pytest.mark.parametrize(
    ("values_shape", "output_shape"),
    [((5, 3), (5,)), ((5, 3, 3), (5,)), ((5, 3, 2), (5, 2)), ((5, 3, 3, 2), (5, 2))],
    ids=["shap", "interactions", "shap-multiclass", "interactions-multiclass"],
)
def test_additivity_sums_every_feature_axis_of_shap_and_interaction_values(values_shape, output_shape) -> None:
    values = np.random.default_rng(2).normal(size=values_shape)
    base = np.full(output_shape, 0.5)
    outputs = base + values.sum(axis=tuple(range(1, len(values_shape) - len(output_shape) + 1)))
    check_additive({"values": values, "base_values": base, "outputs": outputs})  # whole: passes
    outputs[1] += 0.1
    with pytest.raises(DamagedEntry, match="broke additivity on 1 of 5 rows"):
        check_additive({"values": values, "base_values": base, "outputs": outputs})
