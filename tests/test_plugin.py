"""The pytest plugin: fixtures ``kms_mock`` and ``kms_client``, registered by entry point, and
importing it has no side effects. Run under pytester so the plugin is exercised as users get it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from importlib.metadata import entry_points

import pytest

# Imported here, before pytester's in-process runs, which drop the modules they import first:
# a second copy of cryptography's Python classes would not match its compiled core.
import kmsmock.protocol  # noqa: F401

# A fresh ordering for the inner runs, so state checks see tests in file order.
ORDERED = ("-p", "no:randomly")


def test_registered_as_a_pytest11_entry_point() -> None:
    [entry] = [e for e in entry_points(group="pytest11") if e.name == "kmsmock"]
    assert entry.value == "kmsmock.pytest_plugin"


def test_fixtures_serve_each_test_from_empty_state(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from kmsmock import KmsMock, is_active

        def test_first(kms_client, kms_mock):
            assert isinstance(kms_mock, KmsMock)
            assert kms_mock.active and is_active()
            assert kms_client.meta.region_name == "us-east-1"
            kms_client.create_key(Description="first")
            assert len(kms_client.list_keys()["Keys"]) == 1

        def test_second_starts_empty(kms_client):
            assert kms_client.list_keys()["Keys"] == []

        def test_mock_alone_serves_any_client(kms_mock):
            import boto3
            kms = boto3.client("kms", region_name="eu-west-1")
            key = kms.create_key()["KeyMetadata"]
            assert key["Arn"].startswith("arn:aws:kms:eu-west-1:123456789012:key/")
            assert list(kms_mock.backend.store("123456789012", "eu-west-1").keys) == [
                key["KeyId"]
            ]

        def test_nothing_active_without_the_fixtures():
            from botocore.client import BaseClient
            assert not is_active()
            assert not hasattr(BaseClient._make_request, "__kmsmock__")
        """
    )
    result = pytester.runpytest_inprocess(*ORDERED)
    result.assert_outcomes(passed=4)


def test_the_mock_stops_even_when_the_test_fails(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from kmsmock import is_active

        def test_fails(kms_client):
            kms_client.create_key()
            assert False, "the test's own failure"

        def test_after():
            assert not is_active()
        """
    )
    result = pytester.runpytest_inprocess(*ORDERED)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*AssertionError: the test's own failure*"])


def test_fixture_composes_with_other_activations(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from kmsmock import mock_kms

        def test_nested(kms_client):
            key_id = kms_client.create_key()["KeyMetadata"]["KeyId"]
            with mock_kms():  # nested: same state
                assert kms_client.describe_key(KeyId=key_id)["KeyMetadata"]["KeyId"] == key_id
            assert kms_client.list_keys()["Keys"][0]["KeyId"] == key_id
        """
    )
    pytester.runpytest_inprocess(*ORDERED).assert_outcomes(passed=1)


def test_kms_client_without_boto3(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import sys
        sys.modules["boto3"] = None  # as if boto3 were not installed
        """
    )
    pytester.makepyfile(
        """
        def test_botocore_client(kms_client):
            assert type(kms_client).__module__ == "botocore.client"
            assert kms_client.meta.region_name == "us-east-1"
            assert kms_client.create_key()["KeyMetadata"]["KeyState"] == "Enabled"
        """
    )
    pytester.runpytest_subprocess(*ORDERED).assert_outcomes(passed=1)


def test_plugin_can_be_disabled(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_uses_fixture(kms_client):
            pass
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:kmsmock", *ORDERED)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'kms_client' not found*"])


def test_fixtures_are_listed(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess("--fixtures", *ORDERED)
    result.stdout.fnmatch_lines(
        [
            "*kms_mock*",
            "*An active kmsmock for the duration of one test*",
            "*kms_client*",
            "*A KMS client in ``us-east-1`` served by ``kms_mock``*",
        ]
    )
    result.stdout.fnmatch_lines(["*kms_client_factory*", "*Makes KMS clients served by*"])


def test_the_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess("--markers", *ORDERED)
    result.stdout.fnmatch_lines(["@pytest.mark.kmsmock(region=..., account_id=...): *"])


def test_the_marker_chooses_region_and_account(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.kmsmock(account_id="111122223333")

        def arn_of(kms):
            return kms.create_key()["KeyMetadata"]["Arn"]

        def test_module_marker(kms_client, kms_mock):
            assert kms_mock.account_id == "111122223333"
            assert arn_of(kms_client).startswith("arn:aws:kms:us-east-1:111122223333:key/")

        @pytest.mark.kmsmock(region="eu-west-1")
        class TestInEurope:
            def test_class_marker_adds_the_region(self, kms_client):
                assert kms_client.meta.region_name == "eu-west-1"
                assert arn_of(kms_client).startswith("arn:aws:kms:eu-west-1:111122223333:key/")

            @pytest.mark.kmsmock(region="ap-south-1", account_id="444455556666")
            def test_closest_marker_wins(self, kms_client):
                assert arn_of(kms_client).startswith("arn:aws:kms:ap-south-1:444455556666:key/")
        """
    )
    pytester.makepyfile(
        test_plain="""
        def test_defaults(kms_client, kms_mock):
            assert kms_client.meta.region_name == "us-east-1"
            assert kms_mock.account_id == "123456789012"
        """
    )
    pytester.runpytest_inprocess("--strict-markers", *ORDERED).assert_outcomes(passed=4)


def test_a_misused_marker_says_how_to_use_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.kmsmock("eu-west-1", partition="aws")
        def test_misused(kms_client):
            pass
        """
    )
    result = pytester.runpytest_inprocess(*ORDERED)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*@pytest.mark.kmsmock takes only keyword arguments region= and account_id=;"
            " got 'eu-west-1', partition=*"
        ]
    )


def test_the_client_factory(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from botocore.config import Config

        def test_regions_share_one_mock(kms_client_factory, kms_client):
            eu = kms_client_factory(region="eu-west-1")
            key_id = eu.create_key()["KeyMetadata"]["KeyId"]
            again = kms_client_factory("eu-west-1")
            assert again.describe_key(KeyId=key_id)["KeyMetadata"]["KeyId"] == key_id
            assert kms_client_factory().meta.region_name == "us-east-1"
            assert kms_client.list_keys()["Keys"] == []

        def test_client_arguments_pass_through(kms_client_factory):
            kms = kms_client_factory(config=Config(user_agent_extra="mine"))
            assert kms.meta.config.user_agent_extra == "mine"
            custom = kms_client_factory(endpoint_url="https://kms.example.test")
            assert custom.create_key()["KeyMetadata"]["KeyState"] == "Enabled"

        @pytest.mark.kmsmock(region="eu-north-1")
        def test_defaults_to_the_marked_region(kms_client_factory):
            assert kms_client_factory().meta.region_name == "eu-north-1"
            assert kms_client_factory(region="us-west-2").meta.region_name == "us-west-2"
        """
    )
    pytester.runpytest_inprocess(*ORDERED).assert_outcomes(passed=3)


def test_importing_the_plugin_has_no_side_effects() -> None:
    script = textwrap.dedent(
        """
        import os, sys
        before = dict(os.environ)
        import kmsmock.pytest_plugin
        assert "botocore" not in sys.modules, "botocore imported"
        assert "boto3" not in sys.modules, "boto3 imported"
        assert "cryptography" not in sys.modules, "cryptography imported"
        assert dict(os.environ) == before, "environment changed"
        from kmsmock import is_active
        assert not is_active()
        from botocore.client import BaseClient
        assert not hasattr(BaseClient._make_request, "__kmsmock__"), "botocore patched"
        print("clean")
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "clean"
