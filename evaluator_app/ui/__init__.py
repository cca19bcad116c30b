"""Windows and widgets. The only package that may import PySide6 or qasync."""

import sys


def _immortal_singletons() -> None:
    """PySide6 6.12 returns None from every void method (``setText``, ``show``, QTest's clicks,
    ``processEvents``) without taking the reference it hands back, as if None were immortal
    (it is from Python 3.12, PEP 683). On 3.11 each call takes one from None's count: a window
    open for hours, or the GUI self-test in a minute, reaches zero and the interpreter aborts
    ("Fatal Python error: none_dealloc"). Give None, True and False the count 3.12 gives them,
    out of reach; they are never deallocated in any case."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return
    # ctypes.c_ssize_t, without the 1 ms of ctypes/__init__.py at every start: Py_ssize_t is
    # the size of a pointer ("q" 64-bit, "i" 32-bit)
    import _ctypes
    import struct

    class SsizeT(_ctypes._SimpleCData):
        _type_ = "q" if struct.calcsize("P") == 8 else "i"

    for singleton in (None, True, False):
        # ob_refcnt is the first field of every CPython object; id() is the object's address
        SsizeT.from_address(id(singleton)).value += 1 << 40


_immortal_singletons()
