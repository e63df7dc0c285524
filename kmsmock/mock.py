"""``mock_kms`` / ``KmsMock``: activation, nesting, credentials, and the state it owns.

Activations are counted across the process: the first start creates a fresh backend and installs
interception, nested starts share that backend, the last stop removes every trace (the patch and
any environment variable kmsmock set). That count is the one piece of module-level state.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload

from .backend import DEFAULT_ACCOUNT
from .controls import CallsAndFaults, Options
from .lifecycle import StartStop

if TYPE_CHECKING:
    import unittest

    import responses
    from typing_extensions import Unpack

    from .backend.clone import Frozen
    from .backend.store import Backend
    from .events import Events
    from .interceptor import Interceptor
    from .principals import Declaration, Principal, Role
    from .seeding import SeedSource
    from .server import KmsServer

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T", bound=type)

# Supplied while active when the environment has no credentials of its own, so botocore's
# credential chain stops at the environment and never reaches the network (instance metadata).
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIAKMSMOCKTESTING00",
    "AWS_SECRET_ACCESS_KEY": "kmsmock-fake-secret-access-key-for-tests",
}


class _Activations:
    """The process-wide activation stack (one per process, guarded by its lock)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.depth = 0
        self.interceptor: Interceptor | None = None
        self.saved_env: dict[str, str | None] = {}

    def push(self, account_id: str | None, seed: int | None = None) -> Backend:
        with self.lock:
            if self.depth == 0:
                account_id = account_id or DEFAULT_ACCOUNT
                # Imported on first use: botocore's client machinery and the backend, which
                # ``import kmsmock`` (done by every pytest run, via the plugin) should not pay for.
                from .backend.store import Backend
                from .interceptor import Interceptor

                self.interceptor = Interceptor(Backend(account_id, seed=seed))
                self.interceptor.install()
                self._supply_credentials()
            assert self.interceptor is not None
            backend = self.interceptor.backend
            if account_id is not None and account_id != backend.default_account:
                # A client carries no activation, so there is no way to route its calls to a
                # nested activation's account: refuse rather than ignore the request.
                raise RuntimeError(
                    f"kmsmock: mock_kms(account_id={account_id!r}) cannot start inside an active "
                    f"mock of account {backend.default_account!r}: nested activations share the "
                    "outermost one's state and account. Name the account on the outermost "
                    "activation, or leave account_id out on the nested one to join it."
                )
            if seed is not None and seed != backend.source.seed:
                raise RuntimeError(
                    f"kmsmock: mock_kms(seed={seed!r}) cannot start inside an active mock: "
                    "nested activations share the outermost one's state. Give the seed to the "
                    "outermost activation."
                )
            self.depth += 1
            return backend

    def pop(self) -> None:
        with self.lock:
            if self.depth == 0:
                raise RuntimeError("kmsmock: stop() called without a matching start()")
            self.depth -= 1
            if self.depth == 0:
                assert self.interceptor is not None
                self.interceptor.uninstall()
                self.interceptor = None
                self._restore_env()

    def _supply_credentials(self) -> None:
        self.saved_env = {}
        if os.environ.get("AWS_ACCESS_KEY_ID") and os.environ.get("AWS_SECRET_ACCESS_KEY"):
            return
        for name, value in FAKE_CREDENTIALS.items():
            self.saved_env[name] = os.environ.get(name)
            os.environ[name] = value

    def _restore_env(self) -> None:
        for name, value in self.saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self.saved_env = {}


_activations = _Activations()


