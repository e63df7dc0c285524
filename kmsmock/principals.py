"""Principals a test declares, so that a request is decided for *who* signs it (issue 13).

``KmsMock.add_user``, ``add_role`` and ``account_root`` declare them on an activation; each
caller has an access key of its own, and ``client()`` / ``session()`` make boto3 clients that
sign with it. A role signs nothing itself: ``role.assume(session_name)`` is an assumed-role
session, as STS would hand out. Until the first principal is declared every request is the
activation's account root, whatever it is signed with; from then on the credentials the
environment had stay that root, and a request signed with any other unknown access key gets
``UnrecognizedClientException``.

Identity policies: ``None`` (the default) means IAM allows the principal everything, so the key
policy alone decides; a list of documents (dicts or JSON text) is what IAM evaluates, so ``[]``
allows nothing that the key policy only delegates to the account.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict

from .access import Caller, Identity, Kind, Policy, PolicyError, parse_policy

if TYPE_CHECKING:
    import boto3
    from typing_extensions import Unpack

    from .backend.store import Backend

Document = str | Mapping[str, Any]


class Declaration(TypedDict, total=False):
    """What ``KmsMock.add_user`` and ``add_role`` take besides the name."""

    account: str | None  # default: the activation's
    identity_policies: Sequence[Document] | None  # None: IAM allows it everything
    tags: Mapping[str, str] | None  # aws:PrincipalTag/*
    path: str  # the IAM path, "/" by default
    condition_keys: Mapping[str, object] | None  # keys kmsmock cannot observe


_NAME = re.compile(r"[\w+=,.@-]{1,64}")
_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}")
_ALNUM = string.ascii_uppercase + string.digits


def _random(alphabet: str, length: int) -> str:
    return "".join(alphabet[b % len(alphabet)] for b in os.urandom(length))


def _account(backend: Backend, account: str | None) -> str:
    if account is None:
        return backend.default_account
    if not (len(account) == 12 and account.isdigit()):
        raise ValueError(f"account must be 12 digits, got {account!r}")
    return account


def _policies(documents: Sequence[Document] | None) -> tuple[Policy, ...] | None:
    if documents is None:
        return None
    if isinstance(documents, (str, Mapping)):
        raise TypeError("identity_policies is a list of policy documents")
    try:
        return tuple(parse_policy(d) for d in documents)
    except PolicyError as error:
        raise ValueError(f"invalid identity policy: {error.message or error.code}") from None


class Principal:
    """A caller with credentials of its own: an IAM user, an assumed-role session, or an
    account's root. ``arn`` and ``account`` are what AWS would call it."""

    def __init__(
        self,
        backend: Backend,
        caller: Caller,
        policies: tuple[Policy, ...] | None,
        condition_keys: Mapping[str, object] | None,
        *,
        temporary: bool = False,
    ) -> None:
        self.caller = caller
        self.access_key_id = ("ASIA" if temporary else "AKIA") + _random(_ALNUM, 16)
        self.secret_access_key = _random(string.ascii_letters + string.digits + "+/", 40)
        self.session_token = (
            _random(string.ascii_letters + string.digits, 64) if temporary else None
        )
        _register(
            backend, self.access_key_id, Identity(caller, policies, dict(condition_keys or {}))
        )

    @property
    def arn(self) -> str:
        return self.caller.arn

    @property
    def account(self) -> str:
        return self.caller.account

    def __repr__(self) -> str:
        return f"<Principal {self.arn}>"

    def credentials(self) -> dict[str, str]:
        """Keyword arguments for ``boto3.client`` / ``boto3.Session`` that sign as this
        principal."""
        out = {
            "aws_access_key_id": self.access_key_id,
            "aws_secret_access_key": self.secret_access_key,
        }
        if self.session_token is not None:
            out["aws_session_token"] = self.session_token
        return out

    def session(self, region_name: str | None = None) -> boto3.Session:
        """A boto3 session signing as this principal."""
        import boto3

        return boto3.Session(
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
            aws_session_token=self.session_token,
            region_name=region_name,
        )

    def client(
        self, service_name: str = "kms", region_name: str | None = None, **kwargs: Any
    ) -> Any:
        """A boto3 client signing as this principal (``kwargs`` go to ``boto3.client``)."""
        return self.session(region_name).client(service_name, **kwargs)  # type: ignore[call-overload]


