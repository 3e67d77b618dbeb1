"""A fast hasher for OAuth client secrets (``PASSWORD_HASHERS``, used only for them).

A slow password hash protects secrets people choose, which are guessable; a client secret is
128 random characters from django-oauth-toolkit's generator, beyond any guessing, so a salted
SHA-256 keeps it as safe at rest while the token endpoint spends microseconds, not a quarter
second, checking it. ``settings.OAUTH2_PROVIDER["CLIENT_SECRET_HASHER"]`` names it; nothing
else hashes with it.
"""

import hashlib
import hmac
from typing import Any

from django.contrib.auth.hashers import BasePasswordHasher, mask_hash


class ClientSecretHasher(BasePasswordHasher):
    algorithm = "linking_sha256"

    def encode(self, password: str, salt: str) -> str:
        if password is None or not salt or "$" in salt:
            raise ValueError("A password and a salt without '$' are needed.")
        digest = hashlib.sha256(f"{salt}${password}".encode()).hexdigest()
        return f"{self.algorithm}${salt}${digest}"

    def decode(self, encoded: str) -> dict[str, Any]:
        algorithm, salt, digest = encoded.split("$", 2)
        assert algorithm == self.algorithm
        return {"algorithm": algorithm, "hash": digest, "salt": salt}

    def verify(self, password: str, encoded: str) -> bool:
        decoded = self.decode(encoded)
        return hmac.compare_digest(encoded, self.encode(password, decoded["salt"]))

    def safe_summary(self, encoded: str) -> dict[Any, Any]:
        decoded = self.decode(encoded)
        return {
            "algorithm": decoded["algorithm"],
            "salt": mask_hash(decoded["salt"], show=2),
            "hash": mask_hash(decoded["hash"]),
        }

    def harden_runtime(self, password: str, encoded: str) -> None:
        return None
