from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from kmsmock import KmsMock


def test_a_throttled_call_succeeds_on_retry(fast_retries: KmsMock, retrying_client: Any) -> None:
    key_id = retrying_client.create_key()["KeyMetadata"]["KeyId"]
    fast_retries.fail_next("ThrottlingException", times=2, operation="Encrypt")

    out = retrying_client.encrypt(KeyId=key_id, Plaintext=b"x")

    assert out["ResponseMetadata"]["RetryAttempts"] == 2
    assert [c.attempt for c in fast_retries.calls.of("Encrypt")] == [1, 2, 3]
    assert len(fast_retries.backoffs) == 2  # botocore's own backoff decisions, not slept


def test_persistent_throttling_reaches_the_caller(
    fast_retries: KmsMock, retrying_client: Any
) -> None:
    fast_retries.fail_next("ThrottlingException", times=None)
    with pytest.raises(ClientError) as exc:
        retrying_client.list_keys()
    assert exc.value.response["Error"]["Code"] == "ThrottlingException"
    assert fast_retries.calls.count("ListKeys") == 3
