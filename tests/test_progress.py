"""Progress bars (dask_scale._progress): on when asked, complete and closed, silent when off."""

import dask
import dask.array as da
import numpy as np
import pytest

import dask_scale
from dask_scale import _progress
from dask_scale.cluster import KMeans
from dask_scale.linear_model import LogisticRegression
from dask_scale.model_selection import GridSearchCV
from dask_scale.wrappers import Incremental

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def bars(monkeypatch):
    """Every Bar made, in order (the real ones: drawn as usual)."""
    made = []
    init = _progress.Bar.__init__

    def record(self, *args, **kwargs):
        init(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(_progress.Bar, "__init__", record)
    return made


def _data(n=1200, chunks=200):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 3))
    y = (X[:, 0] + 0.3 * rng.normal(size=n) > 0).astype(int)
    return da.from_array(X, chunks=chunks), da.from_array(y, chunks=chunks)


def _check_complete(bars, outer):
    assert bars, "no progress bar was drawn"
    assert all(b.closed for b in bars), [(b.desc, b.closed) for b in bars]
    assert all(b.total is not None and b.n == b.total for b in bars), [
        (b.desc, b.n, b.total) for b in bars
    ]
    descs = [b.desc for b in bars]
    for name in outer:
        assert any(d.startswith(name) for d in descs), descs
    # every pass's inner bar counted tasks (several blocks each)
    inner = [b for b in bars if b.desc == "pass"]
    assert inner and all(b.total >= 1 for b in inner)


def _fit_both(X, y):
    km = KMeans(n_clusters=3, n_init=1, random_state=0, max_iter=50).fit(X)
    lr = LogisticRegression(max_iter=30).fit(X, y)
    return km, lr


def test_bars_reach_total_and_close_on_threads(bars, capsys):
    X, y = _data()
    with dask_scale.progress():
        km, lr = _fit_both(X, y)
    _check_complete(bars, ["KMeans init", "KMeans", "LogisticRegression[lbfgs]"])
    lloyd = next(b for b in bars if b.desc == "KMeans")
    assert lloyd.n == km.n_iter_  # one step per Lloyd iteration: 100 % at convergence
    assert lloyd.level == 0
    assert capsys.readouterr().err  # something was drawn on stderr


def test_bars_follow_the_cluster(bars, client):
    X, y = _data()
    with dask_scale.progress():
        _fit_both(X, y)
    _check_complete(bars, ["KMeans", "LogisticRegression[lbfgs]"])
    # the inner bars' totals come from the scheduler: the tasks of each pass it tracked
    assert max(b.total for b in bars if b.desc == "pass") > 1


def test_config_and_environment_turn_it_on(bars, monkeypatch):
    X, y = _data()
    with dask.config.set({"dask_scale.progress": True}):
        LogisticRegression(max_iter=5).fit(X, y)
    assert bars and all(b.closed for b in bars)
    monkeypatch.setenv("DASK_DASK_SCALE__PROGRESS", "True")
    config = dask.config.collect(paths=[], env=None)
    assert config["dask_scale"]["progress"] is True
    with pytest.raises(TypeError, match="True or False"):
        dask_scale.progress("yes")


def test_off_prints_nothing(bars, capsys):
    X, y = _data()
    with dask_scale.progress(False):
        _fit_both(X, y)
        GridSearchCV(LogisticRegression(max_iter=10), {"C": [0.1, 1.0]}, cv=2).fit(X, y)
    _fit_both(X, y)  # off by default
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
    assert bars == []


def test_verbose_lines_unchanged(capsys):
    X, y = _data()
    LogisticRegression(max_iter=3, verbose=1).fit(X, y)
    plain = [line for line in capsys.readouterr().err.splitlines() if line]
    with dask_scale.progress():
        LogisticRegression(max_iter=3, verbose=1).fit(X, y)
    err = capsys.readouterr().err
    assert plain and all(line.startswith("[LogisticRegression[lbfgs]] iter ") for line in plain)
    strip = [line.split(" (")[0] for line in plain]
    assert all(s in err for s in strip)


def test_search_counts_candidates(bars):
    X, y = _data(n=600, chunks=150)
    search = GridSearchCV(LogisticRegression(max_iter=20), {"C": [0.01, 0.1, 1.0]}, cv=2)
    with dask_scale.progress():
        search.fit(X, y)
    outer = next(b for b in bars if b.desc == "GridSearchCV")
    assert (outer.n, outer.total, outer.closed) == (3, 3, True)
    # the candidates' own fits ran inside the search's tasks: no bars of theirs
    assert not any(b.desc.startswith("LogisticRegression") and b.level > 0 for b in bars)
    _check_complete(bars, ["GridSearchCV"])


def test_incremental_counts_blocks(bars):
    from sklearn.linear_model import SGDClassifier

    X, y = _data(n=800, chunks=100)
    with dask_scale.progress():
        Incremental(SGDClassifier(random_state=0)).fit(X, y, classes=[0, 1])
    fold = next(b for b in bars if b.unit == "blocks" and b.level == 0)
    assert (fold.n, fold.total, fold.closed) == (8, 8, True)


def test_plain_line_without_tqdm(monkeypatch, capsys):
    monkeypatch.setattr(_progress, "_tqdm", lambda: None)
    monkeypatch.setattr(_progress, "LOG_INTERVAL", 0.0)
    X, y = _data()
    with dask_scale.progress():
        LogisticRegression(max_iter=5).fit(X, y)
    lines = capsys.readouterr().err.splitlines()
    assert lines and "\r" not in "".join(lines)  # stderr is no terminal here: plain lines
    assert lines[-1].startswith("LogisticRegression[lbfgs]: 100% ")
    assert _progress._LINE.bars == []


def test_failed_fit_closes_its_bars(bars):
    X, y = _data()
    X_bad = da.from_array(np.full((400, 3), np.nan), chunks=100)
    with dask_scale.progress(), pytest.raises(ValueError):
        KMeans(n_clusters=2, n_init=1).fit(X_bad)
    assert bars and all(b.closed for b in bars)
    assert _progress._OWNER[0] is None
