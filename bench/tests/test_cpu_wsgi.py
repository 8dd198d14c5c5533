"""bench/cpu_wsgi.py names pages as Locust does, and bench/capacity.py sums its lines per page,
reader and page-cache answer (pure logic: no server)."""

import pytest

from bench.capacity import cpu_by_page
from bench.cpu_wsgi import page_of


@pytest.mark.parametrize(
    ("path", "query", "page"),
    [
        ("/", "", "home"),
        ("/livros/", "q=duna", "catalog search"),
        ("/livros/duna/", "", "book"),
        ("/debates/", "page=2", "debates list"),
        ("/debates/o-final-de-duna/", "", "topic"),
        ("/leitores/ana/", "", "profile"),
        ("/static/app.css", "", "other"),
    ],
)
def test_pages_are_named_as_locust_names_them(path, query, page):
    assert page_of(path, query) == page


def test_a_steps_lines_are_summed_largest_share_first(tmp_path):
    (tmp_path / "cpu-1.log").write_text("book\tanonymous\tmiss\t10.0\nbook\tanonymous\thit\t1.0\n")
    (tmp_path / "cpu-2.log").write_text("book\tanonymous\tmiss\t14.0\nhome\tlogged in\t-\t5.0\n")
    rows = cpu_by_page(tmp_path)
    assert [(row["page"], row["cache"], row["requests"], row["cpu_ms"]) for row in rows] == [
        ("book", "miss", 2, 12.0),
        ("home", "-", 1, 5.0),
        ("book", "hit", 1, 1.0),
    ]
    assert sum(row["share"] for row in rows) == pytest.approx(100, abs=0.2)
