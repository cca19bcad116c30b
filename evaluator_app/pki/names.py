"""Names in certificates: syntax, RFC 5280 name constraints, and matching a host name.

Constraints are applied defensively: a name form this module cannot judge (URI, otherName,
x400, EDI party, registeredID) under a constraint of the same form refuses the certificate,
as RFC 5280 §4.2.1.10 allows, and a wildcard DNS name is judged by every name it could match.
A budget caps the work (constraints × names) so that a crafted chain cannot stall a venue.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cryptography import x509

from evaluator_app.pki.errors import PkiError

MAX_CHECKS = 4096  # constraint-against-name comparisons in one path

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_UNJUDGED = (
    x509.UniformResourceIdentifier,
    x509.OtherName,
    x509.RegisteredID,
)


class NameConstraintError(PkiError):
    """A name or a constraint is invalid, outside a constraint, or too costly to check."""

    def __init__(self, detail: str, *, budget: bool = False) -> None:
        self.detail = detail
        self.budget = budget
        super().__init__(detail, f"证书名称不符合约束：{detail}")


def valid_dns(name: str, *, wildcard: bool = False) -> bool:
    """An ASCII host name of LDH labels; ``wildcard`` allows a whole leftmost ``*`` label."""
    if not name or len(name) > 253 or not name.isascii():
        return False
    labels = name.lower().split(".")
    if wildcard and labels[0] == "*":
        labels = labels[1:]
        if len(labels) < 2:  # "*" or "*.com": a wildcard over a whole top-level domain
            return False
    return all(_LABEL.match(label) for label in labels)


def valid_mailbox(address: str) -> bool:
    local, at, domain = address.rpartition("@")
    return bool(at and local and "@" not in local and valid_dns(domain))


def _within(name: str, tree: str) -> bool:
    """``name`` equals ``tree`` or is a subdomain of it (both lower case, no wildcard)."""
    return not tree or name == tree or name.endswith("." + tree)


def _dns_matches(name: str, tree: str) -> tuple[bool, bool]:
    """(every name matched by ``name`` is in the subtree, some name matched by it is)."""
    name, tree = name.lower(), tree.lower()
    if name.startswith("*."):
        base = name[2:]
        inside = _within(base, tree)
        return inside, inside or tree.endswith("." + base)
    inside = _within(name, tree)
    return inside, inside


def _mail_matches(address: str, tree: str) -> bool:
    local, _, domain = address.rpartition("@")
    domain = domain.lower()
    if "@" in tree:
        t_local, _, t_domain = tree.rpartition("@")
        return local == t_local and domain == t_domain.lower()
    tree = tree.lower()
    if tree.startswith("."):
        return domain.endswith(tree)
    return domain == tree


def _dn_within(name: x509.Name, tree: x509.Name) -> bool:
    rdns, prefix = list(name.rdns), list(tree.rdns)
    return len(prefix) <= len(rdns) and rdns[: len(prefix)] == prefix


def _ip_within(address: x509.IPAddress, tree: x509.IPAddress) -> bool:
    net = tree.value
    ip = address.value
    return (
        isinstance(net, ipaddress.IPv4Network | ipaddress.IPv6Network)
        and isinstance(ip, ipaddress.IPv4Address | ipaddress.IPv6Address)
        and ip.version == net.version
        and ip in net
    )


def check_constraint_syntax(nc: x509.NameConstraints) -> None:
    """Refuse constraints that cannot mean what they say (a DNS subtree with a leading dot)."""
    for tree in [*(nc.permitted_subtrees or ()), *(nc.excluded_subtrees or ())]:
        if isinstance(tree, x509.DNSName) and tree.value and not valid_dns(tree.value):
            raise NameConstraintError(f"invalid DNS name constraint {tree.value!r}")
        if isinstance(tree, x509.RFC822Name):
            value = tree.value
            if "@" in value:
                ok = valid_mailbox(value)
            else:
                ok = valid_dns(value[1:] if value.startswith(".") else value)
            if not ok:
                raise NameConstraintError(f"invalid email name constraint {value!r}")


def subject_names(cert: x509.Certificate, san: Sequence[x509.GeneralName]) -> list[object]:
    """The names a constraint applies to: the subject DN, its emailAddress, the SAN entries."""
    names: list[object] = []
    if len(cert.subject.rdns):
        names.append(x509.DirectoryName(cert.subject))
    for attr in cert.subject.get_attributes_for_oid(x509.NameOID.EMAIL_ADDRESS):
        names.append(x509.RFC822Name(str(attr.value)))
    names.extend(san)
    return names


def check_san_syntax(san: Iterable[x509.GeneralName]) -> None:
    for name in san:
        if isinstance(name, x509.DNSName) and not valid_dns(name.value, wildcard=True):
            raise NameConstraintError(f"invalid DNS name {name.value!r} in the alternative name")
        if isinstance(name, x509.RFC822Name) and not valid_mailbox(name.value):
            raise NameConstraintError(f"invalid email address {name.value!r}")


@dataclass
class Constraints:
    """Name constraints accumulated down a path: each CA's permitted set, all exclusions."""

    permitted: list[list[x509.GeneralName]] = field(default_factory=list)
    excluded: list[x509.GeneralName] = field(default_factory=list)
    checks: int = 0

    def add(self, nc: x509.NameConstraints) -> None:
        check_constraint_syntax(nc)
        if nc.permitted_subtrees:
            self.permitted.append(list(nc.permitted_subtrees))
        self.excluded.extend(nc.excluded_subtrees or ())

    def _spend(self, n: int) -> None:
        self.checks += n
        if self.checks > MAX_CHECKS:
            raise NameConstraintError(f"more than {MAX_CHECKS} name constraint checks", budget=True)

    def check(self, names: Sequence[object]) -> None:
        if not self.permitted and not self.excluded:
            return
        for name in names:
            self._check_one(name)

    def _check_one(self, name: object) -> None:
        kind = type(name)
        for tree in self.excluded:
            self._spend(1)
            if isinstance(tree, kind) and _matches(name, tree, possibly=True):
                raise NameConstraintError(f"{_show(name)} is excluded by {_show(tree)}")
        for trees in self.permitted:
            same = [t for t in trees if isinstance(t, kind)]
            self._spend(max(len(same), 1))
            if same and not any(_matches(name, t, possibly=False) for t in same):
                within = _show(same[0])
                raise NameConstraintError(f"{_show(name)} is not within the permitted {within}")


