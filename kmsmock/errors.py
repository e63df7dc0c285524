"""Every error kmsmock can answer, as data: one exception class and a table of AWS's texts.

An AWS error is a code, an HTTP status and a message. ``KMSError`` carries the three;
``protocol`` turns it into the JSON 1.1 error envelope that botocore parses into a
``ClientError``. Each text kmsmock can send is one ``ErrorText`` below, with a template whose
named fields the raise site fills and the source of its wording, so this file is the whole list
(the way botocore keeps its error shapes and ``fmt`` strings)::

    raise errors.KEY_NOT_FOUND(key_arn=key.arn)

``source`` says where a text comes from: a section of ``shared/kms-facts.md`` (recorded from
AWS or documented), or "chosen:" where AWS's wording was never recorded and kmsmock says plainly
what is wrong. Where AWS answers with no message at all, ``template`` is empty and ``empty``
records why, so an empty message is never an accident. ``TABLE`` lists every entry by name.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

# Client errors are HTTP 400 (kms-facts §0); these are not.
_STATUS = {
    "KMSInternalException": 500,  # modeled as a server fault
    "DependencyTimeoutException": 503,  # modeled as a server fault
    "KeyUnavailableException": 500,  # the KMS API reference's "HTTP Status Code: 500"
    "NotImplementedByKmsmock": 501,  # kmsmock's own: what it does not serve yet
}


class KMSError(Exception):
    """An AWS error: its code, the message AWS sends (possibly none) and the HTTP status."""

    def __init__(self, code: str, message: str = "", *, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = _STATUS.get(code, 400) if status is None else status

    def __repr__(self) -> str:
        return f"KMSError({self.code!r}, {self.message!r})"


@dataclass(frozen=True, slots=True)
class ErrorText:
    """One message AWS sends with ``code``: a ``str.format`` template with named fields, or
    none at all (``template`` empty, ``empty`` saying why, with its source)."""

    code: str
    template: str
    source: str
    empty: str = ""
    fields: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        assert bool(self.template) != bool(self.empty), f"{self.code}: a template xor a reason"
        names = {name for _, name, _, _ in string.Formatter().parse(self.template) if name}
        object.__setattr__(self, "fields", frozenset(names))

    def __call__(self, **fields: object) -> KMSError:
        """The error, its template filled with exactly the fields it names."""
        if fields.keys() != self.fields:
            raise TypeError(f"{self.code} takes fields {sorted(self.fields)}, got {sorted(fields)}")
        return KMSError(self.code, self.template.format(**fields))


_OWN = "kmsmock's own: no AWS counterpart"
_CKS = "chosen: kms-facts records no custom key store text; names the store and what is wrong"


def _own(code: str, template: str) -> ErrorText:
    """An error of kmsmock's own (what it does not serve, its own failures)."""
    return ErrorText(code, template, _OWN)


def _cks(code: str, template: str) -> ErrorText:
    """A custom key store error whose wording kmsmock chose."""
    return ErrorText(code, template, _CKS)


# -- the wire: unknown operations, bodies that are not JSON, values of the wrong type ------------

UNKNOWN_OPERATION = ErrorText(
    "UnknownOperationException", "Unrecognized operation {target!r}", "chosen: not in kms-facts"
)
NOT_JSON = ErrorText(
    "SerializationException",
    "Start of structure or map found where not expected.",
    source="chosen: not in kms-facts",
)
# Only possible with the client's own parameter validation turned off.
_UNTYPED = "chosen: not in kms-facts (botocore's client validation never lets such a value out)"
WRONG_TYPE = ErrorText(
    "SerializationException", "Unexpected value type for '{path}': expected {expected}", _UNTYPED
)
INVALID_BASE64 = ErrorText("SerializationException", "Invalid base64 value for '{path}'", _UNTYPED)
INVALID_TIMESTAMP = ErrorText("SerializationException", "Invalid timestamp for '{path}'", _UNTYPED)


# -- the model's constraints (validation.py words each violation) --------------------------------

VALIDATION = ErrorText(
    "ValidationException",
    "{count} validation {noun} detected: {violations}",
    source="kms-facts §0 (recorded format; violations joined by '; ')",
)


def validation(violations: list[str]) -> KMSError:
    """AWS's ``N validation error(s) detected: ...; ...`` envelope around the violations."""
    noun = "error" if len(violations) == 1 else "errors"
    return VALIDATION(count=len(violations), noun=noun, violations="; ".join(violations))


# Members the model leaves optional that an operation needs after all.
CIPHERTEXT_BLOB_NULL = ErrorText(
    "ValidationException",
    "1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy constraint: "
    "Member must not be null",
    source="kms-facts §0 (the recorded format for a required member)",
)
GRANT_OPERATIONS_EMPTY = ErrorText(
    "ValidationException",
    "1 validation error detected: Value '[]' at 'operations' failed to satisfy constraint: "
    "Member must have length greater than or equal to 1",
    source="kms-facts §0 (the recorded format and rule)",
)


# -- finding a key ------------------------------------------------------------------------------

