#!/usr/bin/env python3
"""Add entries to resources/translations/zh_CN.json:

python tools/add_translations.py 'English=中文' ...
"""

import json
import sys
from pathlib import Path

PATH = Path(__file__).resolve().parent.parent / "resources" / "translations" / "zh_CN.json"
data = json.loads(PATH.read_text("utf-8"))
for pair in sys.argv[1:]:
    source, _, target = pair.partition("=")
    data[source] = target
PATH.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")
print(f"{len(data)} entries")
