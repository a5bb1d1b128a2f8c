"""A cheaper `__init__` for frozen slots dataclasses built in hot loops."""

from __future__ import annotations

from dataclasses import MISSING, fields
from typing import Any


def quick_init(cls: type) -> None:
    """Give a frozen slots dataclass an `__init__` that fills its slots through their
    descriptors.

    The generated frozen `__init__` calls `object.__setattr__` once per field; this one does
    the same work at about 60% of the cost (measured: Token 0.71 → 0.43 µs). Parameters,
    defaults and keyword-only rules are the fields' own (tests/test_model_init.py); the
    class stays frozen, and `replace`, equality, hashing and pickling are untouched. Use it
    only on types made once per word, mark, line or turn, where the saving adds up.
    """
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has __post_init__; keep its generated __init__")
    parameters: list[str] = []
    body: list[str] = []
    namespace: dict[str, Any] = {}
    keyword_only = False
    for k, item in enumerate(fields(cls)):
        if item.default_factory is not MISSING:
            raise TypeError(f"{cls.__name__}.{item.name} has a default factory")
        if item.kw_only and not keyword_only:
            parameters.append("*")
            keyword_only = True
        namespace[f"_set{k}"] = getattr(cls, item.name).__set__
        if item.default is MISSING:
            parameters.append(item.name)
        else:
            namespace[f"_default{k}"] = item.default
            parameters.append(f"{item.name}=_default{k}")
        body.append(f"    _set{k}(self, {item.name})")
    exec(f"def __init__(self, {', '.join(parameters)}):\n" + "\n".join(body), namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init  # type: ignore[misc]


def quick_state(cls: type) -> None:
    """Give a slots dataclass a `__getstate__` and `__setstate__` that read and fill its
    slots through their descriptors, one line per field (as `quick_init` does).

    The ones `dataclass(slots=True)` generates call `dataclasses.fields` for every object
    pickled or unpickled; a report sends every code of every consultation from a worker to
    the reporting process that way, and there `fields` alone was a fifth of unpickling.
    Written out per field rather than looped over, each call costs about half as much
    (a turn record: 2.9 → 1.4 µs to fill). The state is the same list of field
    values, in field order, so a pickle made either way loads either way
    (tests/test_model_init.py). Use it only on types sent between processes in bulk.
    """
    names = [item.name for item in fields(cls)]
    if not names:
        raise TypeError(f"{cls.__name__} has no fields; it needs no quick state")
    namespace: dict[str, Any] = {"__name__": __name__}  # the methods' module: this one
    for k, name in enumerate(names):
        namespace[f"_get{k}"] = getattr(cls, name).__get__
        namespace[f"_set{k}"] = getattr(cls, name).__set__
    values = "".join(f"v{k}, " for k in range(len(names)))
    source = "\n".join([
        "def __getstate__(self):",
        f"    return [{', '.join(f'_get{k}(self)' for k in range(len(names)))}]",
        "def __setstate__(self, state):",
        f"    {values}= state",  # a state of another length fails here, as zip(strict) did
        *(f"    _set{k}(self, v{k})" for k in range(len(names))),
    ])
    exec(source, namespace)
    for method in ("__getstate__", "__setstate__"):
        namespace[method].__qualname__ = f"{cls.__qualname__}.{method}"
        # setattr: type checkers see object.__getstate__ from Python 3.11 on and not before
        setattr(cls, method, namespace[method])
