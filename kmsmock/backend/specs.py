"""What a KMS key spec is: the key usages it allows and the algorithms DescribeKey lists for each.

The specs themselves are declared by their families (``kmsmock.crypto.families``: one object per
family — RSA, ECC, Ed25519, ML-DSA, ML-KEM, SM2, HMAC, symmetric — that also generates, signs,
encrypts...). This module is data only and imports nothing at run time, so the backend stores a
``KeySpec`` on every key without importing any cryptography.

Sources: the KeySpec/KeyUsage documentation of CreateKey in botocore's model (1.44: ML-DSA,
ML-KEM, Ed25519 included) and the AWS Developer Guide's key-spec pages (kms-facts.md §4, §8.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..crypto.families.base import Family

ENCRYPT_DECRYPT = "ENCRYPT_DECRYPT"
SIGN_VERIFY = "SIGN_VERIFY"
GENERATE_VERIFY_MAC = "GENERATE_VERIFY_MAC"
KEY_AGREEMENT = "KEY_AGREEMENT"
ENCAPSULATE_DECAPSULATE = "ENCAPSULATE_DECAPSULATE"

# KeyMetadata member that lists each usage's algorithms.
ALGORITHM_FIELD = {
    ENCRYPT_DECRYPT: "EncryptionAlgorithms",
    SIGN_VERIFY: "SigningAlgorithms",
    GENERATE_VERIFY_MAC: "MacAlgorithms",
    KEY_AGREEMENT: "KeyAgreementAlgorithms",
    ENCAPSULATE_DECAPSULATE: "EncapsulationAlgorithms",
}


@dataclass(frozen=True, eq=False)  # each spec exists once: identity is equality
class KeySpec:
    name: str
    # The family that declared it and does its cryptography.
    family: Family[Any] = field(repr=False)
    # usage -> the algorithm list DescribeKey shows for that usage
    usages: Mapping[str, tuple[str, ...]]
    china_only: bool = False
    # ML-KEM: "The ML-KEM key specs are not available in China Regions."
    not_in_china: bool = False

    @property
    def symmetric(self) -> bool:
        return self.family.symmetric

    @property
    def hmac(self) -> bool:
        return self.family.hmac

    @property
    def asymmetric(self) -> bool:
        return not (self.symmetric or self.hmac)

    @property
    def data_key_pair(self) -> bool:
        """Whether GenerateDataKeyPair makes pairs of this spec (its KeyPairSpec values)."""
        return self.family.data_key_pairs

    def available_in(self, partition: str) -> bool:
        if self.china_only:
            return partition == "aws-cn"
        if self.not_in_china:
            return partition != "aws-cn"
        return True
