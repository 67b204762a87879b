"""Django's Argon2 hasher with one lane, hashing at low CPU priority.

The same memory (100 MiB) and time cost as Django's, so the same work for
anyone guessing from a stolen hash; one lane only means one hash runs on one
core. With eight lanes a single sign-in takes every core of a small server
for its moment, and a stream of wrong passwords starves every page; with
one, and ``SIGN_IN_CHECKS_AT_ONCE`` at half the cores, the other half stay
free. On this project's two-core machine one lane was no slower under load
(about 600 ms either way). Hashes made with eight lanes still verify (the
hash records its own settings) and are remade with one at the next sign-in.

Each process hashes in one thread of its own whose CPU priority is lowered
(nice 10, Linux): a page being served outranks a password being checked,
so under attack the hashing takes the cores' spare time rather than the
patients'. Argon2 lets go of Python's lock while it works, so the thread
waiting for it costs nothing. Alone on an idle machine it is as fast as
before.
"""

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress

from django.contrib.auth import hashers

HASHING_NICENESS = 10

_lock = threading.Lock()
_pool: tuple[int, ThreadPoolExecutor] | None = None


def _lower_priority() -> None:
    # On Linux a thread id names just that thread; elsewhere, or already
    # nicer than this, the hash runs at the process's own priority.
    with suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASHING_NICENESS)


def _hashing_thread() -> ThreadPoolExecutor:
    """This process's hashing thread (a fork, e.g. a gunicorn worker, makes its own)."""
    global _pool
    with _lock:
        if _pool is None or _pool[0] != os.getpid():
            executor = ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="hashing", initializer=_lower_priority
            )
            _pool = (os.getpid(), executor)
        return _pool[1]


class Argon2PasswordHasher(hashers.Argon2PasswordHasher):
    parallelism = 1

    def encode(self, password, salt):
        return _hashing_thread().submit(super().encode, password, salt).result()

    def verify(self, password, encoded):
        return _hashing_thread().submit(super().verify, password, encoded).result()