KEY_NOT_FOUND = ErrorText(
    "NotFoundException", "Key '{key_arn}' does not exist", source="kms-facts §3.1 [LS]"
)
INVALID_KEY_ID = ErrorText(
    "NotFoundException", "Invalid keyId '{key_id}'", source="kms-facts §3.1 [LS, 2023-11]"
)
INVALID_KEY_ID_IN_ARN = ErrorText(
    "NotFoundException",
    "Invalid keyId {key_id}",
    source="kms-facts §3.1, §11.11: the unquoted form (04-2023), kept for a key ARN's key id",
)
ARN_OTHER_REGION = ErrorText(
    "NotFoundException", "Invalid arn {region}", source="kms-facts §3.1 [LS]"
)
MALFORMED_ARN = ErrorText(
    "NotFoundException",
    "Invalid arn {arn}",
    source="chosen: worded like the recorded 'Invalid arn <region>' (kms-facts §3.1)",
)
ALIAS_NOT_FOUND = ErrorText(
    "NotFoundException", "Alias {alias_arn} is not found.", source="kms-facts §3.1, §3.4"
)
ALIASES_NOT_SUPPORTED = ErrorText(
    "InvalidArnException",
    "Key Aliases are not supported for this operation.",
    source="kms-facts §3.1",
)


# -- key states (kms-facts §2.1, the key-state table's footnotes) --------------------------------

DISABLED = ErrorText(
    "DisabledException", "{key_arn} is disabled.", source="kms-facts §2.1 footnote 1, §3.2"
)
# A single-Region key's deletion texts name one state; a multi-Region key's name both.
PENDING_DELETION = ErrorText(
    "KMSInvalidStateException",
    "{key_arn} is pending deletion.",
    source="kms-facts §2.1 footnote 10, §3.2",
)
PENDING_DELETION_OR_REPLICA = ErrorText(
    "KMSInvalidStateException",
    "{key_arn} is pending deletion (or pending replica deletion).",
    source="kms-facts §2.1 footnote 3",
)
NOT_PENDING_DELETION = ErrorText(
    "KMSInvalidStateException",
    "{key_arn} is not pending deletion.",
    source="chosen: footnote 4 (kms-facts §2.1) without the replica clause, as footnote 10 words "
    "a single-Region key",
)
NOT_PENDING_DELETION_OR_REPLICA = ErrorText(
    "KMSInvalidStateException",
    "{key_arn} is not pending deletion (or pending replica deletion).",
    source="kms-facts §2.1 footnote 4",
)
PENDING_IMPORT = ErrorText(
    "KMSInvalidStateException",
    "{key_arn} is pending import.",
    source="kms-facts §2.1 footnote 5, §3.2 [LS]",
)
UNAVAILABLE = ErrorText(
    "KMSInvalidStateException", "{key_arn} is unavailable.", source="kms-facts §2.1 footnote 11"
)
CREATING_OR_UPDATING = ErrorText(
    "KMSInvalidStateException",
    "{key_arn} is {state}.",
    source="kms-facts §2.1 footnotes 14, 15 ('creating', 'updating')",
)


# -- key usage, key type, origin, multi-Region role ----------------------------------------------

WRONG_KEY_USAGE = ErrorText(
    "InvalidKeyUsageException",
    "{key_arn} key usage is {usage} which is not valid for {operation}.",
    source="kms-facts §3.2 [LS]",
)
ALGORITHM_INCOMPATIBLE = ErrorText(
    "InvalidKeyUsageException",
    "Algorithm {algorithm} is incompatible with key spec {key_spec}.",
    source="kms-facts §3.2 [LS] (GenerateMac, VerifyMac; the same for other algorithms)",
)
ASYMMETRIC_DATA_KEY = ErrorText(
    "InvalidKeyUsageException",
    "You cannot generate a data key with an asymmetric CMK",
    source="chosen: not in kms-facts",
)
INCORRECT_KEY = ErrorText(
    "IncorrectKeyException",
    "The key ID in the request does not identify a CMK that can perform this operation.",
    source="kms-facts §3.2 [LS]",
)
ORIGIN_NOT_VALID = ErrorText(
    "UnsupportedOperationException",
    "{key_arn} origin is {origin} which is not valid for this operation.",
    source="kms-facts §2.1 footnote 6, §3.3, §8.3 [LS]",
)
NOT_A_PRIMARY = ErrorText(
    "UnsupportedOperationException",
    "{key_arn} is not a multi-region primary key.",
    source="kms-facts §3.3 [LS]",
)
KEY_SPEC_NOT_IN_REGION = ErrorText(
    "UnsupportedOperationException",
    "KeySpec {key_spec} is not supported in this Region",
    source="chosen: not in kms-facts (an earlier note calls it recorded from CreateKey)",
)
KEY_PAIR_SPEC_NOT_IN_REGION = ErrorText(
    "UnsupportedOperationException",
    "KeyPairSpec {key_pair_spec} is not supported in this Region",
    source="chosen: worded like KEY_SPEC_NOT_IN_REGION",
)
IN_CUSTOM_KEY_STORE = ErrorText(
    "UnsupportedOperationException",
    "{key_arn} is in a custom key store, which is not valid for {operation}.",
    source="chosen: the code is modeled (kms-facts §8.2), the text not recorded",
)
PUBLIC_KEY_OF_SYMMETRIC_KEY = ErrorText(
    "UnsupportedOperationException",
    "",
    source="chosen: not in kms-facts",
    empty="GetPublicKey on a key with no public key; not recorded in kms-facts, empty like the "
    "recorded key-type refusal of RotateKeyOnDemand (§1.2)",
)


# -- who may ask, and DryRun ---------------------------------------------------------------------

