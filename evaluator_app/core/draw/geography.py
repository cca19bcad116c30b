"""Road distances between the cities of the province (km, approximate), for seating experts at
the nearest venue when their own city has none or it is full. A request carries the table it
used, so a record is judged by the distances it was made with."""

from __future__ import annotations

DISTANCES: tuple[tuple[str, str, int], ...] = (
    ("济南", "淄博", 110),
    ("济南", "泰安", 70),
    ("济南", "济宁", 180),
    ("济南", "潍坊", 200),
    ("济南", "临沂", 250),
    ("济南", "青岛", 360),
    ("济南", "烟台", 400),
    ("淄博", "潍坊", 110),
    ("淄博", "泰安", 150),
    ("淄博", "临沂", 200),
    ("淄博", "青岛", 260),
    ("淄博", "济宁", 250),
    ("淄博", "烟台", 300),
)
