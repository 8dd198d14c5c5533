"""A book page's category and tag chips (`{% category_chips %}`, `{% tag_chips %}`): the HTML
the template loops gave, names escaped and tag slugs quoted as the `urlencode` filter does."""

from django.template import Context, Template

from catalog.models import Category, Tag
from catalog.templatetags.chips import category_chips, tag_chips


def test_category_chips_link_each_category_with_its_name_escaped():
    categories = [Category(name="Ficção", slug="ficcao"), Category(name="Terror & <Suspense>", slug="terror")]
    assert category_chips(categories) == (
        '<li><a class="badge" href="/livros/categorias/ficcao/">Ficção</a></li>'
        '<li><a class="badge" href="/livros/categorias/terror/">Terror &amp; &lt;Suspense&gt;</a></li>'
    )


def test_tag_chips_match_the_template_loop_they_replace():
    tags = [
        Tag(name="sci-fi", slug="sci-fi"),
        Tag(name='"clássicos"', slug="clássicos do século"),
        Tag(name="x", slug="a/b"),
    ]
    loop = Template(
        '{% for tag in tags %}<li><a class="badge" href="{{ list_url }}?tag={{ tag.slug|urlencode }}">'
        "{{ tag.name }}</a></li>{% endfor %}"
    )
    context = {"tags": tags, "list_url": "/livros/"}
    assert tag_chips(tags, "/livros/") == loop.render(Context(context))
    assert "?tag=cl%C3%A1ssicos%20do%20s%C3%A9culo" in tag_chips(tags, "/livros/")
    assert tag_chips([], "/livros/") == ""
