from concertation.core.richtext import render_markdown


def test_markdown_is_rendered_and_sanitized():
    html = render_markdown("**Gras** <script>alert(1)</script> [lien](javascript:alert(1)) <img src=x onerror=alert(1)>")
    assert "<strong>Gras</strong>" in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html


def test_links_get_a_safe_rel():
    html = render_markdown("[site](https://example.org)")
    assert 'href="https://example.org"' in html and "noopener" in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == "" and render_markdown(None) == ""


def test_a_line_of_plain_words_is_what_markdown_and_the_sanitizer_make_of_it():
    """The shortcut for plain lines (``_PLAIN``) agrees with Markdown then nh3 over generated lines,
    those it takes and those it leaves to them (Markdown's markers, entities, HTML, spaces around)."""
    import random

    from concertation.core import richtext

    rng = random.Random(20)
    alphabet = list("aeéèàçœÉLkz0189 .,;:!?'’\"()«»-–—/%$+@") + ["  ", "1. ", "- ", "* ", "_", "`", "[x](y)", "<b>",
                                                             "&amp;", "&", "\\", "#", "|", "\u00a0", "\n", "\t",
                                                             "=", "~", ">", "![i](j)", "**", "<", "Ⅻ", "²"]
    taken = 0
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        if rng.random() < 0.5:
            text = rng.choice("LaÉœ") + text
        full = richtext.sanitize_html(richtext._parser().convert(text))
        taken += bool(text and text[-1] != " " and richtext._PLAIN.fullmatch(text))
        assert render_markdown(text) == full, text
    assert taken > 200
