"""Call log: assert what your code asked KMS, in the manner of ``responses``' ``calls``.

``kms_mock.calls`` holds every request the mock answered (operation, parameters, response or
error, caller, Region, clock time, retry attempt), plaintexts redacted. The fixture starts each
test with an empty log; ``kms_mock.assert_called(...)`` fails with the calls that were made.
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def key_id(kms_client: Any) -> str:
    return str(kms_client.create_key()["KeyMetadata"]["KeyId"])
