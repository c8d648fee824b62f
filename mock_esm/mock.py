"""EsmMock: the controller users hold, and the four ways in (decorator, with, async with,
start/stop), all thin layers over :meth:`EsmMock.start` and :meth:`EsmMock.stop`.

Activations form one process-wide stack, guarded by a lock, so nesting works in any mix of
forms and threads: the backend is shared by nested activations and cleared when the outermost
one stops; an inner activation's explicit options win while it is active.
"""

from __future__ import annotations

import functools
import inspect
import math
import os
import sys
import threading
from typing import (
    TYPE_CHECKING,
    Any,
    AsyncGenerator,
    Callable,
    Dict,
    Generator,
    List,
    Optional,
    Tuple,
    TypeVar,
    overload,
)

from . import families
from .aws import moto_api
from .service import clock
from .service.faults import FAULTS
from .service.routing import Response
from .service.runtime import DEFAULT_TRANSITION_SECONDS, RUNTIME
from .wire import answers, interceptor

if TYPE_CHECKING:
    # Only the type checker reads these: typing.ParamSpec is 3.10+, and mypy bundles
    # typing_extensions' stubs, so no runtime dependency is needed on Python 3.9.
    from typing_extensions import ParamSpec

    from .delivery import Delivery, PollReport

    _P = ParamSpec("_P")

_R = TypeVar("_R")
_C = TypeVar("_C", bound=type)


ENV_TRANSITION_SECONDS = "MOCK_ESM_TRANSITION_SECONDS"
OPTIONS = ("account_id", "transition_seconds", "intercept_requests")
_CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
_FAKE_CREDENTIAL = "testing"


class _Unset:
    def __repr__(self) -> str:
        return "<unset>"


UNSET: Any = _Unset()


def _check_account_id(value: Any, source: str = "mock_esm(account_id=...)") -> Optional[str]:
    if value is UNSET or value is None:
        return None
    if not isinstance(value, str) or len(value) != 12 or not value.isdigit() or not value.isascii():
        raise ValueError(f"{source} must be a string of exactly 12 digits, "
                         f"such as '123456789012'; got {value!r}")
    return value


def _check_transition_seconds(value: Any, source: str) -> float:
    number: Any = value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            number = None
    if (isinstance(number, bool) or not isinstance(number, (int, float))
            or math.isnan(number) or math.isinf(number) or number < 0):
        raise ValueError(f"{source} must be a finite number of seconds >= 0 (0 settles every "
                         f"transition on the next read); got {value!r}")
    return float(number)


def _check_bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"mock_esm({name}=...) must be True or False; got {value!r}")
    return value


def _delivery() -> Delivery:
    """The delivery engine, imported on first use: most suites never deliver a record, and it
    is the largest part of the package to import."""
    from .delivery import DELIVERY

    families.install_delivery(DELIVERY)
    return DELIVERY


def _forget_state() -> None:
    """What ``reset()`` and the outermost stop clear: mappings, delivery state, injections."""
    RUNTIME.registry.reset()
    module = sys.modules.get("mock_esm.delivery")
    if module is not None:
        module.DELIVERY.reset()
    FAULTS.clear()
    moto_api.forget()


