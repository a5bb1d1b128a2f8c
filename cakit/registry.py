"""A small generic registry: the seam where formats and exporters plug in.

A registry can hold three kinds of component, and says which each one is (`origin`):

* **built-ins**, registered by a loader function given to the constructor. The loader runs
  once, lazily, on the first access of any kind (lookup, listing, `in`, registration), so
  the registry holds its built-ins whatever order callers do things in, and importing the
  module that defines the registry imports none of them (`cakit --help` stays fast);
* **entry points** of an `entry_point_group` (`[project.entry-points."cakit.formats"]` in a
  plug-in's pyproject.toml), loaded in the same step, right after the built-ins. Each entry
  point is registered under its own name and must load to a component object;
* components **registered at runtime** with `register()`.

A plug-in that cannot be loaded is an error, not a warning: the first access raises
`PluginError` (a `CakitError`, so the CLI prints it as one line and exits 1) naming the
distribution, its version and the entry point, and saying what went wrong: the import
failed, the object is not a component of this kind, or the name is taken. Nothing is
half-loaded: on failure the registry forgets what the step registered and tries again on
the next access (so the error repeats until the plug-in is fixed or uninstalled).
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Literal, TypeVar, cast, overload

from cakit.errors import PluginError, UnknownComponentError

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

T = TypeVar("T")

OriginKind = Literal["built-in", "entry point", "runtime"]


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a registered component came from."""

    kind: OriginKind
    #: for entry points: the distribution that declares it, its version, and the entry
    #: point as written (`name = module:attribute`)
    distribution: str = ""
    version: str = ""
    entry_point: str = ""

    def __str__(self) -> str:
        if self.kind != "entry point":
            return self.kind
        return f"{self.distribution} {self.version}".rstrip()


BUILT_IN = Origin("built-in")
RUNTIME = Origin("runtime")


