"""The GUI self-test: the demo's whole session played through the real windows (Qt lives in
``ui/``, so this is here and not in ``demo/``)."""
