"""The plugin's side of issue 14: a snapshot fixture gives every test the same start whichever
test builds it, and a conftest's own ``kms_mock`` fixture is how a suite turns on the
activation's options (seed, seed_keys, call log, timing) for every kmsmock fixture."""

from __future__ import annotations

import pytest

ORDERED = ("-p", "no:randomly")

SNAPSHOT_TESTS = """
import boto3
from kmsmock.pytest_plugin import kms_snapshot_fixture

@kms_snapshot_fixture
def kms_with_keys(kms_mock):
    kms = boto3.client("kms", region_name="us-east-1")
    kms.create_alias(AliasName="alias/a", TargetKeyId=kms.create_key()["KeyMetadata"]["KeyId"])

def check(kms_mock, kms_client):
    assert kms_mock.calls.counts() == {}
    assert kms_mock.events.cloudtrail.names == []
    kms_client.describe_key(KeyId="alias/a")
    assert kms_mock.calls.counts() == {"DescribeKey": 1}

def test_a(kms_with_keys, kms_client):
    check(kms_with_keys, kms_client)

def test_b(kms_with_keys, kms_client):
    check(kms_with_keys, kms_client)
"""


@pytest.mark.parametrize("first", ["test_a", "test_b"])
def test_the_test_that_builds_a_snapshot_fixture_starts_like_the_others(
    pytester: pytest.Pytester, first: str
) -> None:
    """Under pytest-randomly any test may be the one that builds: none sees the build's calls."""
    pytester.makepyfile(test_snap=SNAPSHOT_TESTS)
    second = "test_b" if first == "test_a" else "test_a"
    result = pytester.runpytest_inprocess(
        *ORDERED, f"test_snap.py::{first}", f"test_snap.py::{second}"
    )
    result.assert_outcomes(passed=2)


def test_a_conftest_kms_mock_sets_the_options_for_every_fixture(
    pytester: pytest.Pytester,
) -> None:
    """README's way to run a suite in deterministic mode with seeded keys: the plugin's
    ``kms_client``, ``kms_client_factory``, ``kms_calls`` and snapshot fixtures all take the
    ``kms_mock`` a conftest defines."""
    pytester.makeconftest(
        """
        import pytest
        from kmsmock import KmsMock

        KEYS = {"keys": [{"id": "7f3b2c1d-9e8a-4b6c-a5d4-3e2f1a0b9c8d",
                          "aliases": ["alias/app"], "material_seed": "app"}]}

        @pytest.fixture
        def kms_mock():
            with KmsMock(seed=42, seed_keys=KEYS, log_secrets=True, retry_sleep=False) as mock:
                yield mock
        """
    )
    pytester.makepyfile(
        """
        IDS = []

        def test_first(kms_client, kms_calls):
            IDS.append(kms_client.create_key()["KeyMetadata"]["KeyId"])
            kms_client.encrypt(KeyId="alias/app", Plaintext=b"x")
            assert kms_calls.of("Encrypt")[0].request["Plaintext"] == b"x"

        def test_second(kms_client, kms_mock):
            IDS.append(kms_client.create_key()["KeyMetadata"]["KeyId"])
            assert kms_mock.retry_sleep is False

        def test_same_ids():
            assert IDS[0] == IDS[1]
        """
    )
    pytester.runpytest_inprocess(*ORDERED).assert_outcomes(passed=3)


def test_kms_mock_options_give_every_test_the_activations_options(
    pytester: pytest.Pytester,
) -> None:
    """The marker keeps choosing Region and account; the options fixture gives the rest."""
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture
        def kms_mock_options():
            return {"seed": 7, "seed_keys": [{"aliases": ["alias/app"]}], "max_calls": 2,
                    "latency": 1.5, "account_id": "222233334444"}
        """
    )
    pytester.makepyfile(
        """
        import pytest
        from datetime import timedelta

        IDS = []

        def test_options(kms_client, kms_mock):
            assert kms_mock.account_id == "222233334444"
            assert kms_mock.latency == timedelta(seconds=1.5)
            assert kms_mock.calls.max_calls == 2
            IDS.append(kms_client.describe_key(KeyId="alias/app")["KeyMetadata"]["KeyId"])

        @pytest.mark.kmsmock(account_id="111122223333", region="eu-west-1")
        def test_the_marker_still_wins(kms_client, kms_mock):
            assert kms_mock.account_id == "111122223333"
            assert kms_client.meta.region_name == "eu-west-1"

        def test_seeded_the_same(kms_client):
            IDS.append(kms_client.describe_key(KeyId="alias/app")["KeyMetadata"]["KeyId"])
            assert IDS[0] == IDS[1]
        """
    )
    pytester.runpytest_inprocess("--strict-markers", *ORDERED).assert_outcomes(passed=3)