AWS_MANAGED_KEY_DENIED = ErrorText(
    "AccessDeniedException",
    "User: arn:{partition}:iam::{account}:root is not authorized to perform: {action} on "
    "resource: {key_arn} because no resource-based policy allows the {action} action",
    source="chosen: IAM's denial wording; an AWS managed key's policy lets the account only read",
)
NOT_AUTHORIZED = ErrorText(
    "AccessDeniedException",
    "User: {caller} is not authorized to perform: {action} on resource: {resource} because no "
    "{policy} policy allows the {action} action",
    source="issue 13; IAM's wording, recorded for KMS in https://github.com/jbrt/ec2cryptomatic/"
    "issues/26 (resource-based) and for CreateKey on resource * (identity-based)",
)
EXPLICITLY_DENIED = ErrorText(
    "AccessDeniedException",
    "User: {caller} is not authorized to perform: {action} on resource: {resource} with an "
    "explicit deny in {article} {policy} policy",
    source="issue 13; IAM's explicit-deny wording, the same for every service",
)
CIPHERTEXT_KEY_UNAVAILABLE = ErrorText(
    "AccessDeniedException",
    "The ciphertext refers to a customer master key that does not exist, does not exist in this "
    "region, or you are not allowed to access.",
    source="issue 13; recorded e.g. https://github.com/aws/aws-encryption-sdk-javascript/issues/"
    "1005 (AccessDeniedException). Since IAM's policy-type messages, a caller refused a key of "
    "its own account reads NOT_AUTHORIZED instead (e.g. cattle-ops/terraform-aws-gitlab-runner"
    "#1253, 2025: kms:Decrypt 'because no identity-based policy allows')",
)
UNRECOGNIZED_CLIENT = ErrorText(
    "UnrecognizedClientException",
    "The security token included in the request is invalid.",
    source="issue 13; recorded from KMS in https://github.com/aws/aws-encryption-sdk-java/issues/9",
)
DRY_RUN = ErrorText(
    "DryRunOperationException",
    "The request would have succeeded, but the DryRun option is set.",
    source="kms-facts §3.2 [LS]",
)


# -- encryption, data keys, random bytes --------------------------------------------------------

INVALID_CIPHERTEXT = ErrorText(
    "InvalidCiphertextException",
    "",
    source="kms-facts §0, §3.2 [LS]",
    empty="AWS sends none (recorded for Decrypt); kmsmock answers the same for an unreadable "
    "Decapsulate ciphertext and ImportKeyMaterial material it cannot unwrap",
)
CONTEXT_WITH_ASYMMETRIC_KEY = ErrorText(
    "ValidationException",
    "EncryptionContext is not supported when encrypting/decrypting with asymmetric CMKs.",
    source="chosen: not in kms-facts (§9.1 documents the rule)",
)
PLAINTEXT_TOO_LARGE = ErrorText(
    "ValidationException",
    "Algorithm {algorithm} and key spec {key_spec} cannot encrypt data larger than {limit} bytes.",
    source="kms-facts §3.2 [LS]",
)
KEY_ID_REQUIRED_FOR_ALGORITHM = ErrorText(
    "ValidationException",
    "KeyId is required when the encryption algorithm is {algorithm}.",
    source="chosen: kms-facts §6.1 documents the rule, no text",
)
KEY_ID_REQUIRED_TO_IGNORE_CIPHERTEXT = ErrorText(
    "ValidationException",
    "KeyId is required when DryRunModifiers includes IGNORE_CIPHERTEXT.",
    source="chosen: kms-facts §6.1 documents the rule, no text",
)
DATA_KEY_SIZE = ErrorText(
    "ValidationException",
    "Please specify either number of bytes or key spec.",
    source="kms-facts §3.6, §11.15: emulators' consensus, never recorded from AWS",
)
NUMBER_OF_BYTES_REQUIRED = ErrorText(
    "ValidationException", "NumberOfBytes is required.", source="kms-facts §3.6 [LS]"
)


# -- signatures, MACs, shared secrets -----------------------------------------------------------

INVALID_SIGNATURE = ErrorText(
    "KMSInvalidSignatureException",
    "",
    source="kms-facts §0, §3.2 [LS]",
    empty="AWS sends none when a signature does not verify",
)
INVALID_MAC = ErrorText(
    "KMSInvalidMacException",
    "",
    source="kms-facts §0, §3.2 [LS]",
    empty="AWS sends none when a MAC does not verify",
)
MESSAGE_TYPE_FOR_ALGORITHM = ErrorText(
    "ValidationException",
    "Message type {message_type} is incompatible with algorithm {algorithm}.",
    source="chosen: kms-facts §4 documents the rule (ED25519_*), no text",
)
DIGEST_FOR_KEY_SPEC = ErrorText(
    "ValidationException",
    "Message type DIGEST is incompatible with key spec {key_spec}.",
    source="chosen: not in kms-facts (an earlier note calls it recorded for ML-DSA)",
)
EXTERNAL_MU_FOR_KEY_SPEC = ErrorText(
    "ValidationException",
    "Message type EXTERNAL_MU is incompatible with key spec {key_spec}.",
    source="chosen: worded like DIGEST_FOR_KEY_SPEC",
)
DIGEST_LENGTH = ErrorText(
    "ValidationException",
    "Digest is invalid length for algorithm {algorithm}.",
    source="kms-facts §3.2 [LS]; chosen the same for an EXTERNAL_MU of the wrong length",
)
PEER_KEY_UNREADABLE = ErrorText(
    "ValidationException",
    "",
    source="kms-facts §0, §3.2 [LS]",
    empty="AWS sends none when DeriveSharedSecret's PublicKey is not a public key",
)
PEER_KEY_OTHER_CURVE = ErrorText(
    "ValidationException",
    "The public key is not on the same elliptic curve as the KMS key's {key_spec} key pair.",
    source="chosen: not in kms-facts",
)


