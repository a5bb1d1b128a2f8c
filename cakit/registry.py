"""A small generic registry: the seam where formats, annotators and exporters plug in."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar, overload

from cakit.errors import UnknownComponentError

T = TypeVar("T")


class Registry(Generic[T]):
    """Named components of one kind.

    Registering the same object twice under one name is a no-op; a *different* object
    under a taken name raises, so two plugins cannot silently shadow each other.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    @overload
    def register(self, name: str) -> Callable[[T], T]: ...

    @overload
    def register(self, name: str, item: T) -> T: ...

    def register(self, name: str, item: T | None = None) -> T | Callable[[T], T]:
        def add(component: T) -> T:
            existing = self._items.get(name)
            if existing is not None and existing is not component:
                raise ValueError(f"{self.kind} {name!r} is already registered")
            self._items[name] = component
            return component

        if item is None:
            return add
        return add(item)

    def get(self, name: str) -> T:
        try:
            return self._items[name]
        except KeyError:
            available = ", ".join(sorted(self._items)) or "none"
            close = difflib.get_close_matches(name, list(self._items), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise UnknownComponentError(
                f"unknown {self.kind} {name!r}; available: {available}.{hint}"
            ) from None

    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self._items))

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def items(self) -> list[tuple[str, T]]:
        return sorted(self._items.items())
