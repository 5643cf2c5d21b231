"""Clean imported text: rich-text HTML to plain paragraphs (with markdownify), entities decoded, safe repairs noted."""

from __future__ import annotations

import html
import re
from functools import lru_cache

from markdownify import MarkdownConverter

INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")
BARE_DOMAIN = re.compile(r"^(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?:[/?#]\S*)?$")
EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


class _PlainText(MarkdownConverter):
    """Markdown conversion kept to what reads as plain text: paragraphs, '- ' list items, 'text (address)' links."""

    def convert_a(self, el, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        href = (el.get("href") or "").strip()
        text = (text or "").strip()
        if not href.startswith(("http://", "https://", "mailto:")) or href.removeprefix("mailto:") in text:
            return text
        return f"{text} ({href.removeprefix('mailto:')})" if text else href.removeprefix("mailto:")

    def convert_b(self, el, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        return text

    convert_strong = convert_em = convert_i = convert_u = convert_code = convert_b

    def convert_img(self, el, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        return el.get("alt") or ""

    def convert_hN(self, n, el, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201, N802
        return f"\n\n{text.strip()}\n\n"


_CONVERTER = _PlainText(bullets="-", escape_asterisks=False, escape_underscores=False, escape_misc=False)


def _decode(text: str) -> str:
    """Entities decoded, including double-escaped ones such as &amp;amp; that rich-text editors leave."""
    for _ in range(3):
        if not ENTITY.search(text):
            break
        text = html.unescape(text)
    return text


@lru_cache(maxsize=4096)  # feeds repeat texts (an organisation's description under each of its services)
def clean_text(value: str) -> str:
    """Plain text from rich-text HTML: paragraphs split by a blank line, no markup, no empty paragraphs."""
    text = _decode(value) if not TAG.search(value) else value
    if TAG.search(text):
        text = _decode(_CONVERTER.convert(text))
    text = INVISIBLE.sub("", text.replace("\u00a0", " ").replace("\r\n", "\n").replace("\r", "\n"))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    paragraphs, current = [], []
    for line in lines + [""]:
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    return "\n\n".join(paragraphs)


def clean_line(value: str) -> str:
    """clean_text on one line (names, summaries, notes that must not break across lines)."""
    return " ".join(clean_text(value).split())


def repair_website(value: str) -> tuple[str, str]:
    """(address, what was repaired): https:// added to a bare domain such as www.example.org, spaces trimmed."""
    text = INVISIBLE.sub("", value).strip()
    if text.lower().startswith(("http://", "https://")):
        return text, "" if text == value else "invisible characters or spaces trimmed"
    if BARE_DOMAIN.match(text):
        return f"https://{text}", f"https:// added to '{text}'"
    return value, ""


def repair_email(value: str) -> tuple[str, str]:
    """(address, what was repaired): invisible characters, spaces, 'mailto:' and trailing dots trimmed."""
    text = INVISIBLE.sub("", value).strip().removeprefix("mailto:").strip().rstrip(".")
    if text != value and EMAIL.match(text):
        return text, f"'{value.encode('unicode_escape').decode()}' trimmed to '{text}'"
    return value, ""


def repair_phone(value: str) -> tuple[str, str]:
    """(number, what was repaired): invisible characters trimmed and spaces made single."""
    text = " ".join(INVISIBLE.sub("", value).split())
    return text, ("spaces or invisible characters trimmed" if text != value.strip() else "")
