"""The page's progress row for the cache's states: a job whose process died, a result being computed again."""

from __future__ import annotations

from layouts.shell import row_state
from portal.results import JobProgress


def test_an_interrupted_job_says_so_and_offers_resume() -> None:
    shown = row_state(JobProgress("Forest", 1, 3, "interrupted"))
    assert shown["text"] == "interrupted (the process computing it stopped): 1 of 3 chunks"
    assert (shown["label"], shown["animated"], shown["error"]) == ("Resume", False, "")


def test_a_result_set_aside_shows_its_one_line_while_it_is_computed_again() -> None:
    line = "cache: arrays/k/result failed its checksum (values.npy); moved aside to /q/x; it is computed again"
    shown = row_state(JobProgress("Forest", 0, 3, "running", line))
    assert shown["error"] == line and shown["text"] == "computing: 0 of 3 chunks"
    assert row_state(JobProgress("Forest", 0, 3, "failed", "Boom"))["error"] == "The explanation failed. Boom"
