"""Every route of the site, read from the URL resolver (recursively), with its parameters; and a URL built from a
route's pattern and chosen values. Used by the access probe and the bad-input sweep."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # with its namespaces ("casework:dossier"); several routes may share one (api:claim_transition)
    pattern: str  # the patterns of the resolvers above it joined: regex and path syntax mixed
    defaults: tuple  # default_args, sorted items
    callback: object

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(re.findall(r"\(\?P<(\w+)>", self.pattern) + re.findall(r"<(?:\w+:)?(\w+)>", self.pattern))

    @property
    def label(self) -> str:
        extra = ",".join(f"{k}={v}" for k, v in self.defaults)
        return f"{self.name}[{extra}]" if extra else self.name


def all_routes() -> list[Route]:
    def walk(resolver, prefix: str, namespace: str):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = ":".join(n for n in (namespace, entry.namespace) if n)
                yield from walk(entry, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                name = ":".join(n for n in (namespace, entry.name or "") if n)
                yield Route(name, prefix + str(entry.pattern), tuple(sorted(entry.default_args.items())),
                            entry.callback)

    return list(walk(get_resolver(), "", ""))


def _group_end(pattern: str, start: int) -> int:
    """Index just past the parenthesised group that opens at `start`."""
    depth = 0
    index = start
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    raise ValueError(f"unbalanced group in {pattern}")


def build_url(route: Route, values: dict[str, object]) -> str:
    """The path of `route` with each parameter replaced by values[name] (as text)."""
    pattern = route.pattern
    out = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("(?P<", index):
            name = pattern[index + 4:pattern.index(">", index)]
            out.append(str(values[name]))
            index = _group_end(pattern, index)
        elif pattern[index] == "<":
            end = pattern.index(">", index)
            name = pattern[index + 1:end].split(":")[-1]
            out.append(str(values[name]))
            index = end + 1
        elif pattern[index] in "^$":
            index += 1
        elif pattern[index] == "\\":
            out.append(pattern[index + 1])
            index += 2
        else:
            if pattern[index] in "()[]|?*+{}":
                raise ValueError(f"cannot build {route.pattern}")
            out.append(pattern[index])
            index += 1
    return "/" + "".join(out)
