"""The production password hasher (accounts.hashers): Argon2 with one lane,
Django's memory and time cost, and old eight-lane hashes still accepted."""

from django.contrib.auth import hashers as django_hashers

from accounts.hashers import Argon2PasswordHasher


def test_one_lane_with_djangos_memory_and_time_cost():
    ours, djangos = Argon2PasswordHasher(), django_hashers.Argon2PasswordHasher()
    assert ours.parallelism == 1
    assert (ours.memory_cost, ours.time_cost) == (djangos.memory_cost, djangos.time_cost)
    encoded = ours.encode("a-mat-password", ours.salt())
    assert "p=1" in encoded
    assert ours.verify("a-mat-password", encoded)
    assert not ours.verify("another-password", encoded)
    assert not ours.must_update(encoded)


def test_an_eight_lane_hash_still_verifies_and_is_remade():
    ours, djangos = Argon2PasswordHasher(), django_hashers.Argon2PasswordHasher()
    old = djangos.encode("a-mat-password", djangos.salt())
    assert "p=8" in old
    assert ours.verify("a-mat-password", old)
    assert ours.must_update(old)


def test_hashing_runs_in_a_thread_of_lower_priority():
    import os
    import threading

    from accounts.hashers import HASHING_NICENESS, _hashing_thread

    thread_id = _hashing_thread().submit(threading.get_native_id).result()
    assert thread_id != threading.get_native_id()
    assert os.getpriority(os.PRIO_PROCESS, thread_id) >= HASHING_NICENESS