class _Activations:
    """The process-wide stack of active controllers and what it implies."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.stack: List[EsmMock] = []
        # (variable, value before activation) for each credential variable the mock set.
        self.credentials_set: List[Tuple[str, Optional[str]]] = []

    def push(self, mock: EsmMock) -> None:
        with self.lock:
            if not self.stack:
                self._activate()
            self.stack.append(mock)
            self._apply()

    def holds(self, mock: EsmMock) -> bool:
        with self.lock:
            return any(active is mock for active in self.stack)

    def pop(self, mock: EsmMock) -> None:
        with self.lock:
            for position in range(len(self.stack) - 1, -1, -1):
                if self.stack[position] is mock:
                    del self.stack[position]
                    break
            else:
                raise RuntimeError(
                    "EsmMock.stop() was called on a mock that is not active: call start() "
                    "first (or use it as a decorator or context manager), and stop() once per "
                    "start().")
            if self.stack:
                self._apply()
            else:
                self._deactivate()

    def _activate(self) -> None:
        # An empty or half-set pair is what CI gives for a missing secret; botocore would then
        # walk its credential chain and probe the instance metadata address.
        environ = os.environ
        if not all(environ.get(name) for name in _CREDENTIAL_VARIABLES):
            self.credentials_set = [(name, environ.get(name))
                                    for name in _CREDENTIAL_VARIABLES]
            for name in _CREDENTIAL_VARIABLES:
                environ[name] = _FAKE_CREDENTIAL
        interceptor.attach_to_default_session()
        RUNTIME.active = True

    def _deactivate(self) -> None:
        RUNTIME.active = False
        RUNTIME.account_id = None
        RUNTIME.transition_seconds = DEFAULT_TRANSITION_SECONDS
        _forget_state()
        for name, before in self.credentials_set:
            if os.environ.get(name) != _FAKE_CREDENTIAL:
                continue  # the test set its own value meanwhile: it is the test's to undo
            if before is None:
                del os.environ[name]
            else:
                os.environ[name] = before
        self.credentials_set = []

    def _apply(self) -> None:
        account_id: Optional[str] = None
        seconds: Optional[float] = None
        for mock in reversed(self.stack):
            if account_id is None:
                account_id = mock._account_id
            if seconds is None:
                seconds = mock._transition_seconds
        RUNTIME.account_id = account_id
        RUNTIME.refresh_default_account()
        RUNTIME.transition_seconds = self.stack[0]._default_seconds if seconds is None else seconds


ACTIVATIONS = _Activations()


def _is_test_case(cls: type) -> bool:
    # A TestCase subclass exists only if unittest is loaded; do not load it to find out.
    unittest = sys.modules.get("unittest")
    return unittest is not None and issubclass(cls, unittest.TestCase)


class EsmMock:
    """Mocks Lambda's event source mapping operations while active; the mock_esm manual,
    'Ways in', shows the forms."""

    def __init__(self, *, account_id: Any = UNSET, transition_seconds: Any = UNSET,
                 intercept_requests: bool = False) -> None:
        self._account_id = _check_account_id(account_id)
        self._transition_seconds: Optional[float] = (
            None if transition_seconds is UNSET
            else _check_transition_seconds(transition_seconds,
                                           "mock_esm(transition_seconds=...)"))
        env_seconds = os.environ.get(ENV_TRANSITION_SECONDS)
        self._default_seconds = (
            DEFAULT_TRANSITION_SECONDS if env_seconds is None
            else _check_transition_seconds(env_seconds, f"${ENV_TRANSITION_SECONDS}"))
        self._intercept_requests = _check_bool(intercept_requests, "intercept_requests")

    def __repr__(self) -> str:
        return (f"EsmMock(account_id={self._account_id!r}, "
                f"transition_seconds={self._transition_seconds!r})")

    # -- activation ----------------------------------------------------------------------------

    def start(self) -> EsmMock:
        ACTIVATIONS.push(self)
        if self._intercept_requests:
            from .wire.requests_adapter import ADAPTER

            try:
                ADAPTER.acquire()
            except BaseException:
                ACTIVATIONS.pop(self)
                raise
        return self

    def stop(self) -> None:
        ACTIVATIONS.pop(self)
        if self._intercept_requests:
            from .wire.requests_adapter import ADAPTER

            ADAPTER.release()

    def __enter__(self) -> EsmMock:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    async def __aenter__(self) -> EsmMock:
        return self.start()

    async def __aexit__(self, *exc_info: Any) -> None:
        self.stop()

    @overload
    def __call__(self, target: _C) -> _C: ...

    @overload
    def __call__(self, target: Callable[_P, _R]) -> Callable[_P, _R]: ...

    def __call__(self, target: Any) -> Any:
        """Decorate a class, a coroutine function or a function (in that order of checks)."""
        if inspect.isclass(target):
            if _is_test_case(target):
                return self._decorate_test_case(target)
            return self._decorate_class(target)
        if inspect.iscoroutinefunction(target):
            return self._decorate_coroutine(target)
        if inspect.isasyncgenfunction(target):
            return self._decorate_async_generator(target)
        if inspect.isgeneratorfunction(target):
            return self._decorate_generator(target)
        if callable(target):
            return self._decorate_function(target)
        raise TypeError(f"mock_esm can decorate a function, a coroutine function or a class; "
                        f"got {target!r}")

    def _decorate_function(self, func: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(func)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            with self:
                return func(*args, **kwargs)

        return wrapper

    def _decorate_coroutine(self, func: Callable[_P, Any]) -> Callable[_P, Any]:
        # The activation spans the awaited body, not just the creation of the coroutine.
        @functools.wraps(func)
        async def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> Any:
            with self:
                return await func(*args, **kwargs)

        return wrapper

    def _decorate_generator(self, func: Callable[_P, Generator[Any, Any, Any]]
                            ) -> Callable[_P, Generator[Any, Any, Any]]:
        """The activation lasts from the first ``next()`` until the generator finishes or is
        closed: a pytest yield fixture's test runs between its setup and its teardown."""
        @functools.wraps(func)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> Generator[Any, Any, Any]:
            with self:
                return (yield from func(*args, **kwargs))

        return wrapper

    def _decorate_async_generator(self, func: Callable[_P, AsyncGenerator[Any, Any]]
                                  ) -> Callable[_P, AsyncGenerator[Any, Any]]:
        """As for generators; values sent and exceptions thrown in reach the wrapped one."""
        @functools.wraps(func)
        async def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> AsyncGenerator[Any, Any]:
            generator = func(*args, **kwargs)
            with self:
                try:
                    item = await generator.__anext__()
                    while True:
                        try:
                            sent = yield item
                        except GeneratorExit:
                            await generator.aclose()
                            raise
                        except BaseException as error:
                            item = await generator.athrow(error)
                        else:
                            item = await generator.asend(sent)
                except StopAsyncIteration:
                    return

        return wrapper

    def _decorate_class(self, cls: _C) -> _C:
        """Wrap each method the class itself defines whose name starts with ``test``."""
        for name, attribute in list(vars(cls).items()):
            if not name.startswith("test"):
                continue
            if isinstance(attribute, (staticmethod, classmethod)):
                setattr(cls, name, type(attribute)(self(attribute.__func__)))
            elif inspect.isfunction(attribute):
                setattr(cls, name, self(attribute))
        return cls

    def _decorate_test_case(self, cls: _C) -> _C:
        """One activation per test spanning setUp, the test, tearDown and cleanups.

        ``setUp`` starts it and registers ``stop`` as the first cleanup, so unittest runs it
        last -- after ``tearDown`` and the user's own cleanups, and even when ``setUp`` fails.
        The class hooks get activations of their own, so a failing ``setUpClass`` leaves
        nothing active and every test still starts with an empty backend.
        """
        self._decorate_class(cls)
        case_class: Any = cls
        set_up = case_class.setUp

        @functools.wraps(set_up)
        def setUp(case: Any) -> None:
            self.start()
            case.addCleanup(self.stop)
            set_up(case)

        case_class.setUp = setUp
        case_class.setUpClass = classmethod(self._decorate_function(
            case_class.setUpClass.__func__))
        case_class.tearDownClass = classmethod(self._decorate_function(
            case_class.tearDownClass.__func__))
        return cls

    # -- inspection and control ----------------------------------------------------------------

    def _require_active(self, call: str) -> None:
        """Refuse control calls outside this mock's activation.

        A stopped controller has no state of its own: what it stored or read would belong to
        whichever activation runs next (another test's), and an empty answer would hide that
        the mock was never started.
        """
        if not ACTIVATIONS.holds(self):
            raise RuntimeError(
                f"EsmMock.{call}() was called on a mock that is not active. Call it inside "
                f"'with mock_esm() as esm:' or the test that @mock_esm decorates (or use the "
                f"esm_mock fixture), or between esm.start() and esm.stop().")

    def settle(self) -> None:
        """Finish every pending state transition now, whatever the clock says."""
        self._require_active("settle")
        RUNTIME.registry.settle(clock.now())

    def reset(self) -> None:
        """Forget every mapping, registered function and queued message, in every account,
        and every pending injection."""
        self._require_active("reset")
        _forget_state()

    def mappings(self, account_id: Optional[str] = None,
                 region: Optional[str] = None) -> List[Dict[str, Any]]:
        """Every mapping, as boto3's get_event_source_mapping returns it (no ResponseMetadata)."""
        self._require_active("mappings")
        now = clock.now()
        result: List[Dict[str, Any]] = []
        for backend in RUNTIME.registry.backends():
            if account_id is not None and backend.account_id != account_id:
                continue
            if region is not None and backend.region != region:
                continue
            for body in backend.rendered(now):
                parsed = answers.parse(Response(200, {}, body), "GetEventSourceMapping")
                parsed.pop("ResponseMetadata", None)
                result.append(parsed)
        return result

    # -- in-process delivery (the manual's "Delivery from SQS") -------------------------

    def register_function(self, function: str, handler: Callable[[Dict[str, Any], Any], Any], *,
                          timeout: float = 3.0, memory_size: int = 128) -> None:
        """Let ``handler(event, context)`` play the Lambda function ``function`` on ``poll()``."""
        self._require_active("register_function")
        _delivery().register_function(function, handler, timeout=timeout,
                                      memory_size=memory_size)

    def put_records(self, source: str, records: List[Any]) -> List[str]:
        """Add records to an in-mock source (queue, stream, topic, broker); their IDs.

        ``source`` is the event source ARN, or a self-managed Kafka mapping's UUID.
        """
        self._require_active("put_records")
        return _delivery().put_records(source, records, RUNTIME.registry)

    def poll(self, uuid: Optional[str] = None) -> PollReport:
        """Deliver every ready batch of every enabled mapping (or of one) now; what happened."""
        self._require_active("poll")
        return _delivery().poll(RUNTIME.registry, uuid)

    # -- fault injection -----------------------------------------------------------------------

    def inject_error(self, operation: str, code: str, message: Optional[str] = None,
                     times: int = 1) -> None:
        """Make the next ``times`` calls of ``operation`` fail with ``code`` exactly as AWS would.

        For users' resilience tests; the answer skips botocore's retries (see the manual,
        'Fault injection').
        """
        self._require_active("inject_error")
        if operation not in interceptor.ESM_OPERATIONS:
            raise ValueError(
                f"inject_error(operation=...) must be one of "
                f"{', '.join(sorted(interceptor.ESM_OPERATIONS))}; got {operation!r}")
        declared = interceptor.declared_errors(operation)
        if code not in declared:
            raise ValueError(
                f"inject_error(code=...) must be an error that {operation} declares: "
                f"{', '.join(sorted(declared))}; got {code!r}")
        if message is not None and (not isinstance(message, str) or not message):
            raise ValueError(f"inject_error(message=...) must be a non-empty string or None "
                             f"(None uses AWS's message for {code}); got {message!r}")
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise ValueError(f"inject_error(times=...) must be a whole number >= 1; "
                             f"got {times!r}")
        injection = declared[code]
        if message is not None:
            injection = injection._replace(message=message)
        FAULTS.add(operation, injection, times)


