"""Secrets stay put: key material and plaintext never show in repr()/str() or kmsmock's logs, and
real credentials in the environment are neither changed nor copied into kmsmock's state."""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

import kmsmock
from kmsmock import KmsMock, mock_kms
from kmsmock.backend.key import Key, Material
from kmsmock.operations import OPERATIONS
from tests.activation_forms import FORMS
from tests.helpers import public_xks_store, replace_handler, without_retries

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

REGION = "us-east-1"
PLAINTEXT = b"attack at dawn: the plaintext nobody may print"
CONTEXT = {"purpose": "secrets test"}
IMPORTED = bytes(range(100, 132))  # 32 bytes of "imported" symmetric key material
XKS_SECRET = "XksRawSecretAccessKey0123456789abcdefghijKLMNOP+/="  # 43-64 of [A-Za-z0-9/+=]


def _forms_of(secret: bytes | str) -> list[str]:
    """How a secret could show up in text: as itself, as Python shows bytes, hex, base64."""
    if isinstance(secret, str):
        return [secret]
    return [
        repr(secret)[2:-1],
        secret.hex(),
        base64.b64encode(secret).decode(),
        secret.decode("latin-1"),
    ]


def _assert_hidden(text: str, secrets: dict[str, bytes | str], where: str) -> None:
    for name, secret in secrets.items():
        for form in _forms_of(secret):
            assert form not in text, f"{name} shows in {where}: {text[:300]}"


