"""Every message kmsmock can answer is one entry of ``errors.TABLE``: a code AWS (or kmsmock)
really sends, a well-formed template or a recorded reason for sending none, and no message
text written anywhere else in the package."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import botocore.session
import pytest

from kmsmock import errors

PACKAGE = Path(errors.__file__).parent

# Codes any AWS JSON 1.1 service may answer though KMS's model lists none of them as an error
# shape (AWS's "Common Errors" page, and the protocol's own for a body it cannot read).
SERVICE_WIDE = frozenset(
    {
        "AccessDeniedException",
        "ThrottlingException",
        "UnrecognizedClientException",
        "ValidationException",
        "SerializationException",  # a body that is not JSON, or a value of the wrong type
        "UnknownOperationException",  # an X-Amz-Target the service does not know
    }
)
KMSMOCK_OWN = frozenset({"NotImplementedByKmsmock"})  # what kmsmock does not serve yet


def _kms_error_codes() -> set[str]:
    model = botocore.session.get_session().get_service_model("kms")
    return {s.metadata.get("error", {}).get("code", s.name) for s in model.error_shapes}


ENTRIES = sorted(errors.TABLE.items())


def test_the_table_names_each_text_once() -> None:
    module = {n: v for n, v in vars(errors).items() if isinstance(v, errors.ErrorText)}
    assert module == errors.TABLE, "an entry defined after TABLE is built"
    assert len(errors.TABLE) > 100
    assert all(name.isupper() and name.isidentifier() for name in errors.TABLE)
    texts = [(e.code, e.template) for _, e in ENTRIES if e.template]
    assert len(texts) == len(set(texts)), "two entries word the same error"


def test_every_code_is_one_aws_or_kmsmock_sends() -> None:
    known = _kms_error_codes() | SERVICE_WIDE | KMSMOCK_OWN
    unknown = {name: e.code for name, e in ENTRIES if e.code not in known}
    assert not unknown


@pytest.mark.parametrize(("name", "entry"), ENTRIES, ids=[n for n, _ in ENTRIES])
def test_every_entry_has_a_text_or_a_reason_for_none(name: str, entry: errors.ErrorText) -> None:
    assert bool(entry.template) != bool(entry.empty), name
    assert entry.source.strip(), f"{name} does not say where its text comes from"
    if entry.template:
        assert entry.template == entry.template.strip(), name


@pytest.mark.parametrize(("name", "entry"), ENTRIES, ids=[n for n, _ in ENTRIES])
def test_every_template_names_plain_fields(name: str, entry: errors.ErrorText) -> None:
    fields = set()
    for _literal, field, spec, conversion in string.Formatter().parse(entry.template):
        if field is None:
            continue
        assert field.isidentifier(), f"{name}: field {field!r} is not a plain name"
        assert spec == "", f"{name}: field {field!r} has a format spec"
        assert conversion in (None, "r"), f"{name}: field {field!r} converts with !{conversion}"
        fields.add(field)
    assert entry.fields == fields
    built = entry(**{f: f"<{f}>" for f in fields})
    assert (built.code, built.status) == (entry.code, errors.KMSError(entry.code).status)
    assert all(f"<{f}>" in built.message for f in fields), name


def test_an_entry_takes_exactly_its_fields() -> None:
    with pytest.raises(TypeError, match="key_arn"):
        errors.KEY_NOT_FOUND()
    with pytest.raises(TypeError, match="typo"):
        errors.KEY_NOT_FOUND(key_arn="k", typo="x")
    with pytest.raises(TypeError):
        errors.INVALID_CIPHERTEXT(detail="AWS sends nothing")


def test_an_entry_is_a_text_or_a_reason_never_both_nor_neither() -> None:
    with pytest.raises(AssertionError):
        errors.ErrorText("NotFoundException", "", source="x")
    with pytest.raises(AssertionError):
        errors.ErrorText("NotFoundException", "text", source="x", empty="and a reason")


def test_raising_by_name_builds_aws_s_error() -> None:
    error = errors.KEY_NOT_FOUND(key_arn="arn:aws:kms:us-east-1:111122223333:key/k")
    assert isinstance(error, errors.KMSError)
    assert error.code == "NotFoundException"
    assert error.message == "Key 'arn:aws:kms:us-east-1:111122223333:key/k' does not exist"
    assert error.status == 400
    assert repr(error) == f"KMSError('NotFoundException', {error.message!r})"
    assert errors.INVALID_CIPHERTEXT().message == ""
    assert errors.UNKNOWN_OPERATION(target="x").message == "Unrecognized operation 'x'"
    two = errors.validation(["a", "b"])
    assert (two.code, two.message) == ("ValidationException", "2 validation errors detected: a; b")
    assert errors.validation(["a"]).message == "1 validation error detected: a"


def test_statuses() -> None:
    assert errors.KMSError("NotFoundException").status == 400
    assert errors.KMSError("KMSInternalException").status == 500
    assert errors.KMSError("DependencyTimeoutException").status == 503
    assert errors.KMSError("NotImplementedByKmsmock").status == 501
    assert errors.KMSError("ThrottlingException", status=429).status == 429


# -- no message text outside errors.py ----------------------------------------------------------


def _stray_texts(source: str) -> list[int]:
    """Lines where ``source`` writes a message of its own: a ``KMSError(...)`` call given a
    string literal or f-string, or an ``ErrorText(...)`` defined outside the table."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        messages = [*node.args[1:], *(k.value for k in node.keywords if k.arg == "message")]
        literal = any(
            isinstance(m, ast.JoinedStr)
            or (isinstance(m, ast.Constant) and isinstance(m.value, str))
            for m in messages
        )
        if name == "ErrorText" or (name == "KMSError" and literal):
            lines.append(node.lineno)
    return lines


def test_the_detector_finds_a_stray_text() -> None:
    assert _stray_texts('raise errors.KMSError("NotFoundException", "gone")') == [1]
    assert _stray_texts('raise KMSError("NotFoundException", f"{k} gone")') == [1]
    assert _stray_texts('raise KMSError("X", message="gone")') == [1]
    assert _stray_texts('T = errors.ErrorText("X", "t", "chosen")') == [1]
    assert _stray_texts("raise errors.KEY_NOT_FOUND(key_arn=arn)") == []
    assert _stray_texts('raise errors.KMSError("ThrottlingException")') == []


def test_no_message_is_written_outside_errors_py() -> None:
    stray = {
        str(path.relative_to(PACKAGE)): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "errors.py" or path.parent != PACKAGE
        if (lines := _stray_texts(path.read_text(encoding="utf-8")))
    }
    assert not stray


def test_every_entry_is_raised_somewhere() -> None:
    """The table holds no dead text: each entry is named outside errors.py (VALIDATION is
    filled by ``errors.validation``)."""
    named = {
        node.attr
        for path in PACKAGE.rglob("*.py")
        if path != PACKAGE / "errors.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "errors"
    }
    assert set(errors.TABLE) - named == {"VALIDATION"}
