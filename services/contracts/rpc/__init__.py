"""Every service's RPC surface, declared once: method names, arguments and reply shapes.

A service implements exactly the methods its surface declares, with the same argument names
(tests/unit/test_rpc_surfaces.py compares them with the nameko entrypoints of the service class);
the gateway calls a service only through a proxy that refuses undeclared methods and arguments
(gateway/rpc.py), and a static test checks every ``remote("svc").method(...)`` in gateway/ against
the surface. ``python -m services.contracts.docs`` writes docs/rpc-<service>.md from these.

Arguments travel as JSON keyword arguments; the service validates them with its own schemas. A
reply is the marshmallow schema of what the method returns (``None``: nothing, or a value the
surface describes in words: ``reply_doc``).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from marshmallow import Schema, fields


class UndeclaredRpc(AttributeError):
    """A call to a method, or with an argument, that the service's contract does not declare."""


@dataclass(frozen=True)
class RpcMethod:
    name: str
    args: tuple[str, ...] = ()  # required, in order
    optional: tuple[str, ...] = ()  # have a default on the service side
    reply: type[Schema] | None = None
    summary: str = ""  # what it takes, does and returns, beyond its name and reply shape (Markdown)
    errors: str = ""  # the contract errors (services/contracts/errors.py) it raises, and when

    @property
    def arguments(self) -> tuple[str, ...]:
        return self.args + self.optional

    def check_call(self, service: str, args: tuple, kwargs: dict) -> None:
        """Refuse a call the method would not accept: unknown or missing arguments."""
        if len(args) > len(self.arguments):
            raise UndeclaredRpc(f"{service}.{self.name} takes at most {len(self.arguments)} arguments")
        given = set(self.arguments[:len(args)]) | set(kwargs)
        if unknown := set(kwargs) - set(self.arguments):
            raise UndeclaredRpc(f"{service}.{self.name} declares no argument {', '.join(sorted(unknown))} "
                                f"(services/contracts/rpc/{service}.py)")
        if missing := [name for name in self.args if name not in given]:
            raise UndeclaredRpc(f"{service}.{self.name} needs {', '.join(missing)}")


def method(name: str, args: str = "", optional: str = "", reply: type[Schema] | None = None, **docs: str) -> RpcMethod:
    """``method("follow", "actor_id user_id", reply=FollowState)``: arguments as space-separated names."""
    return RpcMethod(name, tuple(args.split()), tuple(optional.split()), reply, **docs)


@dataclass(frozen=True)
class RpcSurface:
    service: str
    methods: tuple[RpcMethod, ...]
    #: the docs' sections: (title, the first method of the section; None for the first section)
    sections: tuple[tuple[str, str | None], ...] = ()
    by_name: dict[str, RpcMethod] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = [m.name for m in self.methods]
        if duplicates := {n for n in names if names.count(n) > 1}:
            raise ValueError(f"{self.service}: methods declared twice: {sorted(duplicates)}")
        object.__setattr__(self, "by_name", {m.name: m for m in self.methods})

    def __getitem__(self, name: str) -> RpcMethod:
        try:
            return self.by_name[name]
        except KeyError:
            raise UndeclaredRpc(f"the {self.service} service declares no RPC method {name!r} "
                                f"(services/contracts/rpc/{self.service}.py)") from None

    def __contains__(self, name: object) -> bool:
        return name in self.by_name

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.by_name)


@functools.cache
def surfaces() -> dict[str, RpcSurface]:
    """Every service's surface by service name (imported lazily: the modules import marshmallow shapes)."""
    from services.contracts.rpc.accounts import ACCOUNTS
    from services.contracts.rpc.audio import AUDIO
    from services.contracts.rpc.catalog import CATALOG
    from services.contracts.rpc.licensing import LICENSING
    from services.contracts.rpc.gamification import GAMIFICATION
    from services.contracts.rpc.payouts import PAYOUTS

    return {surface.service: surface for surface in (ACCOUNTS, CATALOG, AUDIO, LICENSING, PAYOUTS, GAMIFICATION)}


def surface(service: str) -> RpcSurface:
    try:
        return surfaces()[service]
    except KeyError:
        raise UndeclaredRpc(f"no RPC contract for a service named {service!r} (services/contracts/rpc/)") from None


def page_of(item: type[Schema]) -> type[Schema]:
    """The list envelope ``{"items", "total", "next"}`` around ``item``, as every list method returns it."""
    return type(f"{item.__name__}Page", (Schema,), {
        "item_schema": item,  # for the page's example (gateway.examples)
        "items": fields.List(fields.Nested(item)),
        "total": fields.Integer(),
        "next": fields.String(allow_none=True, metadata={"description": "Cursor of the next page, or null."}),
    })
