"""What each KMS key spec allows: key usages, the algorithms DescribeKey lists for each, and the
facts about each signing algorithm that Sign and Verify enforce.

Sources: the KeySpec/KeyUsage documentation of CreateKey in botocore's model (1.44: ML-DSA,
ML-KEM, Ed25519 included), the AWS Developer Guide's key-spec pages (kms-facts.md §4, §8.1) and
the Sign/Verify ``MessageType`` documentation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ENCRYPT_DECRYPT = "ENCRYPT_DECRYPT"
SIGN_VERIFY = "SIGN_VERIFY"
GENERATE_VERIFY_MAC = "GENERATE_VERIFY_MAC"
KEY_AGREEMENT = "KEY_AGREEMENT"
ENCAPSULATE_DECAPSULATE = "ENCAPSULATE_DECAPSULATE"

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
    # ML-KEM: "The ML-KEM key specs are not available in China Regions."
    not_in_china: bool = False

    @property
    def symmetric(self) -> bool:
        return self.name == "SYMMETRIC_DEFAULT"

    @property
    def hmac(self) -> bool:
        return self.name.startswith("HMAC_")

    @property
    def asymmetric(self) -> bool:
        return not (self.symmetric or self.hmac)

    def available_in(self, partition: str) -> bool:
        if self.china_only:
            return partition == "aws-cn"
        if self.not_in_china:
            return partition != "aws-cn"
        return True


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


def _ml_kem(name: str) -> KeySpec:
    return KeySpec(name, {ENCAPSULATE_DECAPSULATE: ["ML_KEM"]}, not_in_china=True)


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
        # "ECC_SECG_P256K1 (secp256k1) ... signing and verification" only.
        KeySpec("ECC_SECG_P256K1", {SIGN_VERIFY: ["ECDSA_SHA_256"]}),
        # "ECC_NIST_EDWARDS25519 (ed25519) - signing and verification only".
        KeySpec("ECC_NIST_EDWARDS25519", {SIGN_VERIFY: ["ED25519_SHA_512", "ED25519_PH_SHA_512"]}),
        KeySpec("ML_DSA_44", {SIGN_VERIFY: ["ML_DSA_SHAKE_256"]}),
        KeySpec("ML_DSA_65", {SIGN_VERIFY: ["ML_DSA_SHAKE_256"]}),
        KeySpec("ML_DSA_87", {SIGN_VERIFY: ["ML_DSA_SHAKE_256"]}),
        _ml_kem("ML_KEM_512"),
        _ml_kem("ML_KEM_768"),
        _ml_kem("ML_KEM_1024"),
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
    ENCAPSULATE_DECAPSULATE: "EncapsulationAlgorithms",
}

# -- signing algorithms -------------------------------------------------------------------------

# MessageType DIGEST: the digest length each algorithm expects ("Signing algorithms that end in
# SHA_256 use the SHA_256 hashing algorithm ... SM2DSA uses the SM3 hashing algorithm").
# ML_DSA_SHAKE_256 has no DIGEST form (AWS: "Message type DIGEST is incompatible with key spec
# ML_DSA_44."); its pre-hashed form is EXTERNAL_MU, the 64-byte mu of FIPS 204.
DIGEST_BYTES: dict[str, int] = {
    **{f"RSASSA_PKCS1_V1_5_SHA_{n}": n // 8 for n in (256, 384, 512)},
    **{f"RSASSA_PSS_SHA_{n}": n // 8 for n in (256, 384, 512)},
    **{f"ECDSA_SHA_{n}": n // 8 for n in (256, 384, 512)},
    "ED25519_PH_SHA_512": 64,
    "SM2DSA": 32,
}
EXTERNAL_MU_BYTES = 64

# Ed25519 algorithms accept exactly one message type each (CreateKey.KeySpec documentation:
# "ED25519_SHA_512 signing algorithm requires MessageType:RAW, while ED25519_PH_SHA_512 requires
# MessageType:DIGEST. These message types cannot be used interchangeably.")
REQUIRED_MESSAGE_TYPE = {"ED25519_SHA_512": "RAW", "ED25519_PH_SHA_512": "DIGEST"}

# GenerateDataKeyPair's KeyPairSpec values are key specs of the same names.
DATA_KEY_PAIR_SPECS = (
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "ECC_NIST_P256",
    "ECC_NIST_P384",
    "ECC_NIST_P521",
    "ECC_SECG_P256K1",
    "SM2",
    "ECC_NIST_EDWARDS25519",
    "ML_KEM_512",
    "ML_KEM_768",
    "ML_KEM_1024",
)
