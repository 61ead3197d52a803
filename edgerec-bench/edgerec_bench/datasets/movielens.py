"""MovieLens loaders and the leave-last-out split used by ``edgerec eval movielens``.

Two folder layouts are read (the data is never shipped; pass its path):

- ml-100k: ``u.data`` (``user<TAB>item<TAB>rating<TAB>unix time``) and ``u.item``
  (latin-1, ``|``-separated, 19 genre flags at the end);
- ml-latest-small / ml-25m: ``ratings.csv`` (``userId,movieId,rating,timestamp``)
  and ``movies.csv`` (``movieId,title,genres`` with genres joined by ``|``).

Ratings are held column-wise in numpy arrays: ``users`` and ``items`` index into
``user_ids`` and ``item_ids``, the ids as written in the data.
"""

from __future__ import annotations

import csv
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edgerec.errors import InputError

__all__ = ["Movie", "MovieLens", "UserSplit", "load_movielens", "leave_last_out", "movie_text"]

ML100K_GENRES = (
    "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
    "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery",
    "Romance", "Sci-Fi", "Thriller", "War", "Western",
)


@dataclass(frozen=True)
class Movie:
    """One catalog entry: id as in the data, title, genres."""

    id: str
    title: str
    genres: tuple[str, ...]


@dataclass(frozen=True)
class MovieLens:
    """Ratings in time order within the file's order, plus the movie catalog.

    ``order`` of rows is the file's; use :func:`leave_last_out` for a split.
    """

    user_ids: list[str]
    item_ids: list[str]
    users: np.ndarray  # int32 index into user_ids
    items: np.ndarray  # int32 index into item_ids
    ratings: np.ndarray  # float32
    timestamps: np.ndarray  # int64 unix seconds
    movies: dict[str, Movie]

    @property
    def n_users(self) -> int:
        """Number of distinct users."""
        return len(self.user_ids)

    @property
    def n_items(self) -> int:
        """Number of distinct items (rated or listed in the catalog)."""
        return len(self.item_ids)


@dataclass(frozen=True)
class UserSplit:
    """One user's leave-last-out split, as indices into ``MovieLens.item_ids``.

    ``train_*`` hold every rating the user made before the held-out positive, in
    time order; ``heldout`` is the item to find.
    """

    user: str
    train_items: np.ndarray
    train_ratings: np.ndarray
    train_ts: np.ndarray
    heldout: int
    heldout_ts: int


def movie_text(movie: Movie) -> str:
    """The text embedded for a movie: its title and genres.

    >>> movie_text(Movie("1", "Toy Story (1995)", ("Animation", "Comedy")))
    'Toy Story (1995). Genres: Animation, Comedy.'
    """
    genres = ", ".join(g for g in movie.genres if g and g not in ("unknown", "(no genres listed)"))
    return f"{movie.title}. Genres: {genres}." if genres else f"{movie.title}."


