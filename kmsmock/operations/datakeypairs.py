"""Data key pairs: GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext.

A fresh key pair of the requested KeyPairSpec — private key DER PKCS#8, public key DER
SubjectPublicKeyInfo — with the private key sealed under a symmetric encryption KMS key in the
ordinary symmetric ciphertext envelope (``encryption._seal``), so Decrypt opens it, encryption
context rules included.

Check order: the KeyPairSpec's Region availability (input validation, before the key is looked
up), then the wrapping key's usage, state and spec (usage before state, as for Sign: see
``signing``), then DryRun.
"""

from __future__ import annotations

from .. import errors
from ..backend.specs import ENCRYPT_DECRYPT
from ..crypto import families
from .encryption import _seal, with_and_without_plaintext
from .lookup import find_key
from .registry import Context, Request, Response
from .states import dry_run, require_usable, require_usage


def _data_key_pair(ctx: Context, req: Request, operation_name: str) -> tuple[Response, bytes]:
    pair_spec = req["KeyPairSpec"]
    spec = families.spec(pair_spec)
    if spec is None or not spec.data_key_pair:  # newer in botocore's model than in kmsmock
        raise errors.KEY_PAIR_SPEC_NOT_IMPLEMENTED(key_pair_spec=pair_spec)
    if not spec.available_in(ctx.store.partition):
        # SM2 only in China Regions, ML-KEM everywhere else ([BC] KeyPairSpec).
        raise errors.KEY_PAIR_SPEC_NOT_IN_REGION(key_pair_spec=pair_spec)
    key = find_key(ctx, req["KeyId"], aliases=True)
    require_usage(key, ENCRYPT_DECRYPT, operation_name)
    require_usable(key)
    if not key.spec.symmetric:
        # The text AWS gives GenerateDataKey for an asymmetric key (kmsmock-research item 13).
        raise errors.ASYMMETRIC_DATA_KEY()
    if key.custom_key_store_id is not None:  # the model: not a key in a custom key store
        raise errors.IN_CUSTOM_KEY_STORE(key_arn=key.arn, operation=operation_name)
    dry_run(req)
    private = families.generate(spec)
    private_der = spec.family.private_der(private)
    public_der = spec.family.public_der(private)
    blob, material = _seal(key, private_der, req.get("EncryptionContext"))
    out: Response = {
        "PrivateKeyCiphertextBlob": blob,
        "PublicKey": public_der,
        "KeyId": key.arn,
        "KeyPairSpec": pair_spec,
        "KeyMaterialId": material.id,
    }
    return out, private_der


with_and_without_plaintext("GenerateDataKeyPair", "PrivateKeyPlaintext", _data_key_pair)
