"""The single-row cache: misses computed outside its lock, once per key, bounded; different keys never wait.

No timings: a fake computation blocks on an event, and the test asks whether another call returns meanwhile.
"""

from __future__ import annotations

import threading

import pytest

from portal.project._row_cache import RowCache

WAIT_S = 30  # only a safety net against a hung test; a passing test never waits this long


def blocked(cache: RowCache[str], key: str, release: threading.Event, entered: threading.Event) -> threading.Thread:
    """A thread computing ``key`` that stays inside its computation until ``release`` is set."""

    def compute() -> str:
        entered.set()
        assert release.wait(WAIT_S)
        return f"value of {key}"

    thread = threading.Thread(target=cache.get, args=(key, compute), daemon=True)
    thread.start()
    assert entered.wait(WAIT_S)
    return thread


def test_a_different_key_is_computed_while_another_is_still_computing() -> None:
    cache: RowCache[str] = RowCache()
    release, entered = threading.Event(), threading.Event()
    slow = blocked(cache, "slow row", release, entered)
    assert cache.get("other row", lambda: "other") == "other"  # returned while "slow row" is still computing
    assert slow.is_alive() and "slow row" not in cache
    release.set()
    slow.join(WAIT_S)
    assert cache.get("slow row", lambda: "never computed again") == "value of slow row"


def test_a_kept_key_is_read_while_another_is_computing() -> None:
    cache: RowCache[str] = RowCache()
    cache.get("kept", lambda: "kept value")
    release, entered = threading.Event(), threading.Event()
    slow = blocked(cache, "slow row", release, entered)
    assert cache.get("kept", lambda: "recomputed") == "kept value"
    release.set()
    slow.join(WAIT_S)


def test_the_same_key_asked_twice_at_once_is_computed_once_and_both_get_its_value() -> None:
    cache: RowCache[str] = RowCache()
    release, entered = threading.Event(), threading.Event()
    calls: list[str] = []
    slow = blocked(cache, "row", release, entered)
    got: list[str] = []
    second = threading.Thread(target=lambda: got.append(cache.get("row", lambda: calls.append("x") or "second")))
    second.start()
    second.join(0.2)
    assert second.is_alive() and got == []  # waiting for the first computation, not computing its own
    release.set()
    slow.join(WAIT_S)
    second.join(WAIT_S)
    assert got == ["value of row"] and calls == []


def test_a_failure_reaches_every_waiter_and_is_not_kept() -> None:
    cache: RowCache[str] = RowCache()
    entered, release = threading.Event(), threading.Event()

    def failing() -> str:
        entered.set()
        assert release.wait(WAIT_S)
        raise ValueError("model failed")

    errors: list[BaseException] = []

    def ask() -> None:
        try:
            cache.get("row", failing)
        except ValueError as error:
            errors.append(error)

    first = threading.Thread(target=ask)
    first.start()
    assert entered.wait(WAIT_S)
    second = threading.Thread(target=ask)
    second.start()
    release.set()
    first.join(WAIT_S)
    second.join(WAIT_S)
    assert [str(e) for e in errors] == ["model failed", "model failed"]
    assert "row" not in cache and cache.get("row", lambda: "fine now") == "fine now"


def test_the_cache_keeps_only_the_most_recently_used_keys() -> None:
    cache: RowCache[int] = RowCache(keep=2)
    for key in (1, 2):
        cache.get(key, lambda key=key: key * 10)
    assert cache.get(1, lambda: -1) == 10  # 1 is now the most recent
    cache.get(3, lambda: 30)
    assert len(cache) == 2 and 2 not in cache and 1 in cache and 3 in cache


def test_many_threads_on_few_keys_each_get_the_value_of_their_key() -> None:
    cache: RowCache[int] = RowCache(keep=3)
    computed: list[int] = []
    lock = threading.Lock()

    def compute(key: int) -> int:
        with lock:
            computed.append(key)
        return key * key

    results: dict[int, list[int]] = {k: [] for k in range(6)}
    threads = [
        threading.Thread(target=lambda k=k: results[k % 6].append(cache.get(k % 6, lambda: compute(k % 6))))
        for k in range(60)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_S)
    assert all(values == [k * k] * 10 for k, values in results.items())
    assert len(cache) <= 3


@pytest.mark.parametrize("keep", [0, 1])
def test_a_tiny_cache_still_returns_the_computed_value(keep: int) -> None:
    cache: RowCache[str] = RowCache(keep=keep)
    assert cache.get("a", lambda: "A") == "A" and len(cache) == keep
