"""Windows and widgets. The only package that may import PySide6 or qasync."""
