"""``mirps.collecting.cycles_collected_after``: the collector paused for an upload, and
running again after, whatever happens inside."""

from __future__ import annotations

import gc
import threading

import pytest

from mirps.collecting import cycles_collected_after


def test_paused_inside_and_running_again_after_even_on_an_error():
    assert gc.isenabled()
    with cycles_collected_after():
        assert not gc.isenabled()
        with cycles_collected_after():  # nested: still paused when the inner one ends
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError), cycles_collected_after():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_left_off_when_it_was_off_before():
    gc.disable()
    try:
        with cycles_collected_after():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_concurrent_blocks_resume_the_collector_when_the_last_ends():
    inside, release = threading.Event(), threading.Event()

    def other():
        with cycles_collected_after():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other)
    with cycles_collected_after():
        thread.start()
        inside.wait(5)
    assert not gc.isenabled()  # the other block is still running
    release.set()
    thread.join(5)
    assert gc.isenabled()
