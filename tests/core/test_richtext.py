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