# -- creating and deleting keys, tags ------------------------------------------------------------

KEY_SPEC_AND_CUSTOMER_MASTER_KEY_SPEC = ErrorText(
    "ValidationException",
    "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. "
    "CustomerMasterKeySpec is deprecated.",
    source="chosen: not in kms-facts",
)
KEY_USAGE_REQUIRED = ErrorText(
    "ValidationException",
    "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.",
    source="kms-facts §3.3 [LS]",
)
KEY_USAGE_INCOMPATIBLE = ErrorText(
    "ValidationException",
    "KeyUsage {usage} is not compatible with KeySpec {key_spec}",
    source="kms-facts §3.3 [LS] (no period)",
)
PENDING_WINDOW = ErrorText(
    "ValidationException",
    "PendingWindowInDays must be between 7 and 30",
    source="kms-facts §3.6, §11.4 (real AWS log, 2020)",
)
DUPLICATE_TAG_KEYS = ErrorText("TagException", "Duplicate tag keys", source="kms-facts §3.5 [LS]")
RESERVED_TAG_PREFIX = ErrorText(
    "TagException", "Tags beginning with aws: are reserved", source="kms-facts §3.5 [LS]"
)
TOO_MANY_TAGS = ErrorText("TagException", "Too many tags", source="kms-facts §3.5 [LS]")


# -- aliases ------------------------------------------------------------------------------------

ALIAS_PREFIX = ErrorText(
    "ValidationException",
    'Alias must start with the prefix "alias/". Please see '
    "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html",
    source="kms-facts §3.4 [LS]",
)
ALIAS_RESERVED = ErrorText(
    "InvalidAliasNameException",
    "{alias_name} is not a valid alias name: the alias/aws/ prefix is reserved for AWS managed "
    "keys.",
    source="chosen: AWS never recorded one (kms-facts §3.4, §11.15)",
)
ALIAS_INVALID_CHARACTERS = ErrorText(
    "ValidationException",
    "{alias_name} contains invalid characters for an alias",
    source="kms-facts §3.4 (real AWS output in a GitHub issue)",
)
ALIAS_EXISTS = ErrorText(
    "AlreadyExistsException",
    "An alias with the name {alias_arn} already exists",
    source="kms-facts §3.4",
)
ALIASES_PER_KEY = ErrorText(
    "LimitExceededException",
    "Aliases per key quota for this account in this region is {limit}, current usage is {usage}.",
    source="real AWS output (scylladb/scylla-cluster-tests#7611); not in kms-facts",
)
ALIAS_TARGET_MISMATCH = ErrorText(
    "ValidationException",
    "{current_arn} key usage or key type is different from {new_arn}.",
    source="chosen: AWS never recorded one (kms-facts §11.15)",
)


# -- key policies -------------------------------------------------------------------------------

POLICY_TOO_LARGE = ErrorText(
    "LimitExceededException",
    "Policy document exceeds the maximum size of {limit} bytes.",
    source="chosen: kms-facts §4, §5 give the code and the limit, no text",
)
POLICY_NOT_JSON = ErrorText(
    "MalformedPolicyDocumentException",
    "",
    source="issue 11",
    empty="AWS sends none for a policy that is not JSON (issue 11; kms-facts §5 names the code "
    "only)",
)
POLICY_WITHOUT_STATEMENTS = ErrorText(
    "MalformedPolicyDocumentException",
    "",
    source="chosen: not in kms-facts",
    empty="a policy with no usable Statement; not recorded, answered like one that is not JSON",
)
POLICY_GRAMMAR = ErrorText(
    "MalformedPolicyDocumentException",
    "",
    source="chosen: not in kms-facts",
    empty="a statement the policy grammar does not allow (no Effect, Action with NotAction, an "
    "unknown condition operator...); not recorded, answered like a policy that is not JSON",
)
POLICY_INVALID_PRINCIPALS = ErrorText(
    "MalformedPolicyDocumentException",
    "Policy contains a statement with one or more invalid principals.",
    source="issue 13 (AWS's text for a principal it does not accept)",
)
POLICY_LOCKOUT = ErrorText(
    "MalformedPolicyDocumentException",
    "The new key policy will not allow you to update the key policy in the future.",
    source="recorded from AWS: hashicorp/terraform-provider-aws internal/service/kms/key_test.go "
    "(TestAccKMSKey_Policy_bypass expects it from the real service); kms-facts §5 has the rule",
)
POLICY_NOT_FOUND = ErrorText(
    "NotFoundException",
    "Key policy {policy_name} does not exist for key {key_arn}",
    source="chosen: not in kms-facts",
)
RAM_POLICY = ErrorText(
    "ValidationException",
    "The AWS_RAM policy can only be managed by the RAM service.",
    source="chosen: not in kms-facts",
)
POLICY_NAME_INVALID = ErrorText(
    "ValidationException",
    "Policy name {policy_name} is not valid: the only key policy you can set is {valid_name}.",
    source="chosen: kms-facts §5 documents the rule ('The only valid name is default')",
)


# -- grants -------------------------------------------------------------------------------------