class KmsMock(StartStop, CallsAndFaults):
    """One handle on kmsmock: a context manager, a decorator, or ``start()``/``stop()``.

    Handles nest: the outermost activation starts from empty state and every handle active at
    the same time sees the same keys, in the outermost activation's default account, and the
    same call log and fault queue (``CallsAndFaults``). The call log and timing options a handle
    names apply to that shared state when it starts.
    """

    def __init__(
        self,
        *,
        account_id: str | None = None,
        responses: bool = False,
        seed: int | None = None,
        seed_keys: SeedSource | None = None,
        **options: Unpack[Options],
    ) -> None:
        if account_id is not None and not (len(account_id) == 12 and account_id.isdigit()):
            raise ValueError(f"account_id must be 12 digits, got {account_id!r}")
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise TypeError(f"seed must be an int, got {seed!r}")
        self._requested = account_id  # None: the default account, or the active mock's
        self._responses = responses  # serve ``requests`` through a RequestsMock of its own
        self._seed = seed  # deterministic mode (see ``backend.source``)
        self._seed_keys = seed_keys  # keys declared up front (see ``seeding``)
        unknown = set(options) - set(Options.__annotations__)
        if unknown:
            raise TypeError(f"mock_kms() got unexpected keyword arguments {sorted(unknown)}")
        self._options = options  # the call log and timing options (controls.Options)
        self._backend: Backend | None = None
        self._starts = 0
        self._on_stop: list[Callable[[], None]] = []  # undone when this handle's last stop

    def _again(self) -> KmsMock:
        """A new handle with the same options (each decorated call activates its own)."""
        return KmsMock(
            account_id=self._requested,
            responses=self._responses,
            seed=self._seed,
            seed_keys=self._seed_keys,
            **self._options,
        )

    @property
    def account_id(self) -> str:
        """The account this handle serves: the one it named, else the active mock's (when
        nested), else the default, ``123456789012``."""
        if self._backend is not None:
            return self._backend.default_account
        return self._requested or DEFAULT_ACCOUNT

    def __repr__(self) -> str:
        state = "active" if self._starts else "inactive"
        return f"<KmsMock account={self.account_id} {state}>"

    # -- activation ----------------------------------------------------------------------

    def start(self) -> KmsMock:
        self._backend = _activations.push(self._requested, self._seed)
        self._starts += 1
        if self._starts == 1:
            self._apply_options(**self._options)
            if self._seed_keys is not None:
                try:
                    self.seed(self._seed_keys)
                except BaseException:
                    self.stop()
                    raise
            if self._responses:
                self.serve_responses()
        return self

    def stop(self) -> None:
        if self._starts == 0:
            raise RuntimeError("kmsmock: stop() called without a matching start()")
        _activations.pop()
        self._starts -= 1
        if self._starts == 0:
            while self._on_stop:
                self._on_stop.pop()()
            self._backend = None

    @property
    def active(self) -> bool:
        return self._starts > 0

    @property
    def backend(self) -> Backend:
        """The state this activation serves (shared with every nested activation)."""
        if self._backend is None:
            raise RuntimeError("kmsmock: the mock is not active")
        return self._backend

    @property
    def events(self) -> Events:
        """The CloudTrail records and EventBridge events AWS would have emitted for this
        activation's calls and for what its clock made happen (see ``kmsmock.events``)."""
        from .events import Events  # here: nothing of it is needed until a test looks

        return Events(self.backend)

    def serve_http(
        self, host: str = "127.0.0.1", port: int = 0, *, clock_control: bool | None = None
    ) -> KmsServer:
        """A started local endpoint on this activation's state, for clients in other processes
        (``with kms_mock.serve_http() as server: server.url``); stop it, or leave the ``with``,
        before the activation ends. See ``kmsmock.server.KmsServer``."""
        from .server import KmsServer  # here: the server imports http.server and botocore

        return KmsServer(host, port, backend=self.backend, clock_control=clock_control).start()

    def serve_responses(
        self, rsps: responses.RequestsMock | None = None, *, endpoint_url: str | None = None
    ) -> responses.RequestsMock:
        """Answer KMS requests made with ``requests`` through ``rsps`` (a
        ``responses.RequestsMock``) from this activation's state; other URLs stay with
        ``rsps``'s own registrations. Without ``rsps``, kmsmock starts a RequestsMock of its
        own that lets every other URL through, stopped with this handle (``mock_kms(
        responses=True)`` does that at start). See ``kmsmock.raw_http``."""
        from . import raw_http

        backend = self.backend
        if rsps is None:
            rsps = raw_http.own_requests_mock()
            rsps.start()
            self._on_stop.append(_stopping(rsps))
        raw_http.register(rsps, backend, endpoint_url=endpoint_url)
        return rsps

    # -- principals (access control) -----------------------------------------------------

    def add_user(self, name: str, **declared: Unpack[Declaration]) -> Principal:
        """Declare an IAM user (``arn:aws:iam::<account>:user<path><name>``) with an access key
        of its own: ``account`` (default: the activation's), ``identity_policies`` (its IAM
        policies; None: IAM allows it everything), ``tags`` (``aws:PrincipalTag/*``), ``path``
        and ``condition_keys`` (keys its requests carry that kmsmock cannot observe:
        ``{"aws:SourceIp": "10.0.0.1"}``). See ``kmsmock.principals``."""
        from . import principals

        return principals.add_user(self.backend, name, **declared)

    def add_role(self, name: str, **declared: Unpack[Declaration]) -> Role:
        """Declare an IAM role; ``role.assume(session_name)`` is a session that calls as it.
        Arguments as for ``add_user``."""
        from . import principals

        return principals.add_role(self.backend, name, **declared)

    def account_root(self, account: str | None = None) -> Principal:
        """Credentials of an account's root (``arn:aws:iam::<account>:root``): how a test acts
        in another account, e.g. to create the key a cross-account caller uses."""
        from . import principals

        return principals.account_root(self.backend, account)

    @property
    def condition_keys(self) -> dict[str, object]:
        """Condition keys every request of this activation carries that kmsmock cannot observe
        (``m.condition_keys["aws:SourceVpc"] = "vpc-1"``); a principal's own win."""
        return self.backend.condition_keys

    # -- seeding and snapshots -----------------------------------------------------------

    def seed(self, keys: SeedSource, *, region: str = "us-east-1") -> list[str]:
        """Create the keys ``keys`` declares (a mapping, or a JSON/YAML file's path) with the
        ids, aliases, tags, policies, specs, rotation settings and material they name; the
        ids created, in order. Declarations name their Region (else ``region``). ``SeedError``
        for a declaration kmsmock cannot honour, before any key is created. See ``seeding``."""
        from . import seeding

        return seeding.seed(self.backend, keys, region=region)

    def expect_key_ids(self, *key_ids: str) -> None:
        """The next CreateKey calls (any Region) get these ids, in order, instead of random
        ones: a multi-Region key takes the next ``mrk-`` id, any other key the next UUID."""
        from .seeding import check_key_id

        for key_id in key_ids:
            check_key_id(key_id)
        self.backend.source.key_ids.extend(key_ids)

    def snapshot(self) -> dict[str, Any]:
        """The whole state as a versioned JSON-serialisable document (``restore`` takes it):
        keys with every material version, aliases, grants, policies, tags, schedules, custom
        key stores and the clock offset."""
        from .snapshot.encode import document

        return document(self.backend)

    def freeze(self) -> Frozen:
        """The whole state kept in memory, for ``restore`` in microseconds (copy on read)."""
        from .backend.clone import Frozen

        return Frozen.of(self.backend)

    def restore(self, snapshot: dict[str, Any] | Frozen) -> None:
        """Replace the whole state with a snapshot (a document or ``freeze()``'s result).

        The new state is built completely first: a foreign or corrupt document raises
        ``kmsmock.SnapshotError`` and the running state is left as it was."""
        from .backend.clone import Frozen
        from .snapshot import SnapshotError, decode

        backend = self.backend
        if isinstance(snapshot, Frozen):
            if snapshot.account_id != backend.default_account:
                raise SnapshotError(
                    f"kmsmock snapshot: made in account {snapshot.account_id!r}, this "
                    f"activation serves {backend.default_account!r}"
                )
            new = snapshot.thaw()
        else:
            new = decode.backend(snapshot, backend.default_account)
        backend.take_state(new)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write ``snapshot()`` to a JSON file."""
        import json

        with open(path, "w", encoding="utf-8") as out:
            json.dump(self.snapshot(), out, indent=1)

    def load(self, path: str | os.PathLike[str]) -> None:
        """``restore`` the snapshot a JSON file holds (``SnapshotError`` if it holds none)."""
        import json

        from .snapshot import SnapshotError

        try:
            with open(path, encoding="utf-8") as source:
                doc = json.load(source)
        except (ValueError, UnicodeDecodeError) as exc:
            raise SnapshotError(f"kmsmock snapshot: {path}: not JSON ({exc})") from None
        self.restore(doc)

    # -- decoration ----------------------------------------------------------------------

    @overload
    def __call__(self, target: T) -> T: ...
    @overload
    def __call__(self, target: F) -> F: ...

    def __call__(self, target: Any) -> Any:
        if isinstance(target, type):
            return _decorate_class(target, self._again)
        return _decorate_function(target, self._again)


def _decorate_function(fn: F, make: Callable[[], KmsMock]) -> F:
    """The whole call runs inside one activation: for generator functions (pytest fixtures
    written with ``yield``, for instance) that means until the generator is exhausted."""
    import inspect  # here, not at import: ``import kmsmock`` is paid by every pytest run

    if inspect.isasyncgenfunction(fn):

        @functools.wraps(fn)
        async def run_async_gen(*args: Any, **kwargs: Any) -> Any:
            with make():
                async for item in fn(*args, **kwargs):
                    yield item

        return run_async_gen  # type: ignore[return-value]

    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            with make():
                return await fn(*args, **kwargs)

        return run_async  # type: ignore[return-value]

    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def run_gen(*args: Any, **kwargs: Any) -> Any:
            with make():
                return (yield from fn(*args, **kwargs))

        return run_gen  # type: ignore[return-value]

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        with make():
            return fn(*args, **kwargs)

    return run  # type: ignore[return-value]


_HANDLES = "_kmsmock_handles"


def _call_optional(fn: Callable[..., Any] | None, arg: Any) -> None:
    """Call an xunit hook the way pytest does: with ``arg`` only if it takes an argument."""
    if fn is None:
        return
    import inspect

    count = fn.__code__.co_argcount - (1 if inspect.ismethod(fn) else 0)
    if count:
        fn(arg)
    else:
        fn()


def _decorate_class(cls: T, make: Callable[[], KmsMock]) -> T:
    """Each test starts from empty state.

    For a ``unittest.TestCase`` one activation spans setUp, the test, tearDown and cleanups.
    For a plain (pytest-style) class it spans ``setup_method``, the test and
    ``teardown_method``, so keys made while setting up are there in the test; every ``test*``
    method is also wrapped, so it is served when called outside pytest as well.
    """
    # unittest is not imported for this: a TestCase subclass exists only once it has been.
    ut = sys.modules.get("unittest")
    if ut is not None and issubclass(cls, ut.TestCase):
        case = cast("type[unittest.TestCase]", cls)
        original_setup = case.setUp

        @functools.wraps(original_setup)
        def setUp(self: unittest.TestCase) -> None:
            mock = make().start()
            self.addCleanup(mock.stop)
            original_setup(self)

        case.setUp = setUp  # type: ignore[method-assign]
        return cls

    import inspect

    for name, attr in list(vars(cls).items()):
        if name.startswith("test") and inspect.isfunction(attr):
            setattr(cls, name, _decorate_function(attr, make))

    # Static lookups keep staticmethods and classmethods intact; bound per instance below.
    original_setup_method = inspect.getattr_static(cls, "setup_method", None)
    original_teardown_method = inspect.getattr_static(cls, "teardown_method", None)

    def bound(attr: Any, instance: Any) -> Callable[..., Any] | None:
        return None if attr is None else attr.__get__(instance, type(instance))

    def setup_method(self: Any, method: Any = None) -> None:
        mock = make().start()
        self.__dict__.setdefault(_HANDLES, []).append(mock)
        try:
            _call_optional(bound(original_setup_method, self), method)
        except BaseException:
            self.__dict__[_HANDLES].pop().stop()
            raise

    def teardown_method(self: Any, method: Any = None) -> None:
        try:
            _call_optional(bound(original_teardown_method, self), method)
        finally:
            handles = self.__dict__.get(_HANDLES)
            if handles:
                handles.pop().stop()

    cls.setup_method = setup_method  # type: ignore[attr-defined]
    cls.teardown_method = teardown_method  # type: ignore[attr-defined]
    return cls


@overload
def mock_kms(target: T, /) -> T: ...
@overload
def mock_kms(target: F, /) -> F: ...
@overload
def mock_kms(
    *,
    account_id: str | None = None,
    responses: bool = False,
    seed: int | None = None,
    seed_keys: SeedSource | None = None,
    **options: Unpack[Options],
) -> KmsMock: ...


def mock_kms(
    target: Any = None,
    /,
    *,
    account_id: str | None = None,
    responses: bool = False,
    seed: int | None = None,
    seed_keys: SeedSource | None = None,
    **options: Unpack[Options],
) -> Any:
    """Serve every boto3/botocore KMS call in-process.

    ``@mock_kms``, ``@mock_kms()``, ``with mock_kms() as m:``, ``m = mock_kms(); m.start()``.
    ``account_id`` (default ``123456789012``) names the account callers act in; a nested
    activation joins the outermost one and may not name another account (``RuntimeError``).
    ``responses=True`` also answers code that calls KMS with ``requests`` (see
    ``KmsMock.serve_responses``). ``seed=42`` makes key ids, material, grant ids and request
    ids reproducible; ``seed_keys`` declares keys to create at start (see ``KmsMock.seed``).

    The call log (``m.calls``) keeps the last ``max_calls`` requests (default 10,000), with
    plaintexts and other sensitive members redacted unless ``log_secrets=True``.
    ``retry_sleep=False``: botocore's backoff between a KMS client's retries moves kmsmock's
    clock on instead of sleeping. ``latency`` (seconds or a timedelta): every answered request
    moves kmsmock's clock on by that much. See ``KmsMock.fail_next`` for fault injection.
    """
    handle = KmsMock(
        account_id=account_id, responses=responses, seed=seed, seed_keys=seed_keys, **options
    )
    return handle if target is None else handle(target)


def _stopping(rsps: responses.RequestsMock) -> Callable[[], None]:
    def stop() -> None:
        rsps.stop()
        rsps.reset()

    return stop


def is_active() -> bool:
    """Whether any kmsmock activation is in force in this process."""
    return _activations.depth > 0