def _matches(name: object, tree: object, *, possibly: bool) -> bool:
    """Is ``name`` inside ``tree``: for an exclusion, could it be (``possibly``)."""
    if isinstance(name, _UNJUDGED):
        raise NameConstraintError(f"cannot apply a {_kind(tree)} constraint to {_show(name)}")
    if isinstance(name, x509.DNSName) and isinstance(tree, x509.DNSName):
        every, some = _dns_matches(name.value, tree.value)
        return some if possibly else every
    if isinstance(name, x509.RFC822Name) and isinstance(tree, x509.RFC822Name):
        return _mail_matches(name.value, tree.value)
    if isinstance(name, x509.DirectoryName) and isinstance(tree, x509.DirectoryName):
        return _dn_within(name.value, tree.value)
    if isinstance(name, x509.IPAddress) and isinstance(tree, x509.IPAddress):
        return _ip_within(name, tree)
    raise NameConstraintError(f"cannot apply a {_kind(tree)} constraint to {_show(name)}")


def _kind(name: object) -> str:
    return type(name).__name__


def _show(name: object) -> str:
    value = getattr(name, "value", name)
    if isinstance(value, x509.Name):
        value = value.rfc4514_string()
    return f"{type(name).__name__}({value})"


# ------------------------------------------------------------------ host names


def _host_matches(pattern: str, host: str) -> bool:
    pattern, host = pattern.lower(), host.lower().rstrip(".")
    if not pattern.startswith("*."):
        return pattern == host
    first, _, rest = host.partition(".")
    return bool(first) and rest == pattern[2:]


def matches_host(san: Sequence[x509.GeneralName], host: str) -> bool:
    """True if a DNS or IP entry of the SAN names ``host`` (the subject CN is never used)."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    for name in san:
        if ip is not None and isinstance(name, x509.IPAddress) and name.value == ip:
            return True
        dns = ip is None and isinstance(name, x509.DNSName)
        if dns and valid_dns(name.value, wildcard=True) and _host_matches(name.value, host):
            return True
    return False