INVALID_GRANT_TOKEN = ErrorText(
    "InvalidGrantTokenException", "The grant token is not valid.", "chosen: not in kms-facts"
)
ONE_OF_TWO = ErrorText(
    "ValidationException",
    "You must specify either {first} or {second}, but not both.",
    source="chosen: not in kms-facts",
)
SERVICE_GRANTEE_WITHOUT_SOURCE_ARN = ErrorText(
    "ValidationException",
    "When you specify a GranteeServicePrincipal, you must also specify a SourceArn grant "
    "constraint.",
    source="chosen: not in kms-facts",
)
SERVICE_GRANTEE_WITHOUT_RETIRING = ErrorText(
    "ValidationException",
    "When you specify a GranteeServicePrincipal, you must also specify either a "
    "RetiringPrincipal or a RetiringServicePrincipal.",
    source="chosen: not in kms-facts",
)
GRANT_OPERATIONS_UNSUPPORTED = ErrorText(
    "ValidationException",
    "The grant operations [{operations}] are not supported for KMS keys with KeySpec {key_spec} "
    "and KeyUsage {key_usage}.",
    source="chosen: kms-facts §9.2 documents the rule and a validation error, no text",
)
GRANT_CONSTRAINTS_NOT_SYMMETRIC = ErrorText(
    "ValidationException",
    "Grant constraints are not supported for asymmetric or HMAC KMS keys.",
    source="chosen: kms-facts §9.2 documents the rule, no text",
)
GRANT_CONSTRAINT_PAIRS = ErrorText(
    "ValidationException",
    "A grant constraint can include up to 8 encryption context pairs.",
    source="chosen: kms-facts §4 documents the limit, no text",
)
GRANTS_PER_KEY = ErrorText(
    "LimitExceededException",
    "The number of grants on {key_arn} exceeds the limit of {limit}.",
    source="chosen: kms-facts §4 documents the limit, no text",
)
GRANT_NOT_FOUND = ErrorText(
    "NotFoundException", "Grant ID {grant_id} not found", source="chosen: not in kms-facts"
)
RETIRE_GRANT_DENIED = ErrorText(
    "AccessDeniedException",
    "User: {caller_arn} is not authorized to perform: kms:RetireGrant on resource: {key_arn} "
    "because no resource-based policy allows the kms:RetireGrant action",
    source="chosen: IAM's denial wording (kms-facts §9.3 has the rule, no recording); the grant "
    "is the resource-based policy that decides who retires it",
)
RETIRE_GRANT_WHICH = ErrorText(
    "ValidationException",
    "Either the GrantToken, or both the KeyId and the GrantId, must be specified.",
    source="chosen: kms-facts §9.3 documents the rule, no text",
)


# -- rotation -----------------------------------------------------------------------------------

ROTATION_NOT_SUPPORTED = ErrorText(
    "UnsupportedOperationException",
    "",
    source="kms-facts §1.1 (EnableKeyRotation, via Terraform), §1.2 [LS] (RotateKeyOnDemand)",
    empty="AWS sends none when an asymmetric or HMAC key is asked to rotate",
)
LIST_ROTATIONS_NOT_SUPPORTED = ErrorText(
    "UnsupportedOperationException",
    "",
    source="chosen: not in kms-facts",
    empty="ListKeyRotations on an asymmetric or HMAC key: no text recorded (kms-facts §1.3), "
    "empty like the recorded rotation refusal (§1.2)",
)
SYMMETRIC_ONLY_PARAMETER = ErrorText(
    "ValidationException",
    "Input parameter {parameter} can only be used with symmetric keys.",
    source="kms-facts §1.3 [LS-old] (includeKeyMaterial); chosen the same for importType and "
    "keyMaterialId",
)
NO_PENDING_MATERIAL = ErrorText(
    "KMSInvalidStateException",
    "No available key material pending rotation for the key: {key_arn}.",
    source="kms-facts §1.2 [LS]",
)
ON_DEMAND_ROTATION_LIMIT = ErrorText(
    "LimitExceededException",
    "The on-demand rotations limit has been reached for the given keyId. No more on-demand "
    "rotations can be performed for this key: {key_arn}",
    source="kms-facts §1.2 [LS] (no trailing period)",
)
ROTATION_CONFLICT = ErrorText(
    "ConflictException",
    "An automatic rotation of {key_arn} is scheduled to begin within the next 20 minutes.",
    source="chosen: AWS never recorded one (kms-facts §1.2, §11.15)",
)


# -- imported key material ----------------------------------------------------------------------

