"""``evaluator verify --explain``: the OpenSSL 3 commands that check an SM2 CMS by hand.

``openssl cms -verify`` cannot set the SM2 signer ID, so this spells the check out step by
step with commands anyone can run: take the signer's certificate and the signed attributes
out of the ``.p7s`` with ``asn1parse``, check the SM2 signature over the attributes with
``dgst -sm3 -sigopt distid:…``, compare the messageDigest with ``dgst -sm3`` of the file, and
check each link of the chain with ``verify -vfyopt distid:…``. The CA certificates (from the
trust list, or from the signature) are written beside as PEM; everything else comes out of
the signature with openssl itself. Revocation is not part of it (the app's verdict is).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import cms as asn1_cms
from asn1crypto import x509 as asn1_x509

from evaluator_app.pki import sm2
from evaluator_app.pki.errors import SignatureError


@dataclass(frozen=True)
class Step:
    title_zh: str
    title_en: str
    command: str
    expect: str  # what a good signature prints


@dataclass(frozen=True)
class Explanation:
    workdir: Path
    steps: tuple[Step, ...]

    def text(self) -> str:
        lines = [
            f"# 在 {self.workdir} 中运行 / run in {self.workdir}",
            f"cd {shlex.quote(str(self.workdir))}",
        ]
        for i, s in enumerate(self.steps, 1):
            lines += ["", f"# {i}. {s.title_zh} / {s.title_en}", f"#    expect: {s.expect}"]
            lines.append(s.command)
        return "\n".join(lines)


def _pem(cert: asn1_x509.Certificate) -> bytes:
    from base64 import b64encode

    body = b64encode(cert.dump())
    rows = b"\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return b"-----BEGIN CERTIFICATE-----\n" + rows + b"\n-----END CERTIFICATE-----\n"


def _issuer_of(
    cert: asn1_x509.Certificate, pool: list[asn1_x509.Certificate]
) -> asn1_x509.Certificate | None:
    for c in pool:
        if c.subject == cert.issuer and c.dump() != cert.dump():
            aki, ski = cert.authority_key_identifier, c.key_identifier
            if aki is None or ski is None or aki == ski:
                return c
    return None


def explain(
    data_path: Path,
    p7s_path: Path,
    ca_certificates: list[asn1_x509.Certificate],
    signer_ids: dict[bytes, str] | None = None,
    workdir: Path | None = None,
) -> Explanation:
    """Write the CA certificates into ``workdir`` (default FILE.explain/) and return the steps.

    ``signer_ids`` maps a CA certificate (DER) to the ID it signs with (default GM/T 0009)."""
    p7 = p7s_path.read_bytes()
    si, embedded, signer = _sm2_signer(p7)
    workdir = workdir or data_path.with_name(data_path.name + ".explain")
    workdir.mkdir(parents=True, exist_ok=True)
    steps = _signature_steps(p7, si, signer, p7s_path, data_path)
    steps += _chain_steps(signer, [*ca_certificates, *embedded], signer_ids or {}, workdir)
    return Explanation(workdir, tuple(steps))


def _sm2_signer(
    p7: bytes,
) -> tuple[asn1_cms.SignerInfo, list[asn1_x509.Certificate], asn1_x509.Certificate]:
    """The signer info of an SM2 CMS, the certificates it embeds and the signer's among them."""
    try:
        sd = asn1_cms.ContentInfo.load(p7)["content"]
        si = sd["signer_infos"][0]
        embedded = [c.chosen for c in sd["certificates"] if c.name == "certificate"]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise SignatureError(f"not a CMS signature: {exc}", "不是 CMS 签名文件") from exc
    if not sm2.is_sm2_signature(si["signature_algorithm"]):
        raise SignatureError(
            "--explain is for SM2 signatures (openssl cms -verify checks the others)",
            "--explain 只用于 SM2 签名（其他签名可直接用 openssl cms -verify 验证）",
        )
    sid = si["sid"]
    signer = next(
        (c for c in embedded if sid.name == "issuer_and_serial_number"
         and c.serial_number == sid.chosen["serial_number"].native),
        None,
    )  # fmt: skip
    if signer is None:
        raise SignatureError(
            "the signer's certificate is not in the signature", "签名中没有签名者证书"
        )
    return si, embedded, signer


