"""AWS KMS errors: one class per error code, each carrying AWS's message text.

Operations raise these; ``protocol`` turns them into the JSON 1.1 error envelope that botocore
parses into a ``ClientError``. Texts come from ``shared/kms-facts.md``; the helpers below build
the recurring ones so each is worded in exactly one place.
"""

from __future__ import annotations

from typing import ClassVar


class KMSError(Exception):
    """Base class: an AWS error code, its HTTP status and the message AWS sends."""

    code: ClassVar[str] = "KMSInternalException"
    status: ClassVar[int] = 400

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class AlreadyExistsException(KMSError):
    code = "AlreadyExistsException"


class CloudHsmClusterInUseException(KMSError):
    code = "CloudHsmClusterInUseException"


class CloudHsmClusterInvalidConfigurationException(KMSError):
    code = "CloudHsmClusterInvalidConfigurationException"


class CloudHsmClusterNotActiveException(KMSError):
    code = "CloudHsmClusterNotActiveException"


class CloudHsmClusterNotFoundException(KMSError):
    code = "CloudHsmClusterNotFoundException"


class CloudHsmClusterNotRelatedException(KMSError):
    code = "CloudHsmClusterNotRelatedException"


class ConflictException(KMSError):
    code = "ConflictException"


class CustomKeyStoreHasCMKsException(KMSError):
    code = "CustomKeyStoreHasCMKsException"


class CustomKeyStoreInvalidStateException(KMSError):
    code = "CustomKeyStoreInvalidStateException"


class CustomKeyStoreNameInUseException(KMSError):
    code = "CustomKeyStoreNameInUseException"


class CustomKeyStoreNotFoundException(KMSError):
    code = "CustomKeyStoreNotFoundException"


class DisabledException(KMSError):
    code = "DisabledException"


class DryRunOperationException(KMSError):
    code = "DryRunOperationException"

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message or "The request would have succeeded, but the DryRun option is set."
        )


class ExpiredImportTokenException(KMSError):
    code = "ExpiredImportTokenException"


class IncorrectKeyException(KMSError):
    code = "IncorrectKeyException"

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or "The key ID in the request does not identify a CMK that can perform this operation."
        )


class IncorrectKeyMaterialException(KMSError):
    code = "IncorrectKeyMaterialException"


class IncorrectTrustAnchorException(KMSError):
    code = "IncorrectTrustAnchorException"


class InvalidAliasNameException(KMSError):
    code = "InvalidAliasNameException"


class InvalidArnException(KMSError):
    code = "InvalidArnException"


class InvalidCiphertextException(KMSError):
    code = "InvalidCiphertextException"


class InvalidGrantIdException(KMSError):
    code = "InvalidGrantIdException"


class InvalidGrantTokenException(KMSError):
    code = "InvalidGrantTokenException"


class InvalidImportTokenException(KMSError):
    code = "InvalidImportTokenException"


class InvalidKeyUsageException(KMSError):
    code = "InvalidKeyUsageException"


class InvalidMarkerException(KMSError):
    code = "InvalidMarkerException"


class KMSInternalException(KMSError):
    code = "KMSInternalException"
    status = 500


class DependencyTimeoutException(KMSError):
    code = "DependencyTimeoutException"
    status = 503


class KMSInvalidMacException(KMSError):
    code = "KMSInvalidMacException"


class KMSInvalidSignatureException(KMSError):
    code = "KMSInvalidSignatureException"


class KMSInvalidStateException(KMSError):
    code = "KMSInvalidStateException"


class KeyUnavailableException(KMSError):
    code = "KeyUnavailableException"


class LimitExceededException(KMSError):
    code = "LimitExceededException"


class MalformedPolicyDocumentException(KMSError):
    code = "MalformedPolicyDocumentException"


class NotFoundException(KMSError):
    code = "NotFoundException"


class SerializationException(KMSError):
    """A body that is not JSON, or a value of the wrong JSON type (only possible with the
    client's own parameter validation turned off)."""

    code = "SerializationException"


class TagException(KMSError):
    code = "TagException"


class UnsupportedOperationException(KMSError):
    code = "UnsupportedOperationException"


class UnknownOperationException(KMSError):
    code = "UnknownOperationException"


class ValidationException(KMSError):
    """Not a modeled KMS shape: botocore shows only ``Error.Code`` and ``Error.Message``."""

    code = "ValidationException"


class XksKeyAlreadyInUseException(KMSError):
    code = "XksKeyAlreadyInUseException"


class XksKeyInvalidConfigurationException(KMSError):
    code = "XksKeyInvalidConfigurationException"


class XksKeyNotFoundException(KMSError):
    code = "XksKeyNotFoundException"


class XksProxyIncorrectAuthenticationCredentialException(KMSError):
    code = "XksProxyIncorrectAuthenticationCredentialException"


class XksProxyInvalidConfigurationException(KMSError):
    code = "XksProxyInvalidConfigurationException"


class XksProxyInvalidResponseException(KMSError):
    code = "XksProxyInvalidResponseException"


class XksProxyUriEndpointInUseException(KMSError):
    code = "XksProxyUriEndpointInUseException"


class XksProxyUriInUseException(KMSError):
    code = "XksProxyUriInUseException"


class XksProxyUriUnreachableException(KMSError):
    code = "XksProxyUriUnreachableException"


class XksProxyVpcEndpointServiceInUseException(KMSError):
    code = "XksProxyVpcEndpointServiceInUseException"


class XksProxyVpcEndpointServiceInvalidConfigurationException(KMSError):
    code = "XksProxyVpcEndpointServiceInvalidConfigurationException"


class XksProxyVpcEndpointServiceNotFoundException(KMSError):
    code = "XksProxyVpcEndpointServiceNotFoundException"


class AccessDeniedException(KMSError):
    code = "AccessDeniedException"


class NotImplementedByKmsmock(KMSError):
    """An operation kmsmock does not serve yet: a clear error instead of a network call."""

    code = "NotImplementedByKmsmock"
    status = 501


# -- the recurring texts, worded once -------------------------------------------------------


def key_not_found(key_arn: str) -> NotFoundException:
    return NotFoundException(f"Key '{key_arn}' does not exist")


def alias_not_found(alias_arn: str) -> NotFoundException:
    return NotFoundException(f"Alias {alias_arn} is not found.")


def invalid_key_id(value: str) -> NotFoundException:
    return NotFoundException(f"Invalid keyId '{value}'")


def invalid_usage(key_arn: str, usage: str, operation: str) -> InvalidKeyUsageException:
    return InvalidKeyUsageException(
        f"{key_arn} key usage is {usage} which is not valid for {operation}."
    )


def origin_not_valid(key_arn: str, origin: str) -> UnsupportedOperationException:
    return UnsupportedOperationException(
        f"{key_arn} origin is {origin} which is not valid for this operation."
    )


def validation(errors: list[str]) -> ValidationException:
    """AWS's ``N validation error(s) detected: ...; ...`` envelope."""
    noun = "error" if len(errors) == 1 else "errors"
    return ValidationException(f"{len(errors)} validation {noun} detected: " + "; ".join(errors))
