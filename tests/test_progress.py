"""Progress bars (dask_scale._progress): on when asked, complete and closed, silent when off."""

import time

import dask
import dask.array as da
import numpy as np
import pytest

import dask_scale
from dask_scale import _progress
from dask_scale._graph import client as client_mod
from dask_scale._graph.compute import compute
from dask_scale.cluster import KMeans
from dask_scale.linear_model import LogisticRegression
from dask_scale.model_selection import GridSearchCV
from dask_scale.wrappers import Incremental

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def cluster():
    """One in-process cluster for the module's distributed tests (made once: ~1 s each)."""
    from distributed import Client, LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as lc, Client(lc) as c:
        yield c


@pytest.fixture
def on_cluster(cluster):
    """The test computes on the module's cluster (the autouse fixture set threads)."""
    with dask.config.set(scheduler="dask.distributed"):
        yield cluster


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


def _data(n=600, chunks=150):
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
    km = KMeans(n_clusters=3, n_init=1, random_state=0, max_iter=20, init_max_iter=3).fit(X)
    lr = LogisticRegression(max_iter=8).fit(X, y)
    return km, lr


def test_bars_reach_total_and_close_on_threads(bars, capsys):
    X, y = _data()
    with dask_scale.progress():
        km, lr = _fit_both(X, y)
    _check_complete(bars, ["KMeans init", "KMeans", "LogisticRegression[lbfgs]"])
    lloyd = next(b for b in bars if b.desc == "KMeans")
    assert lloyd.n == km.n_iter_  # one step per Lloyd iteration: 100 % at convergence
    assert lloyd.level == 0
    init = next(b for b in bars if b.desc == "KMeans init (k-means||)")
    assert (init.n, init.total, init.unit) == (3, 3, "rounds")  # init_max_iter rounds
    assert capsys.readouterr().err  # something was drawn on stderr


def test_bars_follow_the_cluster(bars, on_cluster, monkeypatch):
    followed = []
    init = client_mod.Follower.__init__

    def record(self, *args):
        init(self, *args)
        followed.append(self)

    monkeypatch.setattr(client_mod.Follower, "__init__", record)
    X, y = _data()
    with dask_scale.progress():
        km, _ = _fit_both(X, y)
    assert len(followed) > km.n_iter_  # every pass followed on the scheduler
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
        GridSearchCV(LogisticRegression(max_iter=5), {"C": [0.1, 1.0]}, cv=2).fit(X, y)
    KMeans(n_clusters=3, n_init=1, random_state=0, max_iter=5).fit(X)  # off by default
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


def _slow(block):
    time.sleep(0.2)
    return block


def test_followed_pass_ends_with_its_results(bars, on_cluster, monkeypatch):
    # the scheduler reports at once (the pass still running), then not again for 2.5 s,
    # more than the FOLLOW_GRACE a pass would wait for a last report: the pass must end
    # when its results are in, its bar complete, without waiting for the next report
    monkeypatch.setattr(client_mod, "FOLLOW_INTERVAL", 2.5)
    slow = da.ones(4, chunks=1).map_blocks(_slow, dtype=float).sum()
    start = time.perf_counter()
    with dask_scale.progress():
        (total,) = compute(slow)
    elapsed = time.perf_counter() - start
    assert total == 4.0
    assert [b.desc for b in bars] == ["dask_scale pass"]
    assert bars[0].closed and bars[0].n == bars[0].total > 4  # the scheduler's task count
    assert elapsed < client_mod.FOLLOW_GRACE


def _adaptive(kind):
    from scipy.stats import loguniform
    from sklearn.linear_model import SGDClassifier

    from dask_scale.model_selection import (
        HyperbandSearchCV,
        IncrementalSearchCV,
        InverseDecaySearchCV,
        SuccessiveHalvingSearchCV,
    )

    sgd = SGDClassifier(tol=None, random_state=0)
    params = {"alpha": loguniform(1e-5, 1.0)}  # a distribution: as many models as planned
    return {
        # max_iter=3: two brackets side by side, 5 models, 11 calls
        "hyperband": lambda: HyperbandSearchCV(sgd, params, max_iter=3, random_state=0),
        "hyperband-async": lambda: HyperbandSearchCV(
            sgd, params, max_iter=3, random_state=0, asynchronous=True
        ),
        "successive-halving": lambda: SuccessiveHalvingSearchCV(
            sgd, params, n_initial_parameters=6, n_initial_iter=1, max_iter=6, random_state=0
        ),
        "incremental-search": lambda: IncrementalSearchCV(
            sgd, params, n_initial_parameters=3, max_iter=4, random_state=0
        ),
        "inverse-decay-search": lambda: InverseDecaySearchCV(
            sgd, params, n_initial_parameters=4, max_iter=4, random_state=0
        ),
    }[kind]()