def _signature_steps(
    p7: bytes,
    si: asn1_cms.SignerInfo,
    signer: asn1_x509.Certificate,
    p7s_path: Path,
    data_path: Path,
) -> list[Step]:
    """The signer's key, the signed attributes and the signature out of the CMS, then checked."""
    default_id = sm2.DEFAULT_ID.decode()
    p7s = shlex.quote(str(p7s_path.resolve()))
    data = shlex.quote(str(data_path.resolve()))
    at_cert = p7.find(signer.dump())
    at_attrs = p7.find(si["signed_attrs"].dump())
    at_sig = p7.find(si["signature"].dump())
    return [
        Step(
            "从签名中取出签名者证书及其公钥",
            "the signer's certificate and public key, out of the signature",
            f"openssl asn1parse -inform DER -in {p7s} -strparse {at_cert} -noout -out signer.der"
            " && openssl x509 -inform DER -in signer.der -noout -subject"
            " && openssl x509 -inform DER -in signer.der -noout -pubkey -out signer.pub",
            "the signer's subject (the public key goes to signer.pub)",
        ),
        Step(
            "取出被签名的属性（签名针对其 SET OF 编码：把标签 [0] 换成 SET）",
            "the signed attributes (signed as a SET OF: the [0] tag becomes SET)",
            f"openssl asn1parse -inform DER -in {p7s} -strparse {at_attrs} -noout -out attrs.a0"
            " && { printf '\\061'; tail -c +2 attrs.a0; } > attrs.der",
            "nothing (attrs.der written)",
        ),
        Step(
            "取出 SM2 签名值",
            "the SM2 signature value",
            f"openssl asn1parse -inform DER -in {p7s} -strparse {at_sig} -noout -out sig.der",
            "nothing (sig.der written)",
        ),
        Step(
            f"用签名者公钥验证属性上的 SM2 签名（签名者标识 {default_id}）",
            f"the SM2 signature over the attributes, with the signer ID {default_id}",
            "openssl dgst -sm3 -verify signer.pub -sigopt"
            f" distid:{default_id} -signature sig.der attrs.der",
            "Verified OK",
        ),
        Step(
            "属性中的 messageDigest 与文件的 SM3 摘要相同",
            "the messageDigest attribute equals the SM3 digest of the file",
            "openssl asn1parse -inform DER -in attrs.der | grep -A2 ':messageDigest' |"
            " grep -o 'HEX DUMP.*' ; openssl dgst -sm3 -r " + data,
            "the same hex twice (upper and lower case)",
        ),
    ]


def _chain_steps(
    signer: asn1_x509.Certificate,
    pool: list[asn1_x509.Certificate],
    ids: dict[bytes, str],
    workdir: Path,
) -> list[Step]:
    """Each link of the chain from the signer up, its CA written into ``workdir``; the root's
    own signature last."""
    default_id = sm2.DEFAULT_ID.decode()
    steps: list[Step] = []
    child, child_file, n = signer, "signer.der", 0
    while True:
        issuer = _issuer_of(child, pool)
        if issuer is None:
            break
        n += 1
        name = f"ca-{n}.pem"
        (workdir / name).write_bytes(_pem(issuer))
        issuer_id = ids.get(issuer.dump(), default_id)
        inform = "-inform DER " if child_file.endswith(".der") else ""
        cmd = (
            f"openssl x509 {inform}-in {child_file} -out link-{n}.pem && "
            f"openssl verify -partial_chain -vfyopt distid:{issuer_id} -CAfile {name} link-{n}.pem"
        )
        steps.append(
            Step(
                f"证书链第 {n} 环：{issuer.subject.human_friendly} 签发（标识 {issuer_id}）",
                f"chain link {n}: signed by {issuer.subject.human_friendly} (ID {issuer_id})",
                cmd,
                f"link-{n}.pem: OK",
            )
        )
        if issuer.self_signed == "maybe" or issuer.subject == issuer.issuer:
            root_id = ids.get(issuer.dump(), default_id)
            steps.append(
                Step(
                    "根证书的自签名",
                    "the root's own signature",
                    f"openssl verify -vfyopt distid:{root_id} -CAfile {name} {name}",
                    f"{name}: OK",
                )
            )
            break
        child, child_file = issuer, name
    return steps
