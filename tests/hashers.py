from django.contrib.auth.hashers import PBKDF2PasswordHasher


class FastPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Production's algorithm (pbkdf2_sha256) with few iterations: fast in tests, and a hash the
    production build (tests/processes.py) verifies as it is, since the count is part of the hash."""

    iterations = 1000
