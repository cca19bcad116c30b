"""Malformed certificates are refused with a typed reason, never a traceback (issue 12, 4).

The finding: a copy of a demo certificate with a duplicated extension made ``cert check``
print a traceback (parsing an extension raised before any signature was checked). Then a
hypothesis fuzz over mutated certificates through validation and ``cert check``, with pyca's
verifier judging the same bytes beside ours for the counts.
"""

from __future__ import annotations

import collections
import warnings
from datetime import UTC, datetime
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.verification import PolicyBuilder, Store
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluator_app.cli.main import main
from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.pki.reasons import ReasonCode
from evaluator_app.pki.trust_list import TrustList
from evaluator_app.pki.validation import RevocationPolicy, validate_certificate
from tests.x509_mutations import apply, byte_mutations, resign, structural

EXAMPLES = 150


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def duplicated_extension(demo_pki: DemoPki, *, self_signed: bool) -> bytes:
    """expert-nca-1's certificate (an ECDSA CA's) with its key usage twice, signed by itself or
    by its CA."""
    person = demo_pki.person("expert-nca-1")
    tbs = asn1_x509.Certificate.load(_der(person.load_cert()))["tbs_certificate"]
    mutate = dict(structural(b""))["duplicate key usage"]
    key = person.load_key() if self_signed else demo_pki.ca("nca").load_key()
    return resign(mutate(tbs), key)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def offline(demo_pki: DemoPki) -> RevocationPolicy:
    return RevocationPolicy.offline(crls=[c for ca in demo_pki.cas for c in ca.crls()])


@pytest.mark.parametrize("self_signed", [True, False])
def test_duplicated_extension_is_a_typed_refusal(
    demo_pki: DemoPki, trust_list: TrustList, offline: RevocationPolicy, self_signed: bool
) -> None:
    der = duplicated_extension(demo_pki, self_signed=self_signed)
    result = validate_certificate(der, "auth", trust_list, revocation=offline)
    assert not result.ok and result.codes == (ReasonCode.MALFORMED,)
    assert result.reasons[0].message_en == "malformed certificate: duplicate extension 2.5.29.15"
    assert result.reasons[0].message_zh == "证书格式错误：duplicate extension 2.5.29.15"


def test_cert_check_prints_one_line_and_exits_1(
    demo_pki: DemoPki, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dup.der"
    path.write_bytes(duplicated_extension(demo_pki, self_signed=True))
    assert main(["cert", "check", str(path), "--demo", str(demo_pki.root)]) == 1
    out = capsys.readouterr()
    assert out.err == "" and out.out.count("\n") == 1
    assert "[malformed]" in out.out and "duplicate extension 2.5.29.15" in out.out


def _pyca_accepts(der: bytes, demo_pki: DemoPki) -> bool:
    try:
        ca = demo_pki.ca("nca")
        with warnings.catch_warnings():  # pyca warns about a zero or negative serial number
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            leaf = x509.load_der_x509_certificate(der)
        verifier = (
            PolicyBuilder()
            .store(Store([ca.load_root()]))
            .time(datetime.now(UTC))
            .build_client_verifier()
        )
        verifier.verify(leaf, [ca.load_cert()])
    except Exception:
        return False
    return True


def test_fuzzed_certificates_never_crash_validation(
    demo_pki: DemoPki,
    trust_list: TrustList,
    offline: RevocationPolicy,
    capsys: pytest.CaptureFixture[str],
) -> None:
    person = demo_pki.person("expert-nca-1")
    original = _der(person.load_cert())
    tbs = asn1_x509.Certificate.load(original)["tbs_certificate"]
    ca_key = demo_pki.ca("nca").load_key()
    damaged = [resign(change(tbs), ca_key) for _, change in structural(original)]  # type: ignore[arg-type]
    tally: collections.Counter[str] = collections.Counter()
    accepted: list[bytes] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        base=st.sampled_from([original, *damaged]), edits=st.one_of(st.just([]), byte_mutations())
    )
    def judge(base: bytes, edits: list[tuple[str, int, int]]) -> None:
        der = apply(base, edits)
        if der == original:
            return
        result = validate_certificate(der, "auth", trust_list, revocation=offline)  # never raises
        tally["inputs"] += 1
        if result.ok:
            accepted.append(der)
        else:
            assert result.reasons and all(r.message_zh and r.message_en for r in result.reasons)
            tally[result.reasons[0].code.value] += 1
        tally["pyca accepts" if _pyca_accepts(der, demo_pki) else "pyca refuses"] += 1

    judge()
    with capsys.disabled():
        reasons = ", ".join(
            f"{code} {n}" for code, n in tally.most_common() if code not in ("inputs",)
        )
        print(f"\nfuzz, certificates through validation: {tally['inputs']} inputs, 0 tracebacks, "
              f"{len(accepted)} accepted; {reasons}")  # fmt: skip
    # a changed certificate keeps no valid CA signature: nothing may be accepted
    assert not accepted


def test_fuzzed_certificates_through_cert_check(
    demo_pki: DemoPki, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = _der(demo_pki.person("expert-nca-1").load_cert())
    nca = demo_pki.ca("nca")
    crls = ["--crl", str(nca.crl), "--crl", str(nca.root_crl)]
    codes: collections.Counter[int] = collections.Counter()

    @settings(max_examples=40, deadline=None, database=None)
    @given(edits=byte_mutations(), pem=st.booleans())
    def check(edits: list[tuple[str, int, int]], pem: bool) -> None:
        der = apply(original, edits)
        if der == original:
            return
        data = der
        if pem:
            import base64

            data = b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(der)
            data += b"-----END CERTIFICATE-----\n"
        path = tmp_path / "fuzzed.pem"
        path.write_bytes(data)
        code = main(["cert", "check", str(path), "--demo", str(demo_pki.root), *crls])
        out = capsys.readouterr()
        assert code == 1 and out.err == "" and out.out.count("\n") == 1, out
        codes[code] += 1

    check()
    with capsys.disabled():
        print(f"\nfuzz, certificates through cert check: {sum(codes.values())} runs, exit 1 each, "
              "one line each, 0 tracebacks")  # fmt: skip
