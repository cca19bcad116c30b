"""``python -m evaluator_app`` is the same as the ``evaluator`` command."""

import sys

from evaluator_app.cli.main import main

sys.exit(main())
