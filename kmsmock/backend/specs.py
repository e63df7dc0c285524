"""What each KMS key spec allows: key usages and the algorithms DescribeKey lists for each.

Sources: the KeySpec/KeyUsage documentation of CreateKey in botocore's model and the AWS
Developer Guide's key-spec pages (kms-facts.md §4, §8.1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

ENCRYPT_DECRYPT = "ENCRYPT_DECRYPT"
SIGN_VERIFY = "SIGN_VERIFY"
GENERATE_VERIFY_MAC = "GENERATE_VERIFY_MAC"
KEY_AGREEMENT = "KEY_AGREEMENT"

_RSA_SIGNING = [
    "RSASSA_PKCS1_V1_5_SHA_256",
    "RSASSA_PKCS1_V1_5_SHA_384",
    "RSASSA_PKCS1_V1_5_SHA_512",
    "RSASSA_PSS_SHA_256",
    "RSASSA_PSS_SHA_384",
    "RSASSA_PSS_SHA_512",
]


@dataclass(frozen=True)
class KeySpec:
    name: str
    # usage -> the algorithm list DescribeKey shows for that usage
    usages: dict[str, list[str]] = field(default_factory=dict)
    china_only: bool = False

    @property
    def symmetric(self) -> bool:
        return self.name == "SYMMETRIC_DEFAULT"

    @property
    def hmac(self) -> bool:
        return self.name.startswith("HMAC_")

    @property
    def asymmetric(self) -> bool:
        return not (self.symmetric or self.hmac)


def _rsa(name: str) -> KeySpec:
    return KeySpec(
        name,
        {
            ENCRYPT_DECRYPT: ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"],
            SIGN_VERIFY: _RSA_SIGNING,
        },
    )


def _nist(name: str, signing: str) -> KeySpec:
    return KeySpec(name, {SIGN_VERIFY: [signing], KEY_AGREEMENT: ["ECDH"]})


SPECS: dict[str, KeySpec] = {
    s.name: s
    for s in [
        KeySpec("SYMMETRIC_DEFAULT", {ENCRYPT_DECRYPT: ["SYMMETRIC_DEFAULT"]}),
        _rsa("RSA_2048"),
        _rsa("RSA_3072"),
        _rsa("RSA_4096"),
        _nist("ECC_NIST_P256", "ECDSA_SHA_256"),
        _nist("ECC_NIST_P384", "ECDSA_SHA_384"),
        _nist("ECC_NIST_P521", "ECDSA_SHA_512"),
        KeySpec("ECC_SECG_P256K1", {SIGN_VERIFY: ["ECDSA_SHA_256"]}),
        KeySpec("ECC_NIST_EDWARDS25519", {SIGN_VERIFY: ["ED25519_SHA_512", "ED25519_PH_SHA_512"]}),
        KeySpec("ML_DSA_44", {SIGN_VERIFY: ["ML_DSA_SHAKE_256"]}),
        KeySpec("ML_DSA_65", {SIGN_VERIFY: ["ML_DSA_SHAKE_256"]}),
        KeySpec("ML_DSA_87", {SIGN_VERIFY: ["ML_DSA_SHAKE_256"]}),
        KeySpec("HMAC_224", {GENERATE_VERIFY_MAC: ["HMAC_SHA_224"]}),
        KeySpec("HMAC_256", {GENERATE_VERIFY_MAC: ["HMAC_SHA_256"]}),
        KeySpec("HMAC_384", {GENERATE_VERIFY_MAC: ["HMAC_SHA_384"]}),
        KeySpec("HMAC_512", {GENERATE_VERIFY_MAC: ["HMAC_SHA_512"]}),
        KeySpec(
            "SM2",
            {
                ENCRYPT_DECRYPT: ["SM2PKE"],
                SIGN_VERIFY: ["SM2DSA"],
                KEY_AGREEMENT: ["ECDH"],
            },
            china_only=True,
        ),
    ]
}

# KeyMetadata member that lists each usage's algorithms.
ALGORITHM_FIELD = {
    ENCRYPT_DECRYPT: "EncryptionAlgorithms",
    SIGN_VERIFY: "SigningAlgorithms",
    GENERATE_VERIFY_MAC: "MacAlgorithms",
    KEY_AGREEMENT: "KeyAgreementAlgorithms",
}
