from django.contrib.auth.hashers import Argon2PasswordHasher


class TestArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with a small memory cost, for the test suite only: the same algorithm, faster."""

    algorithm = "argon2"
    time_cost = 1
    memory_cost = 1024
    parallelism = 1
