"""aiobotocore and aioboto3 clients are served like botocore's, from the same backend, under the
same activation, through their own request loop (``AioEndpoint``)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from typing import Any

import boto3
import pytest
from botocore.config import Config

from kmsmock import mock_kms

aiobotocore_session = pytest.importorskip(
    "aiobotocore.session", reason="aiobotocore is in the 'async' extra (it pins botocore)"
)


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def round_trip(region: str = "us-east-1") -> dict[str, Any]:
    session = aiobotocore_session.get_session()
    async with session.create_client("kms", region_name=region) as kms:
        key_id = (await kms.create_key(Description="async"))["KeyMetadata"]["KeyId"]
        blob = (await kms.encrypt(KeyId=key_id, Plaintext=b"secret"))["CiphertextBlob"]
        plain = await kms.decrypt(CiphertextBlob=blob)
        return {"key_id": key_id, "blob": blob, "plaintext": plain["Plaintext"]}


def test_an_aiobotocore_client_is_served() -> None:
    with mock_kms():
        out = run(round_trip())
    assert out["plaintext"] == b"secret"


def test_async_and_sync_clients_share_the_backend() -> None:
    with mock_kms():
        out = run(round_trip())
        sync = boto3.client("kms", region_name="us-east-1")
        assert sync.describe_key(KeyId=out["key_id"])["KeyMetadata"]["Description"] == "async"
        assert sync.decrypt(CiphertextBlob=out["blob"])["Plaintext"] == b"secret"


def test_async_errors_are_awss_and_retried_by_the_clients_retry_mode(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def no_wait(_: float) -> None:
        return None

    monkeypatch.setattr(asyncio, "sleep", no_wait)

    async def limited() -> Any:
        session = aiobotocore_session.get_session()
        config = Config(retries={"mode": "standard", "total_max_attempts": 3})
        async with session.create_client("kms", region_name="us-east-1", config=config) as kms:
            with pytest.raises(kms.exceptions.NotFoundException) as missing:
                await kms.describe_key(KeyId="alias/missing")
            key_id = (await kms.create_key())["KeyMetadata"]["KeyId"]
            for _ in range(25):
                await kms.rotate_key_on_demand(KeyId=key_id)
            with pytest.raises(kms.exceptions.LimitExceededException) as limit:
                await kms.rotate_key_on_demand(KeyId=key_id)
            return missing.value.response, limit.value.response

    with mock_kms():
        missing, limit = run(limited())
    assert missing["Error"]["Message"] == (
        "Alias arn:aws:kms:us-east-1:123456789012:alias/missing is not found."
    )
    assert missing["ResponseMetadata"]["RetryAttempts"] == 0
    assert limit["ResponseMetadata"]["RetryAttempts"] == 2


def test_an_aioboto3_client_is_served() -> None:
    aioboto3 = pytest.importorskip(
        "aioboto3", reason="aioboto3's releases pin a botocore older than kmsmock supports"
    )

    async def use() -> bytes:
        async with aioboto3.Session().client("kms", region_name="eu-west-1") as kms:
            key_id = (await kms.create_key())["KeyMetadata"]["KeyId"]
            blob = (await kms.encrypt(KeyId=key_id, Plaintext=b"x"))["CiphertextBlob"]
            return bytes((await kms.decrypt(CiphertextBlob=blob))["Plaintext"])

    with mock_kms():
        assert run(use()) == b"x"


def test_aiobotocore_imported_after_activation_is_served_and_nothing_is_left() -> None:
    script = textwrap.dedent(
        """
        import asyncio, sys
        from kmsmock import mock_kms
        assert "aiobotocore" not in sys.modules
        with mock_kms():
            from aiobotocore.session import get_session
            async def main():
                async with get_session().create_client("kms", region_name="us-east-1") as kms:
                    return (await kms.list_keys())["Keys"]
            assert asyncio.run(main()) == []
        from aiobotocore.client import AioBaseClient
        from aiobotocore.endpoint import AioEndpoint
        assert not hasattr(AioBaseClient._make_request, "__kmsmock__")
        assert not hasattr(AioEndpoint._send, "__kmsmock__")
        assert not any(type(f).__name__ == "_AioImportHook" for f in sys.meta_path)
        print("ok")
        """
    )
    env = {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y", "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )
    assert done.stdout.strip() == "ok", done.stderr