PKCS1_WRAPPING = ErrorText(
    "ValidationException",
    "The RSAES_PKCS1_V1_5 wrapping algorithm is no longer supported. "
    "Use an RSAES_OAEP or RSA_AES_KEY_WRAP wrapping algorithm.",
    source="chosen: kms-facts §8.3 documents the withdrawal, no text",
)
SM2_WRAPPING_NOT_IN_REGION = ErrorText(
    "UnsupportedOperationException",
    "WrappingKeySpec SM2 is not supported in this Region",
    source="chosen: worded like KEY_SPEC_NOT_IN_REGION",
)
WRAPPING_ALGORITHM_MISMATCH = ErrorText(
    "ValidationException",
    "WrappingAlgorithm {algorithm} is not compatible with WrappingKeySpec {wrapping_key_spec}.",
    source="chosen: not in kms-facts",
)
INVALID_IMPORT_TOKEN = ErrorText(
    "InvalidImportTokenException",
    "The import token is invalid or is associated with a different KMS key.",
    source="chosen: the model's shape documentation (kms-facts §8.4)",
)
EXPIRED_IMPORT_TOKEN = ErrorText(
    "ExpiredImportTokenException",
    "The import token has expired. Use GetParametersForImport to get a new one.",
    source="chosen: not in kms-facts",
)
VALID_TO_REQUIRED = ErrorText(
    "ValidationException",
    "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES",
    source="kms-facts §3.3 [LS]",
)
VALID_TO_FORBIDDEN = ErrorText(
    "ValidationException",
    "A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE",
    source="chosen: worded like VALID_TO_REQUIRED (kms-facts §8.4 documents the rule)",
)
VALID_TO_RANGE = ErrorText(
    "ValidationException",
    "The ValidTo date must be in the future and no more than 365 days from now.",
    source="chosen: kms-facts §4, §8.4 document the rule, no text",
)
HMAC_MATERIAL_SIZE = ErrorText(
    "IncorrectKeyMaterialException",
    "HMAC key material for {key_spec} must be {low} to {high} bytes long.",
    source="chosen: not in kms-facts",
)
NOT_A_PRIVATE_KEY = ErrorText(
    "IncorrectKeyMaterialException",
    "The key material is not a valid {key_spec} private key.",
    source="chosen: not in kms-facts",
)
SYMMETRIC_MATERIAL_SIZE = ErrorText(
    "IncorrectKeyMaterialException",
    "Symmetric key material must be 256 bits (32 bytes) long.",
    source="chosen: not in kms-facts",
)
NOT_THE_SAME_MATERIAL = ErrorText(
    "IncorrectKeyMaterialException",
    "The key material is not the same key material that was previously imported into this KMS key.",
    source="chosen: the model's shape documentation (kms-facts §8.4)",
)
NEW_MATERIAL_INTO_REPLICA = ErrorText(
    "UnsupportedOperationException",
    "You cannot import new key material into the multi-Region replica key {key_arn}. Import it "
    "into the primary key, then the same key material into this key with ImportType "
    "EXISTING_KEY_MATERIAL.",
    source="chosen: the ImportKeyMaterial API reference says new material goes to the primary "
    'first ("You cannot directly import new key material into the replica Region keys")',
)
MATERIAL_NOT_NEW = ErrorText(
    "IncorrectKeyMaterialException",
    "KMS expected new key material but the key material being imported is already associated "
    "with this KMS key.",
    source="chosen: the model's shape documentation (kms-facts §8.4)",
)
KEY_MATERIAL_ID_WITH_NEW_MATERIAL = ErrorText(
    "ValidationException",
    "You cannot specify a KeyMaterialId when the ImportType is NEW_KEY_MATERIAL.",
    source="chosen: kms-facts §1.5 documents the rule, no text",
)
ANOTHER_MATERIAL_PENDING = ErrorText(
    "KMSInvalidStateException",
    "New key material (id: {material_id}) cannot be imported into KMS key {key_arn}, because "
    "another key material (id: {pending_id}) is pending rotation.",
    source="kms-facts §1.5 [LS]",
)
KEY_MATERIAL_NOT_FOUND = ErrorText(
    "NotFoundException",
    "Key material {material_id} is not associated with KMS key {key_arn}.",
    source="chosen: not in kms-facts",
)


# -- multi-Region keys --------------------------------------------------------------------------

REPLICA_IN_PRIMARY_REGION = ErrorText(
    "ValidationException",
    "ReplicaRegion {region} is the Region of the primary key {key_arn}: a replica must be in a "
    "different Region.",
    source="chosen: not in kms-facts",
)
REPLICA_OTHER_PARTITION = ErrorText(
    "ValidationException",
    "ReplicaRegion {region} is not in the {partition} partition of the primary key {key_arn}.",
    source="chosen: not in kms-facts",
)
REPLICA_EXISTS = ErrorText(
    "AlreadyExistsException",
    "Key '{key_arn}' already exists",
    source="chosen: worded like KEY_NOT_FOUND (kms-facts §3.1)",
)
ALREADY_PRIMARY_REGION = ErrorText(
    "ValidationException",
    "PrimaryRegion {region} is already the Region of the primary key {key_arn}.",
    source="chosen: not in kms-facts",
)


# -- listings -----------------------------------------------------------------------------------

INVALID_MARKER = ErrorText("InvalidMarkerException", "Invalid marker", "chosen: not in kms-facts")


# -- custom key stores: the stores and their connection state ------------------------------------

