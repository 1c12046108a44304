"""Text that is safe to print on one line: file names and other untrusted parts of messages.

A file name may hold a line break (which would forge a second message line), a terminal
escape sequence (which the terminal would obey), a bidirectional override (which reorders
what is shown) or bytes that are not UTF-8 (which cannot be printed at all).  Every
message that names a file or quotes input goes through :func:`shown` once, where it is
made.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, the Unicode line and paragraph separators, bidirectional
# marks and overrides, and lone surrogates (the bytes of a non-UTF-8 file name).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def shown(value: object) -> str:
    """``value`` as text with every control character escaped, so it prints as one line.

    >>> print(shown("a\\nskipped: forged.txt"))
    a\\nskipped: forged.txt
    >>> shown("\\x1b[31mred\\x1b[0m.txt"), shown("evil\\u202etxt.exe"), shown("北朝鮮.txt")
    ('\\\\x1b[31mred\\\\x1b[0m.txt', 'evil\\\\u202etxt.exe', '北朝鮮.txt')
    """
    return _UNSAFE.sub(_escape, str(value))


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