class _MockEsm:
    """The ``mock_esm`` name: a decorator and a factory of controllers, never one itself.

    A class rather than a function only so that ``with mock_esm:`` (parentheses forgotten)
    says what to write instead of Python's generic "does not support the context manager
    protocol".
    """

    @overload
    def __call__(self, func: _C, /) -> _C: ...

    @overload
    def __call__(self, func: Callable[_P, _R], /) -> Callable[_P, _R]: ...

    @overload
    def __call__(self, /, *, account_id: Optional[str] = ..., transition_seconds: float = ...,
                 intercept_requests: bool = ...) -> EsmMock: ...

    def __call__(self, func: Any = None, /, **options: Any) -> Any:
        """``@mock_esm``, ``@mock_esm(...)``, ``with mock_esm() as esm`` and
        ``mock_esm().start()``.

        The options are checked here, before anything is decorated or started, so a typo
        fails at the line that made it.
        """
        unknown = [name for name in options if name not in OPTIONS]
        if unknown:
            raise TypeError(f"mock_esm() got an unexpected keyword argument {unknown[0]!r}; "
                            f"it takes {', '.join(OPTIONS)}")
        mock = EsmMock(**options)
        if func is None:
            return mock
        return mock(func)

    def __repr__(self) -> str:
        return "<mock_esm>"

    def _forgot_parentheses(self, form: str) -> TypeError:
        return TypeError(f"'{form} mock_esm:' needs parentheses: write "
                         f"'{form} mock_esm() as esm:' (or pass options, "
                         f"'{form} mock_esm(transition_seconds=0) as esm:').")

    def __enter__(self) -> None:
        raise self._forgot_parentheses("with")

    def __exit__(self, *exc_info: Any) -> None:
        """Never reached: ``__enter__`` raises."""

    async def __aenter__(self) -> None:
        raise self._forgot_parentheses("async with")

    async def __aexit__(self, *exc_info: Any) -> None:
        """Never reached: ``__aenter__`` raises."""


mock_esm = _MockEsm()
