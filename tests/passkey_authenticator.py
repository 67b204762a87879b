"""A software passkey for tests that drive the WebAuthn endpoints with
Django's test client: it answers the options the site sends as a browser
and an authenticator would (an EC P-256 key, "none" attestation), so that
py_webauthn checks real signatures. The browser tests use Chromium's own
virtual authenticator instead."""

import hashlib
import json
import os
import struct
from base64 import urlsafe_b64decode, urlsafe_b64encode

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

ORIGIN = "http://localhost"
HOST = "localhost"  # the test client's Host header, so the RP ID is localhost


def b64(data: bytes) -> str:
    return urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftPasskey:
    def __init__(self, rp_id: str = HOST, origin: str = ORIGIN):
        self.rp_id = rp_id
        self.origin = origin
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.sign_count = 0

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}
        ).encode()

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,  # kty: EC2
                3: -7,  # alg: ES256
                -1: 1,  # crv: P-256
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def _auth_data(self, *, attested: bool) -> bytes:
        flags = 0x01 | 0x04  # user present, user verified
        data = hashlib.sha256(self.rp_id.encode()).digest()
        if attested:
            flags |= 0x40
            body = bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id
            body += self._cose_key()
        else:
            body = b""
        return data + bytes([flags]) + struct.pack(">I", self.sign_count) + body

    def register(self, options: dict) -> dict:
        """The browser's answer to ``navigator.credentials.create`` with ``options``."""
        client_data = self._client_data("webauthn.create", options["challenge"])
        attestation = cbor2.dumps(
            {"fmt": "none", "attStmt": {}, "authData": self._auth_data(attested=True)}
        )
        return {
            "id": b64(self.credential_id),
            "rawId": b64(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(client_data),
                "attestationObject": b64(attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {"credProps": {"rk": True}},
        }

    def authenticate(self, options: dict) -> dict:
        """The browser's answer to ``navigator.credentials.get`` with ``options``."""
        self.sign_count += 1
        client_data = self._client_data("webauthn.get", options["challenge"])
        auth_data = self._auth_data(attested=False)
        signature = self.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": b64(self.credential_id),
            "rawId": b64(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(client_data),
                "authenticatorData": b64(auth_data),
                "signature": b64(signature),
                "userHandle": None,
            },
            "clientExtensionResults": {},
        }
