from pathlib import Path

import pytest

from catalog.tests.factories import AuthorFactory, BookFactory, CategoryFactory

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def catalog(db) -> dict:
    """The books the sample files name, spelt the way the catalog spells them."""
    fiction = CategoryFactory(name="Ficção", slug="ficcao")
    classics = CategoryFactory(name="Clássicos", slug="classicos")
    books = {
        "hunger": BookFactory(
            title="The Hunger Games (The Hunger Games, #1)",
            isbn="0439023483",
            isbn13="9780439023480",
            pages=374,
            authors=[AuthorFactory(name="Suzanne Collins", slug="suzanne-collins")],
        ),
        "cien": BookFactory(
            title="Cien Años de Soledad",
            isbn13="9780060883287",
            pages=417,
            authors=[AuthorFactory(name="Gabriel Garcia Marquez", slug="gabriel-garcia-marquez")],
        ),
        "dom": BookFactory(
            title="Dom Casmurro",
            isbn13="9788535910681",
            pages=256,
            authors=[AuthorFactory(name="Machado de Assis", slug="machado-de-assis")],
        ),
        "cortico": BookFactory(
            title="O Cortiço",
            isbn="8508040636",
            isbn13="",
            pages=232,
            authors=[AuthorFactory(name="Aluísio Azevedo", slug="aluisio-azevedo")],
        ),
    }
    books["hunger"].categories.set([fiction])
    books["dom"].categories.set([fiction, classics])
    books["cortico"].categories.set([classics])
    return books
