"""Password hashing: Argon2id (argon2-cffi), the hasher Django's documentation recommends, with OWASP's
parameters (19 MiB, 2 passes, 1 lane). Django's default PBKDF2 at 1,000,000 iterations took ~0.5 s a login on
this machine; hashes made with it still verify and are rewritten as Argon2id at the person's next login."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
