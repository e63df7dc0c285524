from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec


def test_sign_with_the_shared_key(kms: Any, signing_key_id: str) -> None:
    signature = kms.sign(
        KeyId="alias/release-signing", Message=b"v1.0.0", SigningAlgorithm="ECDSA_SHA_256"
    )["Signature"]
    public = serialization.load_der_public_key(
        kms.get_public_key(KeyId=signing_key_id)["PublicKey"]
    )
    assert isinstance(public, ec.EllipticCurvePublicKey)
    public.verify(signature, b"v1.0.0", ec.ECDSA(hashes.SHA256()))  # raises if invalid


def test_the_same_key_is_seen_by_every_test(kms: Any, signing_key_id: str) -> None:
    assert [k["KeyId"] for k in kms.list_keys()["Keys"]] == [signing_key_id]