CKS_NOT_FOUND = _cks(
    "CustomKeyStoreNotFoundException", "Custom key store {store_id} does not exist."
)
CKS_NAME_NOT_FOUND = _cks(
    "CustomKeyStoreNotFoundException", "Custom key store with name {name} does not exist."
)
CKS_ID_AND_NAME = _cks(
    "ValidationException", "You cannot specify both CustomKeyStoreId and CustomKeyStoreName."
)
CKS_NAME_IN_USE = _cks(
    "CustomKeyStoreNameInUseException",
    "The custom key store name {name} is already in use in this account and Region.",
)
CKS_LIMIT = ErrorText(
    "LimitExceededException",
    "Custom key stores quota for this account in this region is {limit}, current usage is {usage}.",
    source="chosen: worded like ALIASES_PER_KEY (kms-facts §4 documents the limit)",
)
CKS_NOT_CONNECTED = _cks(
    "CustomKeyStoreInvalidStateException",
    "Custom key store {store_id} is not connected. Its connection state is {connection}.",
)
CKS_MUST_BE_DISCONNECTED = _cks(
    "CustomKeyStoreInvalidStateException",
    "Custom key store {store_id} must be DISCONNECTED to {action}. "
    "Its connection state is {connection}.",
)
CKS_CANNOT_CONNECT = _cks(
    "CustomKeyStoreInvalidStateException",
    "Custom key store {store_id} cannot be connected while its connection state is "
    "{connection}. Disconnect it first.",
)
CKS_ALREADY_DISCONNECTED = _cks(
    "CustomKeyStoreInvalidStateException", "Custom key store {store_id} is already disconnected."
)
CKS_NOT_UPDATABLE = _cks(
    "CustomKeyStoreInvalidStateException",
    "Custom key store {store_id} must be CONNECTED or DISCONNECTED to be updated. "
    "Its connection state is {connection}.",
)
CKS_HAS_KEYS = _cks(
    "CustomKeyStoreHasCMKsException",
    "Custom key store {store_id} contains KMS keys. Delete them (ScheduleKeyDeletion) before "
    "deleting the custom key store.",
)

# -- custom key stores: which parameters each type takes ----------------------------------------

CKS_PARAMETER_ONLY_FOR = _cks(
    "ValidationException",
    "{parameter} is valid only for custom key stores with a CustomKeyStoreType of {store_type}.",
)
CKS_PARAMETER_REQUIRED = _cks(
    "ValidationException",
    "{parameter} is required for custom key stores with a CustomKeyStoreType of {store_type}.",
)
VPC_SERVICE_NAME_REQUIRED = _cks(
    "ValidationException",
    "XksProxyVpcEndpointServiceName is required when XksProxyConnectivity is VPC_ENDPOINT_SERVICE.",
)
VPC_PARAMETER_ONLY_FOR = _cks(
    "ValidationException",
    "{parameter} is valid only when XksProxyConnectivity is VPC_ENDPOINT_SERVICE.",
)
URI_ENDPOINT_MUST_CHANGE = _cks(
    "ValidationException",
    "XksProxyUriEndpoint must be changed when XksProxyConnectivity changes to {connectivity}.",
)

# -- custom key stores: CloudHSM clusters --------------------------------------------------------

CLUSTER_NOT_FOUND = _cks(
    "CloudHsmClusterNotFoundException", "KMS cannot find the CloudHSM cluster {cluster_id}."
)
CLUSTER_NOT_ACTIVE = _cks(
    "CloudHsmClusterNotActiveException", "The CloudHSM cluster {cluster_id} is not active."
)
CLUSTER_TOO_FEW_HSMS = _cks(
    "CloudHsmClusterInvalidConfigurationException",
    "The CloudHSM cluster {cluster_id} must contain at least two active HSMs, each in a "
    "different Availability Zone.",
)
CLUSTER_IN_USE = _cks(
    "CloudHsmClusterInUseException",
    "The CloudHSM cluster {cluster_id} is already associated with custom key store {store_id}.",
)
CLUSTER_NOT_RELATED = _cks(
    "CloudHsmClusterNotRelatedException",
    "The CloudHSM cluster {new_cluster_id} does not share a backup history with the CloudHSM "
    "cluster {cluster_id}.",
)
TRUST_ANCHOR_NOT_A_CERTIFICATE = _cks(
    "IncorrectTrustAnchorException",
    "The trust anchor certificate is not a PEM-encoded X.509 certificate.",
)
TRUST_ANCHOR_NOT_THE_CLUSTERS = _cks(
    "IncorrectTrustAnchorException",
    "The trust anchor certificate is not the trust anchor certificate of the CloudHSM cluster "
    "{cluster_id}.",
)

# -- custom key stores: external key store proxies and their keys ------------------------------

XKS_URI_IN_USE = _cks(
    "XksProxyUriInUseException",
    "The external key store proxy URI {uri} is already associated with custom key store "
    "{store_id}.",
)
XKS_URI_ENDPOINT_IN_USE = _cks(
    "XksProxyUriEndpointInUseException",
    "The XksProxyUriEndpoint {uri_endpoint} is already associated with custom key store "
    "{store_id}.",
)
XKS_VPC_SERVICE_IN_USE = _cks(
    "XksProxyVpcEndpointServiceInUseException",
    "The VPC endpoint service {service_name} is already associated with custom key store "
    "{store_id}.",
)
XKS_VPC_SERVICE_NOT_FOUND = _cks(
    "XksProxyVpcEndpointServiceNotFoundException",
    "KMS cannot find the VPC endpoint service {service_name} in {region}.",
)
XKS_PROXY_UNREACHABLE = _cks(
    "XksProxyUriUnreachableException", "KMS cannot reach the external key store proxy at {uri}."
)
XKS_PROXY_CREDENTIAL_REJECTED = _cks(
    "XksProxyIncorrectAuthenticationCredentialException",
    "The external key store proxy at {uri} rejected the proxy authentication credential.",
)
XKS_PROXY_INVALID_RESPONSE = _cks(
    "XksProxyInvalidResponseException",
    "The external key store proxy at {uri} answered with {answer}.",
)
XKS_PROXY_INVALID_CONFIGURATION = _cks(
    "XksProxyInvalidConfigurationException",
    "The external key store proxy at {uri} answered with {answer}.",
)
XKS_KEY_NOT_FOUND = _cks(
    "XksKeyNotFoundException",
    "The external key store proxy cannot find the external key {xks_key_id}.",
)
XKS_KEY_INVALID = _cks(
    "XksKeyInvalidConfigurationException",
    "The external key {xks_key_id} is not an enabled AES-256 symmetric key that encrypts and "
    "decrypts.",
)
XKS_KEY_IN_USE = _cks(
    "XksKeyAlreadyInUseException",
    "The external key {xks_key_id} is already associated with KMS key {key_arn} in custom key "
    "store {store_id}.",
)

