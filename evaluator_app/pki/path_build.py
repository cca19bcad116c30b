"""Build and check a certification path from an end entity to a trust anchor.

Candidates are tried depth first (the issuer whose key identifier matches first), every
link's signature checked in :func:`check_signature` — the one place a certificate, a CRL or
an OCSP answer is checked against its issuer's key; the algorithm itself is dispatched by
``pki.sig_check``. A budget of signature checks and a depth limit bound the work, so a crafted
bundle of intermediates costs milliseconds, not minutes. A path that reaches an anchor is then
judged whole (:func:`check_path`): every certificate's profile, path lengths, name constraints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from asn1crypto import algos as asn1_algos
from asn1crypto import keys as asn1_keys
from cryptography.x509.oid import ExtensionOID

from evaluator_app.pki import sm2
from evaluator_app.pki.algorithms import signature_problem
from evaluator_app.pki.cert_parse import Cert
from evaluator_app.pki.names import Constraints, NameConstraintError, matches_host, subject_names
from evaluator_app.pki.path_checks import (
    PathPolicy,
    check_ca,
    check_end_entity,
    check_extensions,
    check_intermediate_eku,
    check_validity,
)
from evaluator_app.pki.reasons import Reason, ReasonCode
from evaluator_app.pki.sig_check import DEFAULT_CHECKER, SignatureChecker, verified_once

MAX_SIGNATURE_CHECKS = 64
MAX_PATH_CERTIFICATES = 12  # end entity + CAs + anchor, self-issued ones included


def check_signature(
    signature: bytes,
    signed: bytes,
    algorithm: asn1_algos.SignedDigestAlgorithm,
    key: asn1_keys.PublicKeyInfo,
    checker: SignatureChecker = DEFAULT_CHECKER,
) -> Reason | None:
    """None if ``signature`` over ``signed`` verifies under ``key``, else why not."""
    problem = signature_problem(algorithm, key)
    if problem:
        return Reason(ReasonCode.UNSUPPORTED_KEY, detail=problem)
    try:
        checker.validate_signature(signature, signed, key, algorithm)
    except sm2.SM2UnavailableError:  # not a bad signature: this machine cannot check it
        return Reason(ReasonCode.SM2_UNAVAILABLE)
    except Exception as exc:
        return Reason(ReasonCode.BAD_SIGNATURE, detail=type(exc).__name__)
    return None


def issued_by(child: Cert, issuer: Cert, checker: SignatureChecker) -> Reason | None:
    return verified_once(
        child.fingerprint,
        issuer.spki_der,
        checker,
        lambda: check_signature(
            child.signature, child.tbs, child.signature_algorithm, issuer.spki, checker
        ),
    )


@dataclass(frozen=True)
class PathOutcome:
    path: tuple[Cert, ...]  # end entity first, anchor last; empty when none was found
    reason: Reason | None

    @property
    def ok(self) -> bool:
        return self.reason is None and bool(self.path)


@dataclass
class _Search:
    anchors: Sequence[Cert]
    intermediates: Sequence[Cert]
    at: datetime
    policy: PathPolicy
    checker: SignatureChecker
    signatures: int = 0
    found: Reason | None = None  # the refusal of the first path that reached an anchor
    link: Reason | None = None  # the first broken link on the way
    over_budget: bool = False
    _verified: dict[tuple[bytes, bytes], Reason | None] = field(default_factory=dict)

    def candidates(self, cert: Cert, chain: Sequence[Cert]) -> list[tuple[Cert, bool]]:
        used = {c.fingerprint for c in chain}
        logical = {(c.subject, c.spki_der) for c in chain}
        aki = cert.aki.key_id if cert.aki else None
        out: list[tuple[Cert, bool]] = []
        for pool, is_anchor in ((self.anchors, True), (self.intermediates, False)):
            for cand in pool:
                if cand.subject != cert.issuer or cand.fingerprint in used:
                    continue
                if not is_anchor and (cand.subject, cand.spki_der) in logical:
                    continue  # the same CA again: a cycle
                out.append((cand, is_anchor))
        # issuers whose key identifier matches first, anchors before intermediates
        out.sort(key=lambda c: (not (aki is not None and c[0].ski == aki), not c[1]))
        return out

    def linked(self, child: Cert, issuer: Cert) -> bool:
        key = (child.fingerprint, issuer.fingerprint)
        if key not in self._verified:
            if self.signatures >= MAX_SIGNATURE_CHECKS:
                self.over_budget = True
                return False
            self.signatures += 1
            self._verified[key] = issued_by(child, issuer, self.checker)
        reason = self._verified[key]
        if reason is not None and self.link is None:
            self.link = reason
        return reason is None

    def extend(self, chain: list[Cert]) -> tuple[Cert, ...] | None:
        if self.over_budget:
            return None
        for cand, is_anchor in self.candidates(chain[-1], chain):
            if not self.linked(chain[-1], cand):
                if self.over_budget:
                    return None
                continue
            path = [*chain, cand]
            if is_anchor:
                reason = check_path(path, self.at, self.policy)
                if reason is None:
                    return tuple(path)
                if self.found is None:
                    self.found = reason
                continue
            depth = sum(1 for c in path[1:] if not c.self_issued)
            if depth > self.policy.max_intermediates or len(path) >= MAX_PATH_CERTIFICATES:
                if self.found is None:
                    self.found = Reason(ReasonCode.PATH_LENGTH)
                continue
            done = self.extend(path)
            if done is not None:
                return done
        return None


def build_path(
    leaf: Cert,
    anchors: Sequence[Cert],
    intermediates: Sequence[Cert],
    at: datetime,
    policy: PathPolicy,
    checker: SignatureChecker = DEFAULT_CHECKER,
) -> PathOutcome:
    """The first valid path for ``leaf``, or the reason none is (never raises for bad input)."""
    early = check_leaf(leaf, at, policy)
    if early is not None:
        return PathOutcome((), early)
    search = _Search(anchors, intermediates, at, policy, checker)
    path = search.extend([leaf])
    if path is not None:
        return PathOutcome(path, None)
    if search.over_budget:
        detail = f"more than {MAX_SIGNATURE_CHECKS} signature checks while building the path"
        return PathOutcome((), Reason(ReasonCode.TOO_COMPLEX, detail=detail))
    return PathOutcome((), search.found or search.link or Reason(ReasonCode.BROKEN_CHAIN))


def check_leaf(leaf: Cert, at: datetime, policy: PathPolicy) -> Reason | None:
    """What the end entity alone decides, before any path is tried."""
    reason = check_extensions(leaf) or check_end_entity(leaf, policy) or check_validity(leaf, at)
    if (
        reason is None
        and policy.peer_name is not None
        and not matches_host(leaf.san, policy.peer_name)
    ):
        reason = Reason(ReasonCode.NAME_MISMATCH, detail=policy.peer_name)
    return reason


def check_path(path: Sequence[Cert], at: datetime, policy: PathPolicy) -> Reason | None:
    """Judge a whole path (end entity first, anchor last) from the anchor down."""
    anchor = path[-1]
    reason = check_validity(anchor, at) or check_extensions(anchor) or check_ca(anchor, anchor=True)
    if reason is not None:
        return reason
    max_length = anchor.path_length
    constraints = Constraints()
    try:
        nc = anchor.ext(ExtensionOID.NAME_CONSTRAINTS)
        if nc is not None:
            constraints.add(nc)
        for index in range(len(path) - 2, -1, -1):
            cert = path[index]
            leaf = index == 0
            if not leaf:
                reason = (
                    check_validity(cert, at)
                    or check_extensions(cert)
                    or check_ca(cert, anchor=False)
                    or check_intermediate_eku(cert, policy)
                )
                if reason is not None:
                    return reason
            if leaf or not cert.self_issued:
                constraints.check(subject_names(cert.crypto, cert.san))
            if leaf:
                break
            if not cert.self_issued and max_length is not None:
                if max_length <= 0:
                    return Reason(ReasonCode.PATH_LENGTH)
                max_length -= 1
            if cert.path_length is not None and (
                max_length is None or cert.path_length < max_length
            ):
                max_length = cert.path_length
            nc = cert.ext(ExtensionOID.NAME_CONSTRAINTS)
            if nc is not None:
                constraints.add(nc)
    except NameConstraintError as exc:
        code = ReasonCode.TOO_COMPLEX if exc.budget else ReasonCode.NAME_CONSTRAINTS
        return Reason(code, detail=exc.detail)
    return None
