"""The expert draw (专家抽取): a deterministic function of the pool snapshot, request and seed.

Pure: no I/O, no clock. Anyone holding the snapshot, the request and the revealed secrets
recomputes the same result. The steps and their exact derivations are documented where they
are made:

- :mod:`.pool` — the snapshot and its hash;
- :mod:`.drbg` — commitments, the seed from the reveals, the random stream, rejection sampling;
- :mod:`.select` — eligibility by rule and the Fisher–Yates walk that draws principals and
  reserves;
- :mod:`.seats` — the seat plan; :mod:`.replace` — replacements from the reserves;
- :mod:`.record` — the record's body; :mod:`.request_json` — the request's JSON body, checked.
"""

from evaluator_app.core.draw.model import ALGORITHM

__all__ = ["ALGORITHM"]