class Role:
    """An IAM role: it signs nothing itself; ``assume`` gives a session that does."""

    def __init__(
        self,
        backend: Backend,
        arn: str,
        account: str,
        policies: tuple[Policy, ...] | None,
        tags: Mapping[str, str],
        condition_keys: Mapping[str, object] | None,
    ) -> None:
        self._backend = backend
        self.arn = arn
        self.account = account
        self.name = arn.rsplit("/", 1)[1]
        self._policies = policies
        self._tags = dict(tags)
        self._condition_keys = dict(condition_keys or {})
        self._role_id = "AROA" + _random(_ALNUM, 17)

    def __repr__(self) -> str:
        return f"<Role {self.arn}>"

    def assume(self, session_name: str, *, tags: Mapping[str, str] | None = None) -> Principal:
        """An assumed-role session (``arn:aws:sts::<account>:assumed-role/<role>/<session>``)
        with the role's identity policies; session ``tags`` override the role's own
        (``aws:PrincipalTag/*``)."""
        if not _SESSION_NAME.fullmatch(session_name):
            raise ValueError(f"invalid role session name {session_name!r}")
        partition = self.arn.split(":", 2)[1]
        caller = Caller(
            f"arn:{partition}:sts::{self.account}:assumed-role/{self.name}/{session_name}",
            self.account,
            Kind.SESSION,
            role_arn=self.arn,
            user_id=f"{self._role_id}:{session_name}",
            tags={**self._tags, **(tags or {})},
        )
        return Principal(
            self._backend, caller, self._policies, self._condition_keys, temporary=True
        )


def _register(backend: Backend, access_key: str, identity: Identity) -> None:
    from .mock import FAKE_CREDENTIALS

    with backend.lock:  # the local endpoint's threads read it
        if not backend.identities:  # the first principal: the default callers stay the root
            root = Identity(Caller.root(backend.default_account))
            for key in (os.environ.get("AWS_ACCESS_KEY_ID"), FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"]):
                if key:
                    backend.identities[key] = root
        backend.identities[access_key] = identity


def _declared(d: Declaration) -> tuple[Any, ...]:
    unknown = set(d) - set(Declaration.__annotations__)
    if unknown:
        raise TypeError(f"unexpected keyword arguments {sorted(unknown)}")
    return (
        d.get("account"),
        d.get("identity_policies"),
        d.get("tags"),
        d.get("path", "/"),
        d.get("condition_keys"),
    )


def _path(path: str) -> str:
    if not (path.startswith("/") and path.endswith("/")):
        raise ValueError(f"an IAM path begins and ends with '/', got {path!r}")
    return path


def add_user(backend: Backend, name: str, **declared: Unpack[Declaration]) -> Principal:
    """See ``KmsMock.add_user``."""
    account, identity_policies, tags, path, condition_keys = _declared(declared)
    if not _NAME.fullmatch(name):
        raise ValueError(f"invalid IAM user name {name!r}")
    acct = _account(backend, account)
    caller = Caller(
        f"arn:aws:iam::{acct}:user{_path(path)}{name}",
        acct,
        Kind.USER,
        user_id="AIDA" + _random(_ALNUM, 17),
        tags=dict(tags or {}),
    )
    return Principal(backend, caller, _policies(identity_policies), condition_keys)


def add_role(backend: Backend, name: str, **declared: Unpack[Declaration]) -> Role:
    """See ``KmsMock.add_role``."""
    account, identity_policies, tags, path, condition_keys = _declared(declared)
    if not _NAME.fullmatch(name):
        raise ValueError(f"invalid IAM role name {name!r}")
    acct = _account(backend, account)
    return Role(
        backend,
        f"arn:aws:iam::{acct}:role{_path(path)}{name}",
        acct,
        _policies(identity_policies),
        tags or {},
        condition_keys,
    )


def account_root(backend: Backend, account: str | None = None) -> Principal:
    """See ``KmsMock.account_root``."""
    return Principal(backend, Caller.root(_account(backend, account)), None, None)