# -- custom key stores: what CreateKey and GenerateRandom need of them ---------------------------

XKS_KEY_ID_WITHOUT_XKS_ORIGIN = _cks(
    "ValidationException", "XksKeyId is valid only when Origin is EXTERNAL_KEY_STORE."
)
CKS_ID_REQUIRED = _cks(
    "ValidationException", "CustomKeyStoreId must be specified when Origin is {origin}."
)
XKS_KEY_ID_REQUIRED = _cks(
    "ValidationException", "XksKeyId must be specified when Origin is EXTERNAL_KEY_STORE."
)
ORIGIN_WITH_CKS_ID = _cks(
    "ValidationException",
    "Origin {origin} is not valid with CustomKeyStoreId. Use AWS_CLOUDHSM for a CloudHSM key "
    "store or EXTERNAL_KEY_STORE for an external key store.",
)
CKS_ORIGIN_MISMATCH = _cks(
    "UnsupportedOperationException",
    "Custom key store {store_id} is of type {store_type}. Its KMS keys must have Origin "
    "{store_type}.",
)
CKS_KEY_SPEC = _cks(
    "UnsupportedOperationException",
    "KeySpec {key_spec} is not supported in a custom key store. KMS keys in a custom key store "
    "must be symmetric encryption keys (SYMMETRIC_DEFAULT).",
)
CKS_MULTI_REGION = _cks(
    "UnsupportedOperationException", "Multi-Region keys cannot be created in a custom key store."
)
XKS_NO_RANDOM = _cks(
    "UnsupportedOperationException",
    "Custom key store {store_id} is an external key store. GenerateRandom supports only "
    "CloudHSM key stores.",
)


# -- what kmsmock does not serve, and its own failures -------------------------------------------

OPERATION_NOT_IMPLEMENTED = _own(
    "NotImplementedByKmsmock", "kmsmock does not implement the KMS operation {operation} yet."
)
KEY_SPEC_NOT_IMPLEMENTED = _own(
    "NotImplementedByKmsmock", "kmsmock does not support KeySpec {key_spec} yet."
)
KEY_PAIR_SPEC_NOT_IMPLEMENTED = _own(
    "NotImplementedByKmsmock", "kmsmock does not implement KeyPairSpec {key_pair_spec} yet."
)
RECIPIENT_NOT_IMPLEMENTED = _own(
    "NotImplementedByKmsmock",
    "kmsmock does not emulate the Recipient parameter (Nitro Enclaves attestation).",
)
CRYPTOGRAPHY_LACKS_ALGORITHM = _own(
    "NotImplementedByKmsmock",
    "kmsmock needs a cryptography release that implements {algorithm} for key spec {key_spec} "
    "(installed: cryptography {version}).",
)
EXTERNAL_MU_UNAVAILABLE = _own(
    "NotImplementedByKmsmock",
    "MessageType EXTERNAL_MU is not implemented by kmsmock on this cryptography build: "
    "cryptography {version} cannot sign or verify an ML-DSA external mu (no sign_mu/verify_mu).",
)
CRYPTOGRAPHY_CANNOT_GENERATE = _own(
    "NotImplementedByKmsmock",
    "The installed cryptography/OpenSSL cannot generate {key_spec} keys "
    "(ML-DSA and ML-KEM need OpenSSL 3.5+ or AWS-LC).",
)
INTERNAL_ERROR = ErrorText(
    "KMSInternalException",
    "kmsmock internal error ({kind}: {detail}); please report it.",
    source="kmsmock's own: a kmsmock bug, in an AWS-shaped error instead of a traceback",
)


# -- injected faults (``KmsMock.fail_next``): what AWS answers when it cannot serve a call ---------

_MODEL_DOC = "chosen: the documentation of the {} error shape in botocore's KMS model"
THROTTLED = ErrorText(
    "ThrottlingException",
    "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.",
    source="AWS re:Post knowledge center 'kms-throttlingexception-error' (the error as AWS "
    "sends it, HTTP 400)",
)
INTERNAL_FAULT = ErrorText(
    "KMSInternalException",
    "The request was rejected because an internal exception occurred. The request can be retried.",
    source=_MODEL_DOC.format("KMSInternalException (HTTP 500)"),
)
DEPENDENCY_TIMEOUT = ErrorText(
    "DependencyTimeoutException",
    "The system timed out while trying to fulfill the request. You can retry the request.",
    source=_MODEL_DOC.format("DependencyTimeoutException (HTTP 503)"),
)
KEY_UNAVAILABLE = ErrorText(
    "KeyUnavailableException",
    "The request was rejected because the specified KMS key was not available. You can retry "
    "the request.",
    source=_MODEL_DOC.format("KeyUnavailableException (HTTP 500)"),
)

TABLE: dict[str, ErrorText] = {
    name: value for name, value in list(globals().items()) if isinstance(value, ErrorText)
}
