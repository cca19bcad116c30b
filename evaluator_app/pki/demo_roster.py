"""Who the demo PKI holds: its CAs, people, venues and workstations (built by :mod:`demo_build`).

The ID numbers are fake, obviously not real people's. ``docs/pki-layout.md`` describes the
directory these become.
"""

from __future__ import annotations

# GM/T 0015 OID for the holder's identity number, used by "NCA" in a SAN otherName.
OID_ID_NUMBER = "1.2.156.10260.4.1.1"
OID_UID = "0.9.2342.19200300.100.1.1"  # LDAP uid, used by the withdrawn CA as a subject attribute

# id, name, status, identity rule, services
CA_SPECS: list[tuple[str, str, str, dict[str, str], list[str]]] = [
    (
        "sdca",
        "山东省数字证书认证中心 SDCA",
        "granted",
        {"kind": "subject-serial-number"},
        ["auth", "sign"],
    ),
    (
        "nca",
        "国家数字证书 NCA",
        "granted",
        {"kind": "san-other-name", "oid": OID_ID_NUMBER},
        ["auth", "sign", "timestamp"],
    ),
    (
        "rogue",
        "未认可测试CA Rogue CA",
        "unrecognised",
        {"kind": "subject-serial-number"},
        ["auth", "sign"],
    ),
    (
        "oldca",
        "已撤销互认CA OldCA",
        "withdrawn",
        {"kind": "subject-attribute", "oid": OID_UID},
        ["auth", "sign"],
    ),
]

# id, name, role, ca, status, person_id (fake ID numbers: obviously not real people)
PEOPLE: list[tuple[str, str, str, str, str, str]] = [
    ("expert-sd-1", "张伟", "expert", "sdca", "valid", "370000199001010011"),
    ("expert-sd-2", "李娜", "expert", "sdca", "valid", "370000199001010022"),
    ("expert-sd-3", "王芳", "expert", "sdca", "valid", "370000199001010033"),
    ("expert-nca-1", "刘洋", "expert", "nca", "valid", "370000199001010044"),
    ("expert-nca-2", "杨帆", "expert", "nca", "valid", "370000199001010055"),
    ("expert-nca-3", "黄磊", "expert", "nca", "valid", "370000199001010066"),
    # one person, two certificates from two CAs, identifier in different fields
    ("expert-dual-sd", "孙丽", "expert", "sdca", "valid", "370000199001010077"),
    ("expert-dual-nca", "孙丽", "expert", "nca", "valid", "370000199001010077"),
    ("supervisor-jinan", "赵敏", "supervisor", "sdca", "valid", "370000199001010088"),
    ("supervisor-zibo", "周杰", "supervisor", "nca", "valid", "370000199001010099"),
    ("centre-1", "陈静", "centre", "sdca", "valid", "370000199001010100"),
    ("expert-expired", "吴昊", "expert", "sdca", "expired", "370000199001010111"),
    ("expert-revoked", "郑凯", "expert", "nca", "revoked", "370000199001010122"),
    ("expert-wrong-ku", "冯雪", "expert", "sdca", "wrong-key-usage", "370000199001010133"),
    ("expert-rogue", "钱多", "expert", "rogue", "valid", "370000199001010144"),
    ("expert-old", "何平", "expert", "oldca", "valid", "370000199001010155"),
]

# SDCA's hierarchy is SM2 (GM/T 0015), as the real one's is: its people log in and sign with SM2
# (one of them on the software SKF key, see demo/world.py). NCA stays ECDSA P-256, so a
# committee mixes both. Machine certificates (venue TLS, workstations, the TSA) come from NCA:
# Python's TLS cannot use an SM2 certificate (TLCP is out of scope, docs/guomi.md).
SM2_CAS = frozenset({"sdca"})

VENUES = [("jinan", "济南", "nca", 8443), ("zibo", "淄博", "nca", 8444)]
WORKSTATIONS = [("ws-jinan-01", "nca"), ("ws-jinan-02", "nca"), ("ws-zibo-01", "nca")]