def _walk(root: Any) -> Iterator[Any]:
    """Every kmsmock object (and container of them) reachable from ``root``."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, (str, bytes, int, float, bool, type(None))):
            continue
        seen.add(id(obj))
        if isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
            yield obj
            continue
        if isinstance(obj, (list, tuple, set, frozenset)):
            stack.extend(obj)
            yield obj
            continue
        if not type(obj).__module__.startswith("kmsmock"):
            continue  # botocore, cryptography, locks, datetimes: not kmsmock's to print
        yield obj
        stack.extend(vars(obj).values() if hasattr(obj, "__dict__") else ())
        for cls in type(obj).__mro__:
            for slot in getattr(cls, "__slots__", ()):
                if hasattr(obj, slot):
                    stack.append(getattr(obj, slot))


def _material_secrets(mock: KmsMock) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for store in mock.backend.stores():
        for key in store.keys.values():
            for i, m in enumerate(key.materials):
                if m.secret:
                    found[f"material {i} of {key.key_id}"] = m.secret
            if isinstance(key.private, bytes):
                found[f"HMAC secret of {key.key_id}"] = key.private
    return found


def _build_state(kms: KMSClient) -> dict[str, bytes | str]:
    """Keys of every kind, used, so that every secret-holding object exists; returns the
    secrets the caller saw (plaintexts, data keys, imported material)."""
    seen: dict[str, bytes | str] = {"plaintext": PLAINTEXT}
    sym = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/secrets", TargetKeyId=sym)
    blob = kms.encrypt(KeyId=sym, Plaintext=PLAINTEXT, EncryptionContext=CONTEXT)["CiphertextBlob"]
    kms.rotate_key_on_demand(KeyId=sym)
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext=CONTEXT)["Plaintext"] == PLAINTEXT
    data_key = kms.generate_data_key(KeyId="alias/secrets", KeySpec="AES_256")
    seen["data key"] = data_key["Plaintext"]
    seen["random bytes"] = kms.generate_random(NumberOfBytes=32)["Plaintext"]
    hmac = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    kms.generate_mac(KeyId=hmac["KeyId"], Message=PLAINTEXT, MacAlgorithm="HMAC_SHA_256")
    rsa = kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    sealed = kms.encrypt(
        KeyId=rsa["KeyId"], Plaintext=PLAINTEXT[:32], EncryptionAlgorithm="RSAES_OAEP_SHA_256"
    )["CiphertextBlob"]
    kms.decrypt(KeyId=rsa["KeyId"], CiphertextBlob=sealed, EncryptionAlgorithm="RSAES_OAEP_SHA_256")
    signer = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    kms.sign(KeyId=signer["KeyId"], Message=PLAINTEXT, SigningAlgorithm="ECDSA_SHA_256")
    kms.create_grant(
        KeyId=sym,
        GranteePrincipal="arn:aws:iam::123456789012:role/reader",
        Operations=["Decrypt"],
    )
    if "ImportKeyMaterial" in OPERATIONS:
        external = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
        params = kms.get_parameters_for_import(
            KeyId=external, WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
        )
        public = serialization.load_der_public_key(params["PublicKey"])
        oaep = padding.OAEP(
            mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None
        )
        kms.import_key_material(
            KeyId=external,
            ImportToken=params["ImportToken"],
            EncryptedKeyMaterial=public.encrypt(IMPORTED, oaep),  # type: ignore[union-attr]
            ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
        )
        seen["imported material"] = IMPORTED
    if "CreateCustomKeyStore" in OPERATIONS:
        kms.create_custom_key_store(**public_xks_store("secrets-xks", XKS_SECRET))
        seen["XKS proxy secret"] = XKS_SECRET
    return seen


@pytest.fixture
def populated() -> Iterator[tuple[KmsMock, dict[str, bytes | str]]]:
    with mock_kms() as mock:
        kms = boto3.client("kms", region_name=REGION)
        seen = _build_state(kms)
        secrets = {**seen, **_material_secrets(mock)}
        assert any(name.startswith("HMAC secret") for name in secrets)  # the walk found them
        assert sum(name.startswith("material") for name in secrets) >= 3
        yield mock, secrets


def test_repr_and_str_of_every_kmsmock_object_hide_secrets(
    populated: tuple[KmsMock, dict[str, bytes | str]],
) -> None:
    mock, secrets = populated
    kinds: set[str] = set()
    for obj in [mock, *_walk(mock.backend)]:
        kinds.add(type(obj).__name__)
        for show in (repr, str):
            _assert_hidden(show(obj), secrets, f"{show.__name__}() of {type(obj).__name__}")
    # The walk really reached the objects that hold secrets.
    assert {"Backend", "RegionStore", "Key", "Material"} <= kinds


def test_a_material_and_a_key_say_what_they_are_without_their_secret() -> None:
    with mock_kms() as mock:
        kms = boto3.client("kms", region_name=REGION)
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        key = mock.backend.store(kmsmock.DEFAULT_ACCOUNT, REGION).keys[key_id]
        material = key.materials[0]
        assert isinstance(key, Key)
        assert isinstance(material, Material)
        assert material.id in repr(material)
        assert key_id in repr(key)
        _assert_hidden(repr(material) + str(key), {"secret": material.secret}, "Material/Key")


def test_kmsmock_logs_no_plaintext_even_when_it_fails(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG, logger="kmsmock")
    with mock_kms():
        kms = boto3.client("kms", region_name=REGION)
        seen = _build_state(kms)

        # A kmsmock bug while serving a request: the log names the operation, not the body.
        def broken(ctx: Any, req: Any) -> Any:
            raise RuntimeError("simulated kmsmock bug")

        replace_handler(monkeypatch, "Encrypt", broken)
        with pytest.raises(kms.exceptions.KMSInternalException):
            without_retries().encrypt(KeyId="alias/secrets", Plaintext=PLAINTEXT)
    records = [r for r in caplog.records if r.name.startswith("kmsmock")]
    assert any("failed to serve TrentService.Encrypt" in r.getMessage() for r in records)
    text = "\n".join(caplog.handler.format(r) for r in records)
    _assert_hidden(text, seen, "kmsmock's log")


# -- real credentials in the environment --------------------------------------------------------

REAL_KEY_ID = "AKIAREALLOOKINGKEY42"
REAL_SECRET = "real/Looking+Secret/Access/Key/0123456789"
REAL_TOKEN = "FwoGZXIvYXdzEreal-looking-session-token"


@pytest.mark.parametrize(
    "form", [FORMS[name] for name in ("context_manager", "decorator", "start_stop")]
)
def test_real_credentials_are_left_alone_and_never_copied(
    monkeypatch: pytest.MonkeyPatch, form: Callable[[Callable[[], None]], None]
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", REAL_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", REAL_SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", REAL_TOKEN)
    before = dict(os.environ)
    real = {"key id": REAL_KEY_ID, "secret": REAL_SECRET, "token": REAL_TOKEN}
    checked: list[int] = []

    def body() -> None:
        assert dict(os.environ) == before
        kms = boto3.client("kms", region_name=REGION)
        answers = [
            repr(_build_state(kms)),
            repr(kms.list_keys()),
            repr(
                kms.list_grants(
                    KeyId=kms.describe_key(KeyId="alias/secrets")["KeyMetadata"]["KeyId"]
                )
            ),
        ]
        _assert_hidden("\n".join(answers), real, "responses")
        from kmsmock.mock import _activations

        objects = [*_walk(_activations), *_walk(_activations.interceptor)]
        for obj in objects:
            _assert_hidden(repr(obj), real, f"repr() of {type(obj).__name__}")
            for value in (vars(obj) if hasattr(obj, "__dict__") else {}).values():
                if isinstance(value, str):
                    _assert_hidden(value, real, f"a {type(obj).__name__} attribute")
            if isinstance(obj, (dict, list, tuple, set)):
                items = obj.items() if isinstance(obj, dict) else enumerate(obj)
                for pair in items:
                    for value in pair:
                        if isinstance(value, str):
                            _assert_hidden(value, real, "a kmsmock container")
        checked.append(len(objects))

    form(body)
    assert dict(os.environ) == before
    assert checked
    assert checked[0] > 20  # the walk reached the backend's objects
