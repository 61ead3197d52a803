"""MovieLens loaders and the leave-last-out split, on tiny handmade folders."""

from pathlib import Path

import numpy as np
import pytest

from edgerec_bench.datasets.movielens import Movie, leave_last_out, load_movielens, movie_text
from edgerec.errors import InputError

# user item rating time. User 1: positives at t=10 (item 1), t=30 (item 3), t=40 (item 4);
# item 5 rated 2 at t=50 (after the last positive). User 2: no positive at all.
# User 3: a single positive, nothing before it.
U_DATA = """1\t3\t5\t30
1\t1\t4\t10
1\t2\t2\t20
1\t4\t4\t40
1\t5\t2\t50
2\t1\t3\t5
2\t2\t1\t6
3\t2\t5\t7
"""
GENRES = "|".join(["0"] * 19)


def _u_item(n: int) -> str:
    lines = []
    for i in range(1, n + 1):
        flags = ["0"] * 19
        flags[1 + i % 3] = "1"
        lines.append(f"{i}|Movie {i} (1995)|01-Jan-1995||http://x|" + "|".join(flags))
    return "\n".join(lines) + "\n"


@pytest.fixture
def ml100k(tmp_path: Path) -> Path:
    (tmp_path / "u.data").write_text(U_DATA)
    (tmp_path / "u.item").write_bytes(_u_item(6).replace("Movie 6", "Caf\xe9 6").encode("latin-1"))
    return tmp_path


@pytest.fixture
def mlsmall(tmp_path: Path) -> Path:
    rows = ["userId,movieId,rating,timestamp"]
    for line in U_DATA.strip().splitlines():
        u, i, r, t = line.split("\t")
        rows.append(f"{u},{int(i) * 10},{float(r) - 0.5 if r == '4' else r},{t}")
    (tmp_path / "ratings.csv").write_text("\n".join(rows) + "\n")
    movies = ["movieId,title,genres"] + [f'{i * 10},"Film, {i} (2001)",Comedy|Drama' for i in range(1, 6)]
    (tmp_path / "movies.csv").write_text("\n".join(movies) + "\n")
    return tmp_path


def _ids(data, idx):
    return [data.item_ids[i] for i in idx]


def test_ml100k_split_by_hand(ml100k):
    data = load_movielens(ml100k)
    assert data.n_users == 3 and data.n_items == 6
    assert data.movies["6"].title == "Caf\xe9 6 (1995)"
    assert data.movies["1"].genres == ("Adventure",)  # flag 2 of 19
    splits = leave_last_out(data)
    assert [s.user for s in splits] == ["1", "3"]  # user 2 has no positive
    one = splits[0]
    assert data.item_ids[one.heldout] == "4" and one.heldout_ts == 40
    # everything before it by time, positives and negatives alike; item 5 came after
    assert _ids(data, one.train_items) == ["1", "2", "3"]
    assert one.train_ratings.tolist() == [4.0, 2.0, 5.0]
    assert one.train_ts.tolist() == [10, 20, 30]
    three = splits[1]
    assert data.item_ids[three.heldout] == "2" and len(three.train_items) == 0


def test_validation_split_holds_out_second_to_last_positive(ml100k):
    data = load_movielens(ml100k)
    splits = leave_last_out(data, skip_last=1)
    assert [s.user for s in splits] == ["1"]
    assert data.item_ids[splits[0].heldout] == "3"
    assert _ids(data, splits[0].train_items) == ["1", "2"]


def test_equal_timestamps_keep_file_order(tmp_path):
    (tmp_path / "u.data").write_text("1\t2\t5\t9\n1\t1\t5\t9\n1\t3\t1\t9\n")
    (tmp_path / "u.item").write_text(_u_item(3))
    data = load_movielens(tmp_path)
    (split,) = leave_last_out(data)
    assert data.item_ids[split.heldout] == "1"
    assert _ids(data, split.train_items) == ["2"]


def test_csv_layout_gives_the_same_split(mlsmall):
    data = load_movielens(mlsmall)
    assert data.movies["10"].title == "Film, 1 (2001)"
    assert data.movies["10"].genres == ("Comedy", "Drama")
    # the 4s became 3.5 here, below the positive threshold: user 1's last positive is item 30
    (one, three) = leave_last_out(data)
    assert data.item_ids[one.heldout] == "30"
    assert _ids(data, one.train_items) == ["10", "20"]
    assert one.train_ratings.tolist() == [3.5, 2.0]
    assert one.train_ratings.dtype == np.float32
    assert data.item_ids[three.heldout] == "20"


def test_folder_that_is_neither_layout(tmp_path):
    (tmp_path / "ratings.dat").write_text("1::2::3::4\n")
    with pytest.raises(InputError, match="not a MovieLens folder"):
        load_movielens(tmp_path)
    with pytest.raises(InputError, match="not a folder"):
        load_movielens(tmp_path / "missing")


def test_bad_line_names_the_line(tmp_path):
    (tmp_path / "u.data").write_text("1\t2\t5\t9\nbroken\n")
    (tmp_path / "u.item").write_text(_u_item(2))
    with pytest.raises(InputError, match="line 2"):
        load_movielens(tmp_path)


def test_movie_text_skips_unknown_genre():
    assert movie_text(Movie("9", "X (1990)", ("unknown",))) == "X (1990)."


def test_folder_without_ratings(tmp_path):
    (tmp_path / "u.data").write_text("\n")
    (tmp_path / "u.item").write_text(_u_item(2))
    with pytest.raises(InputError, match="holds no ratings"):
        load_movielens(tmp_path)
