"""Which characters loaded text may hold, decided once at the loader for records, vocabularies and settings.

A file may hold printable text, tabs and new lines (LF, or CRLF: YAML reads CRLF as one line
break). Refused anywhere in a file or value, because tools downstream disagree on what they mean:
C0 and C1 control characters and DEL (terminal escapes, invisible text), a carriage return not
followed by a line feed (YAML, CSV readers and spreadsheets start a new line or row there, so line
numbers and rows shift), NEL, the line and paragraph separators U+2028 and U+2029 (line breaks to
YAML and JavaScript, invisible in most editors), lone surrogates (from escapes such as "\\ud800";
they cannot be written as UTF-8) and the non-characters U+FFFE and U+FFFF. Whether a field may hold
a new line at all is the schema's to say (see structure.py: only fields marked multiline may).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# In the text of a file: CRLF is a line break, so only a CR without LF is refused.
IN_FILE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]|\r(?!\n)")
# In a value or key as YAML gives it (line breaks already made LF): any CR came from the file or an escape.
IN_VALUE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")

NAMES = {
    "\r": "a carriage return (CR)",
    "\x85": "a next-line character (NEL, U+0085)",
    "\u2028": "a line separator (U+2028)",
    "\u2029": "a paragraph separator (U+2029)",
    "\x1b": "an escape character (ESC, U+001B)",
}


def describe(char: str, in_file: bool = False) -> str:
    """The character named for a volunteer, with its code point."""
    if char == "\r" and in_file:
        return NAMES[char] + " without a line feed"
    if char in NAMES:
        return NAMES[char]
    if "\ud800" <= char <= "\udfff":
        return f"half of a character (a lone surrogate, U+{ord(char):04X})"
    if char in "\ufffe\uffff":
        return f"a non-character (U+{ord(char):04X})"
    return f"a control character (U+{ord(char):04X})"


def hint(char: str, in_file: bool) -> str:
    """How to get rid of the character."""
    if char == "\r" and in_file:
        return "Save the file with ordinary line endings (LF, or CRLF on Windows); editors set this in the status bar."
    if not in_file:
        return "Remove the escape (such as \\r, \\x1b, \\u2028 or \\N) from the quoted text."
    return "Delete it: it is invisible in most editors, so retype the text around it if unsure."


def in_file(text: str) -> Iterator[tuple[int, str]]:
    """(offset, character) of every character a file may not hold."""
    if not IN_VALUE.search(text):  # nearly every file: one character class (with every CR) is quicker to rule out
        return
    for match in IN_FILE.finditer(text):
        yield match.start(), match.group()


def in_value(value: str) -> str:
    """The first character a value may not hold, or empty when it is clean."""
    match = IN_VALUE.search(value)
    return match.group() if match else ""


def blanked(text: str, stand_in: str = " ") -> str:
    """The text with every refused character replaced by stand_in, so that offsets and line numbers stay put."""
    return IN_FILE.sub(stand_in, text)