@pytest.mark.parametrize(
    "kind",
    ["hyperband", "hyperband-async", "successive-halving", "incremental-search",
     "inverse-decay-search"],
)
def test_adaptive_search_counts_partial_fit_calls(bars, on_cluster, kind, monkeypatch):
    steps = []
    step = _progress._Scope.step

    def record(self, k=1):
        steps.append(k)
        step(self, k)

    monkeypatch.setattr(_progress._Scope, "step", record)
    search = _adaptive(kind)
    planned = search.metadata["partial_fit_calls"]
    X, y = _data(n=480, chunks=80)
    with dask_scale.progress():
        search.fit(X, y)
    # the bar moved as the scores came in (a step per model scored), not once at the end
    assert len(steps) == len(search.history_) > 1 and sum(steps) == planned
    outer = [b for b in bars if b.level == 0]
    assert [b.desc for b in outer] == [kind.removesuffix("-async")]
    bar = outer[0]
    # one step per partial_fit call scored, out of the calls planned: all made, 100 %
    assert (bar.unit, bar.closed) == ("calls", True)
    assert bar.n == bar.total == planned == search.metadata_["partial_fit_calls"]


def test_adaptive_search_stopped_early_closes_complete(bars, on_cluster):
    from sklearn.linear_model import SGDClassifier

    from dask_scale.model_selection import IncrementalSearchCV

    search = IncrementalSearchCV(
        SGDClassifier(tol=None, random_state=0), {"alpha": [10.0, 100.0]}, max_iter=30,
        patience=2, tol=10.0, n_initial_parameters="grid", random_state=0,
    )
    X, y = _data(n=480, chunks=80)
    with dask_scale.progress():
        search.fit(X, y)
    bar = next(b for b in bars if b.level == 0)
    made = search.metadata_["partial_fit_calls"]
    assert made < search.metadata["partial_fit_calls"]  # patience stopped it
    assert bar.n == bar.total == made and bar.closed


def test_one_pass_fits_and_in_memory_x_show_their_pass(bars):
    from sklearn.linear_model import LinearRegression as SkLinearRegression
    from sklearn.linear_model import LogisticRegression as SkLogistic

    from dask_scale.ensemble import BlockwiseVotingClassifier
    from dask_scale.linear_model import LinearRegression
    from dask_scale.naive_bayes import GaussianNB

    X, y = _data()
    Xn, yn = X.compute(), y.compute()
    with dask_scale.progress():
        lin = LinearRegression(solver="cholesky", penalty=None).fit(X, y.astype(float))
    outer = next(b for b in bars if b.desc == "LinearRegression[cholesky]")
    assert (outer.n, outer.total, outer.closed) == (1, 1, True)
    assert any(b.desc == "pass" and b.level == 1 and b.n == b.total > 1 for b in bars)
    np.testing.assert_allclose(
        lin.coef_, SkLinearRegression().fit(Xn, yn.astype(float)).coef_, rtol=1e-8
    )
    # NumPy X with dask y: y is brought in memory by one pass of the library's
    for name, make in [
        ("ensemble fit", lambda: BlockwiseVotingClassifier(SkLogistic(), classes=[0, 1]).fit(Xn, y)),
        ("naive_bayes score", lambda: GaussianNB().fit(Xn, yn).score(Xn, y)),
    ]:
        bars.clear()
        with dask_scale.progress():
            make()
        # the pass of y's tasks (predict on NumPy X may add a pass of in-memory row blocks)
        tasks = [b for b in bars if b.unit == "tasks"]
        assert [b.desc for b in tasks] == ["dask_scale pass"], name
        assert tasks[0].closed and tasks[0].n == tasks[0].total >= 1, name


def test_adaptive_search_on_an_asynchronous_client(bars, cluster):
    import asyncio

    from distributed import Client

    search = _adaptive("successive-halving")
    X, y = _data(n=480, chunks=80)

    async def main():
        async with Client(cluster.scheduler.address, asynchronous=True):
            with dask_scale.progress():
                await search.fit(X, y)

    asyncio.run(main())
    bar = next(b for b in bars if b.level == 0)
    assert bar.desc == "successive-halving" and bar.closed
    assert bar.n == bar.total == search.metadata["partial_fit_calls"]
    from distributed import default_client

    assert default_client() is cluster  # the module's client is the default again
