"""Pieces of the loader that need no database."""

from __future__ import annotations

import threading

import pytest

from ingestion.load import prefetched


def test_prefetched_yields_every_item_in_order_from_another_thread():
    producers = set()

    def items():
        for i in range(5):
            producers.add(threading.get_ident())
            yield i

    assert list(prefetched(items())) == [0, 1, 2, 3, 4]
    assert producers and threading.get_ident() not in producers


def test_prefetched_raises_the_producers_error_after_the_items_before_it():
    def items():
        yield 1
        raise OSError("source gone")

    got = []
    with pytest.raises(OSError, match="source gone"):
        for item in prefetched(items()):
            got.append(item)
    assert got == [1]


def test_prefetched_stops_reading_ahead_when_the_consumer_stops():
    produced = []

    def items():
        for i in range(100):
            produced.append(i)
            yield i

    stream = prefetched(items())
    assert next(stream) == 0
    stream.close()
    assert len(produced) <= 2  # the item handed out and at most one read ahead
