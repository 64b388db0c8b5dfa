"""The one escaping boundary: every value from ``playbook.yml`` reaches a page through one of these
functions, chosen by the context it lands in.

=====================  ===========================================================================
context                function
=====================  ===========================================================================
Markdown text          :func:`markdown_text` (one line) and :func:`markdown_lines` (line breaks kept,
                       for ``<pre>`` blocks inside the Markdown); :func:`markdown_value` for a value
                       of a prose field (:class:`Prose`), whose safe inline Markdown is kept
HTML text              :func:`html_text`
HTML attribute         :func:`html_attribute` (always inside double quotes)
URL                    :func:`url` (https, http, tel, mailto and sms only; anything else is not a link)
JavaScript data        :func:`js_data`
CSS string             :func:`css_string`
=====================  ===========================================================================

Markdown text is written with every character that Markdown, its extensions (``attr_list``'s
``{: … }``, links, emphasis, tables) or HTML would read as syntax turned into a numeric character
reference: it shows as itself and never becomes a link, tag or attribute. ``tests/test_escape.py``
proves it for arbitrary text through the site's own Markdown configuration.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

#: Characters Markdown, attr_list, tables or HTML read as syntax, written as character references.
MARKDOWN_SYNTAX = "&<>\"'[]()`*_#|\\{}!~^="
#: Syntax only at the start of a line, before a space or a dash (list items, definitions, rules):
#: written as a reference there, since a template may put a value at the start of a line.
LINE_START_SYNTAX = "-+:"
_REFERENCES = {ch: f"&#{ord(ch)};" for ch in MARKDOWN_SYNTAX + LINE_START_SYNTAX + "."}
#: Markdown takes a list marker indented by up to three spaces (a value may start with a space, or with
#: a line separator that becomes one).
_SYNTAX = re.compile("[" + re.escape(MARKDOWN_SYNTAX) + "]"
                     "|(?m:^(?P<indent> {0,3})(?P<marker>[" + re.escape(LINE_START_SYNTAX) + "])(?=\\s|-|$)"
                     "|^(?P<number> {0,3}[0-9]+)\\.(?=\\s|$))")
#: Line breaks Python's ``str.splitlines`` knows, other than ``\n``; in a ``<pre>`` they become ``\n``.
_OTHER_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")

#: The URL schemes a value may link to. ``javascript:``, ``data:``, ``vbscript:``, ``file:`` and the
#: rest are shown as text.
URL_SCHEMES = ("https", "http", "tel", "mailto", "sms")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
#: What stays as it is in a URL; everything else (quotes, brackets, spaces, backslashes…) is %-encoded,
#: so the URL cannot end a Markdown link or an HTML attribute early.
_URL_SAFE = "/?#[]@!$&*+,;=:-._~%"


def _references(text: str) -> str:
    text = _CONTROL.sub("\ufffd", text)  # STX and ETX are Markdown's own placeholders; none is text

    def reference(match: re.Match[str]) -> str:
        if match.group("number") is not None:  # "1." at the start of a line would start a numbered list
            return f"{match.group('number')}&#46;"
        if match.group("marker") is not None:
            return match.group("indent") + _REFERENCES[match.group("marker")]
        return _REFERENCES[match.group()]

    return _SYNTAX.sub(reference, text)


def markdown_text(value: Any) -> Markup:
    """Text from the playbook, safe anywhere in the generated Markdown: runs of whitespace become
    one space (so a value cannot break a list, table or heading) and syntax characters become
    character references. Markup (already built by these functions) passes unchanged."""
    if isinstance(value, Markup):
        return value
    return Markup(_references(_SPACE.sub(" ", str(value))))


class Prose(str):
    """Text of a prose field (a checklist action, a note, a description): its code spans, emphasis and
    links are kept by :func:`markdown_value`; everything else is text, as in :func:`markdown_text`."""


#: The inline Markdown a prose field may use. Emphasis and link texts are plain text inside.
_INLINE = re.compile(
    r"`(?P<code>[^`]+)`"
    r"|\*\*(?P<strong>\S(?:[^*]*\S)?)\*\*"
    r"|\*(?P<em>\S(?:[^*]*\S)?)\*"
    r"|(?<![^\W_])_(?P<em_>\S(?:[^_]*\S)?)_(?![^\W_])"
    r"|\[(?P<label>[^\[\]]+)\]\((?P<target>[^()\s]+)\)")
#: The schemes a link in prose may use: a web page, a phone number, an e-mail address.
PROSE_SCHEMES = ("https", "tel", "mailto")


def _inline(match: re.Match[str]) -> str:
    if match.group("code") is not None:
        return f'<code class="pb-code">{_references(match.group("code"))}</code>'
    if match.group("strong") is not None:
        return f"<strong>{_references(match.group('strong'))}</strong>"
    emphasis = match.group("em") if match.group("em") is not None else match.group("em_")
    if emphasis is not None:
        return f"<em>{_references(emphasis)}</em>"
    target = match.group("target")
    link = url(target) if _SCHEME.match(target) and target.split(":", 1)[0].lower() in PROSE_SCHEMES else None
    if link is None:  # any other scheme, or none: the whole thing stays text
        return _references(match.group())
    return f"[{_references(match.group('label'))}]({link})"


def prose_markdown(value: str) -> Markup:
    """A prose value as Markdown: code spans (shown as code, with a copy button on the site),
    ``*emphasis*``, ``**strong**`` and ``[links](https:…)`` to ``https:``, ``tel:`` and ``mailto:``
    are kept; every other character is written as by :func:`markdown_text`."""
    text = _SPACE.sub(" ", str(value))
    parts, end = [], 0
    for match in _INLINE.finditer(text):
        parts += [_references(text[end:match.start()]), _inline(match)]
        end = match.end()
    parts.append(_references(text[end:]))
    return Markup("".join(parts))


def markdown_value(value: Any) -> Markup:
    """Any value in the generated Markdown: a prose value with its inline Markdown, anything else as text."""
    return prose_markdown(value) if isinstance(value, Prose) else markdown_text(value)


def markdown_lines(value: Any) -> Markup:
    """Like :func:`markdown_text`, but line breaks are kept: for text shown in a ``<pre>`` block
    inside the Markdown (a raw HTML block, which Markdown leaves alone up to its closing tag)."""
    if isinstance(value, Markup):
        return value
    return Markup(_references(_OTHER_BREAKS.sub("\n", str(value))))


def html_text(value: Any) -> Markup:
    """Text between HTML tags (not Markdown)."""
    return Markup(html.escape(str(value), quote=False))


def html_attribute(value: Any) -> Markup:
    """An HTML attribute value; the caller writes it between double quotes. Attributes of raw HTML in
    Markdown are still read by Markdown (a link or emphasis inside ``title="…"`` is made one), so this
    is :func:`markdown_text`: character references for what HTML or Markdown reads as syntax."""
    return markdown_text(value)


def url(value: str) -> Markup | None:
    """``value`` as a link target if it is a URL of an allowed scheme (:data:`URL_SCHEMES`), else None.

    Control characters and whitespace make it no URL (browsers drop them, so ``java\\tscript:``
    would pass a naive check); characters that could end a Markdown link or an attribute are
    %-encoded. Safe as a Markdown link destination; in HTML, pass it through :func:`html_attribute`.
    """
    if not value or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return None
    scheme = _SCHEME.match(value)
    if scheme is None or scheme.group(1).lower() not in URL_SCHEMES:
        return None
    if scheme.group(1).lower() in ("http", "https") and not value[scheme.end():].startswith("//"):
        return None
    return Markup(quote(value, safe=_URL_SAFE).replace("[", "%5B").replace("]", "%5D"))


def css_string(value: Any) -> str:
    """``value`` as a double-quoted CSS string: letters, digits and plain punctuation as they are,
    everything else (quotes, backslashes, line breaks, braces…) as a CSS escape."""
    def one(ch: str) -> str:
        return ch if ch.isalnum() or ch in " .,:;-_/()+&@!?'·" else f"\\{ord(ch):x} "
    return '"' + "".join(one(ch) for ch in str(value)) + '"'


#: Characters that could end a ``<script>`` element or a JavaScript string early, written as \u escapes.
_JS_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def js_data(value: Any) -> str:
    """``value`` (JSON-serialisable) as a JavaScript expression, safe in a script file or element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return re.sub("[<>&\u2028\u2029]", lambda m: _JS_UNSAFE[m.group()], text)
