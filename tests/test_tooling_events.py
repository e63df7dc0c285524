"""CloudTrail records drawn from the call log's own records: secrets never in them (as AWS never
logs them), and one record per request shared by both views."""

from __future__ import annotations

import pytest

from kmsmock import mock_kms
from tests.helpers import new_client, public_xks_store
from tests.keystores.cloudhsm import PASSWORD, hsm_store

SECRET = "s" * 43


@pytest.mark.parametrize("log_secrets", [False, True])
def test_key_store_secrets_are_never_in_cloudtrail(log_secrets: bool) -> None:
    """AWS's CreateCustomKeyStore record names the store, never its password (developer guide,
    ct-create-keystore); the XKS proxy credential is as secret. The call log keeps them only
    when asked; CloudTrail never."""
    with mock_kms(log_secrets=log_secrets) as m:
        kms = new_client()
        hsm_store(kms)
        kms.create_custom_key_store(**public_xks_store("xks", SECRET))
        hsm, xks = (r["requestParameters"] for r in m.events.cloudtrail)
        assert hsm["customKeyStoreName"] == "hsm"
        assert "keyStorePassword" not in hsm
        assert xks["xksProxyUriPath"] == "/kms/xks/v1"
        assert "xksProxyAuthenticationCredential" not in xks
        text = repr([r.as_dict() for r in m.events.cloudtrail])
        assert PASSWORD not in text
        assert SECRET not in text
        stored = m.calls.of("CreateCustomKeyStore")[0].request["KeyStorePassword"]
        assert (stored == PASSWORD) is log_secrets


def test_one_record_per_request_serves_both_views() -> None:
    with mock_kms() as m:
        kms = new_client()
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.encrypt(KeyId=key_id, Plaintext=b"x")
        [fact] = [f for f in m.backend.journal.facts if f.operation == "Encrypt"]
        assert fact._call is m.calls._calls[-1]  # shared, not copied
        assert fact.call == m.calls.last  # and shown alike: redacted
        [record] = m.events.cloudtrail.named("Encrypt")
        assert record["requestID"] == m.calls.last.request_id
        assert record["requestParameters"] == {"keyId": key_id}  # no plaintext, redacted or not
        assert record["responseElements"] is None  # read-only: CloudTrail logs none


def test_the_events_keep_their_own_limit_whatever_the_call_log_keeps() -> None:
    with mock_kms(max_calls=1) as m:
        kms = new_client()
        kms.create_key()
        kms.list_keys()
        m.calls.reset()
        assert len(m.calls) == 0
        assert m.events.cloudtrail.names == ["CreateKey", "ListKeys"]
        m.events.clear()
        kms.list_aliases()
        assert (m.calls.counts(), m.events.cloudtrail.names) == (
            {"ListAliases": 1},
            ["ListAliases"],
        )
