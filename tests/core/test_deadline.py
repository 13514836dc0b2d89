"""The per-example deadline the search announces to claims (`verify.budget.deadline` / `remaining`)."""

import time

from verify.budget import deadline, remaining
from verify.searching import _time_limit


def test_remaining_inside_and_outside_a_deadline():
    assert remaining() is None
    with deadline(5):
        r = remaining()
        assert 4 < r <= 5
        with deadline(60):  # an inner, later deadline keeps the earlier one
            assert remaining() <= r
        with deadline(1):
            assert remaining() <= 1
    assert remaining() is None


def test_the_search_time_limit_announces_its_deadline():
    with _time_limit(3):
        r = remaining()
        assert r is not None and 2 < r <= 3
        time.sleep(0.05)
        assert remaining() < r
    assert remaining() is None
