"""Compatibility with the moto versions pip picks (Python 3.9 gets moto 5.1, which differs)."""

from __future__ import annotations

import datetime

from mock_esm.delivery.stream_records import epoch


def test_a_stream_record_time_stored_as_iso_text_is_read_as_utc():
    # moto before 5.2 keeps ApproximateCreationDateTime as utcnow().isoformat(); read as 0.0,
    # every DynamoDB record would fall into the first tumbling window and carry epoch 0.
    assert epoch("2026-01-02T03:04:05.250000") == datetime.datetime(
        2026, 1, 2, 3, 4, 5, 250000, tzinfo=datetime.timezone.utc).timestamp()
    assert epoch("not a time") is None
