"""No network, ever: the suite runs with sockets disabled, and a full workflow touches none.

The project's own pytest configuration passes ``--disable-socket --allow-unix-socket``
(pytest-socket): any accidental internet socket fails the test that opened it. Unix sockets stay
allowed because asyncio's event loop needs a socketpair; pytest-xdist talks over pipes.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, HTTPClientError

from kmsmock import mock_kms
from kmsmock.operations import OPERATIONS

REGION = "eu-west-1"
NO_RETRIES = Config(retries={"max_attempts": 1}, connect_timeout=1, read_timeout=1)


class NetworkAttempt(Exception):
    """Raised by the recording guard the moment anything tries to use the network."""


@pytest.fixture
def attempts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record (and refuse) every internet socket, name resolution and connection attempt."""
    seen: list[str] = []
    real_socket = socket.socket

    class RecordingSocket(real_socket):  # type: ignore[misc,valid-type]
        def __new__(cls, family: Any = -1, *args: Any, **kwargs: Any) -> Any:
            if family in (-1, socket.AF_INET, socket.AF_INET6):
                seen.append(f"socket({family})")
                raise NetworkAttempt("socket")
            return real_socket.__new__(cls, family, *args, **kwargs)

    def refuse(name: str) -> Any:
        def refused(*args: Any, **kwargs: Any) -> Any:
            seen.append(f"{name}{args[:2]}")
            raise NetworkAttempt(name)

        return refused

    monkeypatch.setattr(socket, "socket", RecordingSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex"):
        monkeypatch.setattr(socket, name, refuse(name))
    return seen


def _plugin_blocked(config: pytest.Config, name: str) -> bool:
    return config.pluginmanager.is_blocked(name)


def test_the_suite_runs_with_internet_sockets_disabled(request: pytest.FixtureRequest) -> None:
    if _plugin_blocked(request.config, "socket"):
        pytest.skip("pytest-socket disabled on the command line (-p no:socket)")
    from pytest_socket import SocketBlockedError

    assert request.config.getoption("disable_socket"), "pyproject addopts lost --disable-socket"
    for family in (socket.AF_INET, socket.AF_INET6):
        with pytest.warns(UserWarning, match="socket"), pytest.raises(SocketBlockedError):
            socket.socket(family, socket.SOCK_STREAM)
    # Unix sockets stay usable: asyncio's event loop is built on a socketpair.
    left, right = socket.socketpair()
    left.close()
    right.close()
    assert asyncio.run(asyncio.sleep(0, result="loop ran")) == "loop ran"


@pytest.mark.parametrize(
    "endpoint_url",
    ["https://kms.internal.example:8443", "http://127.0.0.1:9", "https://[::1]/kms/"],
)
def test_a_full_workflow_with_a_custom_endpoint_touches_no_socket(
    attempts: list[str], monkeypatch: pytest.MonkeyPatch, endpoint_url: str
) -> None:
    # A proxy in the environment must not matter either: nothing is sent at all.
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal.example:3128")
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.internal.example:3128")
    with mock_kms():
        kms = boto3.client("kms", region_name=REGION, endpoint_url=endpoint_url, config=NO_RETRIES)
        key = kms.create_key(Description="workflow")["KeyMetadata"]
        kms.create_alias(AliasName="alias/workflow", TargetKeyId=key["KeyId"])
        kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=90)
        blob = kms.encrypt(
            KeyId="alias/workflow", Plaintext=b"secret", EncryptionContext={"a": "b"}
        )["CiphertextBlob"]
        kms.rotate_key_on_demand(KeyId=key["KeyId"])
        data_key = kms.generate_data_key(KeyId=key["Arn"], KeySpec="AES_256")
        other = kms.create_key()["KeyMetadata"]["KeyId"]
        moved = kms.re_encrypt(
            CiphertextBlob=blob,
            SourceEncryptionContext={"a": "b"},
            DestinationKeyId=other,
        )["CiphertextBlob"]
        assert kms.decrypt(CiphertextBlob=moved)["Plaintext"] == b"secret"
        assert (
            kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"])["Plaintext"]
            == (data_key["Plaintext"])
        )
        assert len(kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]) == 1
        pages = list(kms.get_paginator("list_keys").paginate(PaginationConfig={"PageSize": 1}))
        assert len(pages) == 2
        if "Sign" in OPERATIONS and "Verify" in OPERATIONS:
            signer = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
            signer_id = signer["KeyMetadata"]["KeyId"]
            signature = kms.sign(KeyId=signer_id, Message=b"m", SigningAlgorithm="ECDSA_SHA_256")[
                "Signature"
            ]
            assert kms.verify(
                KeyId=signer_id,
                Message=b"m",
                Signature=signature,
                SigningAlgorithm="ECDSA_SHA_256",
            )["SignatureValid"]
        with pytest.raises(ClientError) as exc:
            kms.describe_key(KeyId="alias/missing")
        assert exc.value.response["Error"]["Code"] == "NotFoundException"
        kms.schedule_key_deletion(KeyId=other, PendingWindowInDays=7)
    assert attempts == []


def test_the_guard_does_see_a_client_that_reaches_for_the_network(attempts: list[str]) -> None:
    """The control for the test above: without kmsmock, the same call is caught trying."""
    kms = boto3.client(
        "kms",
        region_name=REGION,
        endpoint_url="https://kms.internal.example:8443",
        aws_access_key_id="AKIAEXAMPLEEXAMPLE00",
        aws_secret_access_key="example-secret",
        config=NO_RETRIES,
    )
    with pytest.raises(HTTPClientError) as exc:
        kms.list_keys()
    assert "getaddrinfo" in str(exc.value)
    assert attempts, "the recording guard saw nothing"