class Registry(Generic[T]):
    """Named components of one kind.

    Registering the same object twice under one name is a no-op; a *different* object
    under a taken name raises, so two plug-ins cannot silently shadow each other (nor a
    plug-in a built-in).

    Args:
        kind: what a component is, for messages ("format", "export format").
        builtins: registers the built-in components (called with this registry).
        entry_point_group: the entry-point group plug-ins declare components in.
        check: given an entry point's name and loaded object, a message saying why it is
            not a component of this kind, or None when it is.
    """

    def __init__(
        self,
        kind: str,
        *,
        builtins: Callable[[Registry[T]], None] | None = None,
        entry_point_group: str | None = None,
        check: Callable[[str, object], str | None] | None = None,
    ) -> None:
        self.kind = kind
        self.entry_point_group = entry_point_group
        self._builtins = builtins
        self._check = check
        self._items: dict[str, T] = {}
        self._origins: dict[str, Origin] = {}
        self._loaded = False  # built-ins and entry points are both registered
        self._builtins_loaded = False
        self._loading = False
        self._lock = threading.RLock()
        self._origin = RUNTIME  # what `register` records while loading

    # -- loading ---------------------------------------------------------------------------

    def _load(self) -> None:
        """Register the built-ins, then the entry points: each step once, all or nothing."""
        if self._loaded:
            return
        with self._lock:  # another thread waits here until the loading is done
            if self._loaded or self._loading:  # _loading: a loader's own register() calls
                return
            self._loading = True
            try:
                if not self._builtins_loaded:
                    self._step(BUILT_IN, self._builtins)
                    self._builtins_loaded = True
                if self.entry_point_group:
                    group = self.entry_point_group
                    self._step(RUNTIME, lambda _: self._load_entry_points(group))
                self._loaded = True
            finally:
                self._loading = False

    def _step(self, origin: Origin, loader: Callable[[Registry[T]], None] | None) -> None:
        """Run one loader; if it fails, forget what it registered."""
        before = dict(self._items), dict(self._origins)
        self._origin = origin
        try:
            if loader is not None:
                loader(self)
        except BaseException:
            self._items, self._origins = before
            raise
        finally:
            self._origin = RUNTIME

    def _load_entry_points(self, group: str) -> None:
        from importlib.metadata import entry_points

        for entry_point in sorted(entry_points(group=group), key=lambda ep: ep.name):
            origin = _entry_point_origin(entry_point)
            where = (f"{self.kind} plug-in {entry_point.name!r} (entry point "
                     f"'{origin.entry_point}' in group {group!r} of distribution "
                     f"{str(origin)!r})")
            fix = f"fix or uninstall {origin.distribution!r}"
            try:
                component = entry_point.load()
            except Exception as exc:
                raise PluginError(
                    f"{where} cannot be loaded: {type(exc).__name__}: {exc}; {fix}"
                ) from None
            problem = self._check(entry_point.name, component) if self._check else None
            if problem:
                raise PluginError(f"{where} is not a valid {self.kind}: {problem}; {fix}")
            taken = self._origins.get(entry_point.name)
            if taken is not None and self._items[entry_point.name] is not component:
                raise PluginError(
                    f"{where} is named like the {self.kind} {entry_point.name!r} "
                    f"({self._describe(taken)}); {fix}, or rename its entry point"
                )
            self._origin = origin
            self.register(entry_point.name, cast(T, component))

    @staticmethod
    def _describe(origin: Origin) -> str:
        if origin.kind == "entry point":
            return f"from distribution {str(origin)!r}"
        return "built in" if origin.kind == "built-in" else "registered at runtime"

    def refresh(self) -> None:
        """Look for entry points again on the next access (after installing a plug-in in a
        running interpreter, or in tests). Built-ins and runtime registrations are kept."""
        with self._lock:
            for name, origin in list(self._origins.items()):
                if origin.kind == "entry point":
                    del self._items[name], self._origins[name]
            self._loaded = False

    # -- registering -----------------------------------------------------------------------

    @overload
    def register(self, name: str) -> Callable[[T], T]: ...

    @overload
    def register(self, name: str, item: T) -> T: ...

    def register(self, name: str, item: T | None = None) -> T | Callable[[T], T]:
        """Add a component (or, without `item`, return a decorator that adds one).

        Raises:
            ValueError: another component is registered under `name`.
            PluginError: an installed plug-in cannot be loaded.
        """

        def add(component: T) -> T:
            self._load()
            existing = self._items.get(name)
            if existing is not None and existing is not component:
                origin = self._describe(self._origins[name])
                raise ValueError(f"{self.kind} {name!r} is already registered ({origin})")
            if existing is None:
                self._items[name] = component
                self._origins[name] = self._origin
            return component

        if item is None:
            return add
        return add(item)

    def unregister(self, name: str) -> None:
        """Remove a component registered at runtime or by an entry point (built-ins stay).

        Raises:
            UnknownComponentError: nothing is registered under `name`.
            ValueError: `name` is a built-in.
        """
        self._load()
        if name not in self._items:
            raise UnknownComponentError(f"no {self.kind} {name!r} is registered")
        if self._origins[name].kind == "built-in":
            raise ValueError(f"{self.kind} {name!r} is built in and cannot be unregistered")
        del self._items[name], self._origins[name]

    # -- looking up ------------------------------------------------------------------------

    def get(self, name: str) -> T:
        self._load()
        try:
            return self._items[name]
        except KeyError:
            available = ", ".join(sorted(self._items)) or "none"
            close = difflib.get_close_matches(name, list(self._items), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise UnknownComponentError(
                f"unknown {self.kind} {name!r}; available: {available}.{hint}"
            ) from None

    def origin(self, name: str) -> Origin:
        """Where the component registered under `name` came from."""
        self.get(name)
        return self._origins[name]

    def names(self) -> tuple[str, ...]:
        self._load()
        return tuple(sorted(self._items))

    def __contains__(self, name: object) -> bool:
        self._load()
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def items(self) -> list[tuple[str, T]]:
        self._load()
        return sorted(self._items.items())


def _entry_point_origin(entry_point: EntryPoint) -> Origin:
    dist = getattr(entry_point, "dist", None)
    try:
        name, version = (dist.name, dist.version) if dist is not None else ("", "")
    except Exception:  # metadata without a Name or Version
        name, version = "", ""
    return Origin("entry point", distribution=name or "an unnamed distribution",
                  version=version or "", entry_point=f"{entry_point.name} = {entry_point.value}")
