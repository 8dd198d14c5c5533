import json

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from recommendations import evaluation


def write_split(tmp_path, users=40, items=30, seed=3):
    """Readers in two taste groups (even books, odd books), 4 to 8 books each; one held out per reader."""
    rng = np.random.default_rng(seed)
    train, heldout = [], []
    for user in range(1, users + 1):
        group = np.arange(user % 2, items, 2) + 1
        books = rng.choice(group, size=int(rng.integers(4, 9)), replace=False)
        heldout.append((user, books[0]))
        train.extend((user, b) for b in books[1:])
    interactions, held = tmp_path / "train.tsv", tmp_path / "heldout.tsv"
    interactions.write_text("".join(f"{u}\t{b}\n" for u, b in train))
    held.write_text("".join(f"{u}\t{b}\n" for u, b in heldout))
    books = tmp_path / "books.csv"
    books.write_text(
        "book_id,authors,title\n" + "".join(f'{b},"Autora {b % 2}",Livro {b}\n' for b in range(1, items + 1))
    )
    (tmp_path / "book_genres.csv").write_text(
        "book_id,goodreads_book_id,genres\n"
        + "".join(f'{b},{b},"{"fantasy" if b % 2 else "romance"},fiction"\n' for b in range(1, items + 1))
    )
    return interactions, held, books


def test_validation_split_holds_out_one_pair_per_reader_with_enough_books():
    pairs = np.array([[1, 1], [1, 2], [1, 3], [2, 1], [2, 2]])
    train, valid = evaluation.validation_split(pairs)
    assert valid[:, 0].tolist() == [1]
    assert len(train) == 4


def test_evaluation_on_tiny_files_is_deterministic_and_beats_popularity(tmp_path):
    interactions, held, books = write_split(tmp_path)
    first = evaluation.compare_models(interactions, held, books, k=5, log=lambda _m: None)
    second = evaluation.compare_models(interactions, held, books, k=5, log=lambda _m: None)
    strip = [{k: v for k, v in r.items() if k not in ("train_seconds", "peak_mb")} for r in first["results"]]
    assert strip == [{k: v for k, v in r.items() if k not in ("train_seconds", "peak_mb")} for r in second["results"]]
    by_model = {r["model"]: r for r in first["results"]}
    assert set(by_model) >= {"popularity", "item-kNN cosine", "implicit ALS (64 factors)", "EASE", "hybrid"}
    # Tastes are split by parity, which popularity ignores and the item models learn.
    assert by_model["EASE"]["hr"] > by_model["popularity"]["hr"]
    assert 0 < by_model["hybrid"]["coverage"] <= 1


def test_command_writes_the_table_and_a_json_report(tmp_path):
    interactions, held, _books = write_split(tmp_path)
    out = tmp_path / "report.json"
    call_command(
        "evaluate_recommendations", "--interactions", interactions, "--heldout", held, "--json", out, "--k", "3"
    )
    report = json.loads(out.read_text())
    assert report["k"] == 3 and report["users"] == 40
    assert all({"hr", "ndcg", "map", "coverage", "train_seconds", "peak_mb"} <= set(r) for r in report["results"])


def test_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError):
        call_command("evaluate_recommendations", "--interactions", tmp_path / "nope.tsv")