def load_movielens(path: str | Path) -> MovieLens:
    """Load an ml-100k folder or an ml-latest-small / ml-25m style folder.

    Raises :class:`InputError` when the folder holds neither layout.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder; give a MovieLens folder (u.data + u.item, or ratings.csv + movies.csv)")
    if (folder / "u.data").is_file() and (folder / "u.item").is_file():
        rows = _read_u_data(folder / "u.data")
        movies = _read_u_item(folder / "u.item")
    elif (folder / "ratings.csv").is_file() and (folder / "movies.csv").is_file():
        rows = _read_ratings_csv(folder / "ratings.csv")
        movies = _read_movies_csv(folder / "movies.csv")
    else:
        raise InputError(
            f"{folder} is not a MovieLens folder: expected u.data + u.item (ml-100k) "
            "or ratings.csv + movies.csv (ml-latest-small, ml-25m)"
        )
    data = _build(rows, movies)
    if len(data.users) == 0:
        raise InputError(f"{folder} holds no ratings")
    return data


def _build(rows: Iterable[tuple[str, str, float, int]], movies: dict[str, Movie]) -> MovieLens:
    """Index users and items while streaming the rows into compact typed buffers (ml-25m fits)."""
    user_index: dict[str, int] = {}
    item_index: dict[str, int] = {}
    for mid in movies:
        item_index.setdefault(mid, len(item_index))
    users, items = array("i"), array("i")
    ratings, stamps = array("f"), array("q")
    for u, i, r, t in rows:
        users.append(user_index.setdefault(u, len(user_index)))
        items.append(item_index.setdefault(i, len(item_index)))
        ratings.append(r)
        stamps.append(t)
    return MovieLens(
        user_ids=list(user_index), item_ids=list(item_index),
        users=np.frombuffer(users, dtype=np.int32).copy(), items=np.frombuffer(items, dtype=np.int32).copy(),
        ratings=np.frombuffer(ratings, dtype=np.float32).copy(), timestamps=np.frombuffer(stamps, dtype=np.int64).copy(),
        movies=movies,
    )


def _bad_line(path: Path, lineno: int, line: str) -> InputError:
    return InputError(f"{path.name} line {lineno}: cannot read {line.strip()[:60]!r}")


def _read_u_data(path: Path) -> Iterator[tuple[str, str, float, int]]:
    with open(path, encoding="latin-1") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            parts = line.split("\t")
            try:
                row = (parts[0].strip(), parts[1].strip(), float(parts[2]), int(parts[3]))
            except (IndexError, ValueError):
                raise _bad_line(path, lineno, line) from None
            yield row


def _read_u_item(path: Path) -> dict[str, Movie]:
    movies = {}
    with open(path, encoding="latin-1") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            parts = line.rstrip("\n").split("|")
            if len(parts) < 5:
                raise _bad_line(path, lineno, line)
            flags = parts[-len(ML100K_GENRES):]
            genres = tuple(g for g, f in zip(ML100K_GENRES, flags) if f.strip() == "1")
            movies[parts[0]] = Movie(parts[0], parts[1], genres)
    return movies


def _read_ratings_csv(path: Path) -> Iterator[tuple[str, str, float, int]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None or [h.strip() for h in header[:4]] != ["userId", "movieId", "rating", "timestamp"]:
            raise InputError(f"{path.name}: expected header userId,movieId,rating,timestamp")
        for lineno, parts in enumerate(reader, 2):
            try:
                row = (parts[0], parts[1], float(parts[2]), int(parts[3]))
            except (IndexError, ValueError):
                raise _bad_line(path, lineno, ",".join(parts)) from None
            yield row


def _read_movies_csv(path: Path) -> dict[str, Movie]:
    movies = {}
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        for lineno, parts in enumerate(reader, 2):
            if len(parts) < 3:
                raise _bad_line(path, lineno, ",".join(parts))
            movies[parts[0]] = Movie(parts[0], parts[1], tuple(parts[2].split("|")))
    return movies


def leave_last_out(data: MovieLens, *, min_positive: float = 4.0, skip_last: int = 0) -> list[UserSplit]:
    """Split each user's ratings: hold out the last positive, train on what came before.

    - A user's ratings are ordered by timestamp; equal timestamps keep file order.
    - Positives are ratings ``>= min_positive``. The held-out item is the last
      positive (``skip_last=1`` holds out the second-to-last instead and drops
      everything from the last positive on: the validation split).
    - Training holds every rating (positive or not) that comes before the
      held-out one in that order. Users without enough positives are left out.
    - Candidates (done by the evaluator) are all items not rated in training.

    Users come back in the order of their first appearance in the data.
    """
    order = np.lexsort((np.arange(len(data.users)), data.timestamps, data.users))
    users = data.users[order]
    bounds = np.flatnonzero(np.diff(users)) + 1
    starts = np.concatenate(([0], bounds))
    ends = np.concatenate((bounds, [len(users)]))
    splits: dict[int, UserSplit] = {}
    for s, e in zip(starts, ends):
        rows = order[s:e]
        pos = np.flatnonzero(data.ratings[rows] >= min_positive)
        if len(pos) <= skip_last:
            continue
        cut = pos[len(pos) - 1 - skip_last]
        train = rows[:cut]
        uid = int(users[s])
        splits[uid] = UserSplit(
            user=data.user_ids[uid],
            train_items=data.items[train],
            train_ratings=data.ratings[train],
            train_ts=data.timestamps[train],
            heldout=int(data.items[rows[cut]]),
            heldout_ts=int(data.timestamps[rows[cut]]),
        )
    return [splits[u] for u in sorted(splits)]
