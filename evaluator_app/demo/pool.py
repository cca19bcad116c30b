"""Generated expert pools: the demo's provincial pool, and large ones for tests and benchmarks.

Everything is generated at run time from a seeded ``random.Random`` (the benchmark and tests
want the same pool each run); nothing here is a real person.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from evaluator_app.core.draw.model import PoolExpert, Status
from evaluator_app.core.draw.pool import identity_hash
from evaluator_app.core.draw.record import Person

# 评标专业 codes of the demo (after the national classification's style; demo codes only)
SPECIALTIES: tuple[tuple[str, str], ...] = (
    ("A010101", "房屋建筑工程施工"),
    ("A010102", "建筑电气与智能化"),
    ("A010103", "建筑工程造价"),
    ("A010104", "钢结构工程"),
    ("A010105", "建筑装饰装修"),
    ("A010201", "市政道路工程"),
    ("A010202", "市政给排水工程"),
    ("A010203", "园林绿化工程"),
    ("A010301", "公路工程施工"),
    ("A010302", "桥梁隧道工程"),
    ("A010401", "水利水电工程"),
    ("A010402", "河道治理工程"),
    ("A010501", "工程监理"),
    ("A010502", "工程勘察设计"),
    ("B010101", "医疗设备采购"),
    ("B010102", "信息化系统集成"),
    ("B010103", "办公设备采购"),
    ("B010201", "物业管理服务"),
    ("B010202", "国企阳光采购"),
    ("C010101", "交通工程机电"),
)
CITIES = ("济南", "淄博", "青岛", "潍坊", "临沂", "泰安", "烟台", "济宁")
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余"
    "于杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞辉建国志宏海燕新春晓东亮斌波宇浩凯"
)
_KINDS = (
    "建设集团有限公司",
    "建筑设计研究院",
    "工程咨询有限公司",
    "大学",
    "市政工程有限公司",
    "造价咨询事务所",
)
_TRADES = (
    "鲁信",
    "华建",
    "齐鲁",
    "泰山",
    "黄河",
    "海岳",
    "东方",
    "鸿达",
    "中联",
    "诚信",
    "圣元",
    "金桥",
)


@dataclass(frozen=True)
class PoolEntry:
    expert: PoolExpert
    person: Person
    name: str


def employers_of(city: str, count: int) -> list[str]:
    return [
        f"{city}{_TRADES[i % len(_TRADES)]}{_KINDS[i % len(_KINDS)]}{'' if i < 12 else i}"
        for i in range(count)
    ]


def synthetic_pool(
    count: int,
    seed: int = 2026,
    *,
    specialties: int = len(SPECIALTIES),
    cities: tuple[str, ...] = CITIES,
    employers_per_city: int = 40,
    start: int = 1,
    today: str = "2026-04-10",
) -> list[PoolEntry]:
    """``count`` experts with one to three specialties, a city and employer, and a few of each
    status and recent draw, numbered E000001…; the same ``seed`` gives the same pool."""
    rng = random.Random(seed)
    codes = [code for code, _ in SPECIALTIES[:specialties]]
    employers = {city: employers_of(city, employers_per_city) for city in cities}
    entries = []
    for n in range(start, start + count):
        pool_id = f"E{n:06d}"
        city = rng.choice(cities)
        name = rng.choice(_SURNAMES) + "".join(
            rng.choice(_GIVEN) for _ in range(rng.choice((1, 2)))
        )
        person_id = f"37{rng.randrange(10**15, 10**16)}"
        salt = f"{rng.getrandbits(128):032x}"
        roll = rng.random()
        status, until = Status.ACTIVE, None
        if roll < 0.02:
            status = Status.RETIRED
        elif roll < 0.05:
            status, until = Status.SUSPENDED, f"2026-{rng.randrange(1, 13):02d}-15"
        last = (
            f"2026-0{rng.randrange(1, 5)}-{rng.randrange(1, 29):02d}"
            if rng.random() < 0.1
            else None
        )
        if last is not None and last > today:
            last = None
        expert = PoolExpert(
            pool_id,
            tuple(sorted(set(rng.sample(codes, rng.choice((1, 1, 2, 3)))))),
            city,
            rng.choice(employers[city]),
            status,
            until,
            last,
            (),
            (),
            identity_hash(name, person_id, salt),
        )
        entries.append(PoolEntry(expert, Person(pool_id, name, person_id, salt), name))
    return entries
