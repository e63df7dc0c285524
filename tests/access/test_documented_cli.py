"""The AWS CLI (awscli's ``clidriver``, in-process) signing with a declared principal's
credentials from the environment: allowed calls print their answer, refused ones the CLI's
error line with AWS's AccessDeniedException text."""

from __future__ import annotations

import contextlib
import io
import json
from typing import TYPE_CHECKING

import pytest

from tests.access.conftest import REGION, allow, document

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

    from kmsmock import KmsMock

clidriver = pytest.importorskip("awscli.clidriver")


def cli(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = clidriver.create_clidriver().main([*args, "--region", REGION])
    return code, out.getvalue(), err.getvalue()


def test_the_cli_as_a_principal(
    kms: KMSClient, kms_mock: KmsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = kms.create_key()["KeyMetadata"]
    reader = kms_mock.add_user("cli-reader", identity_policies=[document(allow("kms:DescribeKey"))])
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", reader.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", reader.secret_access_key)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    code, printed, _ = cli(["kms", "describe-key", "--key-id", key["KeyId"]])
    assert code == 0
    assert json.loads(printed)["KeyMetadata"]["Arn"] == key["Arn"]
    code, printed, complaint = cli(
        ["kms", "encrypt", "--key-id", key["KeyId"], "--plaintext", "aGk="]
    )
    assert (code, printed) == (255, "")  # AWS CLI v1's exit code for a service error
    assert complaint.strip() == (
        "An error occurred (AccessDeniedException) when calling the Encrypt operation: "
        f"User: {reader.arn} is not authorized to perform: kms:Encrypt on resource: "
        f"{key['Arn']} because no identity-based policy allows the kms:Encrypt action"
    )
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIANOBODYDECLAREDIT")
    code, _, complaint = cli(["kms", "list-keys"])
    assert code == 255
    assert complaint.strip() == (
        "An error occurred (UnrecognizedClientException) when calling the ListKeys operation: "
        "The security token included in the request is invalid."
    )
