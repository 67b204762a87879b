"""Django's Argon2 hasher with one lane instead of eight.

The same memory (100 MiB) and time cost as Django's, so the same work for
anyone guessing from a stolen hash; one lane only means one hash runs on one
core. With eight lanes a single sign-in takes every core of a small server
for its moment, and a stream of wrong passwords starves every page; with
one, and ``SIGN_IN_CHECKS_AT_ONCE`` at half the cores, the other half stay
free. On this project's two-core machine one lane was no slower under load
(about 600 ms either way). Hashes made with eight lanes still verify (the
hash records its own settings) and are remade with one at the next sign-in.
"""

from django.contrib.auth import hashers


class Argon2PasswordHasher(hashers.Argon2PasswordHasher):
    parallelism = 1
