import pickle
import threading
import time

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from dask.delayed import Delayed
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import BaseEstimator, clone
from sklearn.cluster import MiniBatchKMeans
from sklearn.datasets import make_classification
from sklearn.decomposition import IncrementalPCA
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, SGDClassifier, SGDRegressor
from sklearn.utils._param_validation import InvalidParameterError

from dask_scale.wrappers import Incremental

CHUNK = 100


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=800, n_features=6, n_informative=4, n_classes=3, random_state=0
    )
    return X, y


def _blocks(a, chunk=CHUNK):
    return [a[i : i + chunk] for i in range(0, len(a), chunk)]


def _manual(estimator, X, y, orders, **kwargs):
    """partial_fit by hand over the numpy blocks, one list of block indices per pass."""
    est = clone(estimator)
    Xb, yb = _blocks(X), _blocks(y)
    for order in orders:
        for i in order:
            est.partial_fit(Xb[i], yb[i], **kwargs)
    return est


class Recorder(BaseEstimator):
    """Records each partial_fit call: first value of column 0 (block id), rows, kwargs."""

    def __init__(self, pause=0.0):
        self.pause = pause

    def partial_fit(self, X, y=None, **kwargs):
        if self.pause:
            time.sleep(self.pause)
        first = X.iloc[0, 0] if hasattr(X, "iloc") else X[0, 0]
        self.calls_ = [*getattr(self, "calls_", []), (int(first), len(X), sorted(kwargs))]
        self.kwargs_ = kwargs
        try:
            from distributed import get_worker

            self.workers_ = [*getattr(self, "workers_", []), get_worker().address]
        except ValueError:  # not running in a dask worker
            self.workers_ = [*getattr(self, "workers_", []), None]
        _record(("fit", int(first)))
        return self

    def fit(self, X, y=None):
        return self.partial_fit(X, y)


def _ids(n_rows, chunk=CHUNK, n_features=3):
    """Rows whose column 0 is the index of their row block."""
    X = np.zeros((n_rows, n_features))
    X[:, 0] = np.arange(n_rows) // chunk
    return X


_LOG = []
_LOCK = threading.Lock()


def _record(event):
    with _LOCK:
        _LOG.append(event)


def _tag_load(block, block_info=None):
    _record(("load", block_info[0]["chunk-location"][0]))
    return block


def _max_in_memory(log):
    held = peak = 0
    for kind, _ in log:
        held += 1 if kind == "load" else -1
        peak = max(peak, held)
    return peak


@pytest.fixture(autouse=True)
def _clear_log():
    _LOG.clear()
    yield
    _LOG.clear()


# -- equal to manual partial_fit loops --------------------------------------------------------


def test_equals_manual_partial_fit_in_block_order(data):
    X, y = data
    sgd = SGDClassifier(random_state=0)
    classes = np.unique(y)
    inc = Incremental(sgd, shuffle_blocks=False).fit(
        da.from_array(X, chunks=CHUNK), da.from_array(y, chunks=CHUNK), classes=classes
    )
    manual = _manual(sgd, X, y, [range(8)], classes=classes)
    np.testing.assert_array_equal(inc.coef_, manual.coef_)  # exact: same calls, same data
    np.testing.assert_array_equal(inc.intercept_, manual.intercept_)
    assert inc.estimator_ is not sgd and not hasattr(sgd, "coef_")  # a clone was trained


def test_epochs_equal_manual_passes_and_classes_are_inferred(data):
    X, y = data
    sgd = SGDClassifier(random_state=0)
    inc = Incremental(sgd, shuffle_blocks=False, epochs=3).fit(
        da.from_array(X, chunks=CHUNK), da.from_array(y, chunks=CHUNK)  # no classes given
    )
    manual = _manual(sgd, X, y, [range(8)] * 3, classes=np.unique(y))
    np.testing.assert_array_equal(inc.coef_, manual.coef_)


def test_shuffled_orders_are_deterministic_fresh_per_epoch_and_replayable(data):
    X = _ids(800)
    Xd = da.from_array(X, chunks=CHUNK)
    fit = Incremental(Recorder(), random_state=7, epochs=3).fit(Xd)
    order = [c[0] for c in fit.calls_]
    assert len(order) == 24
    epochs = [order[i : i + 8] for i in range(0, 24, 8)]
    assert all(sorted(e) == list(range(8)) for e in epochs)  # every block once per epoch
    assert len({tuple(e) for e in epochs}) == 3  # a fresh order each epoch
    again = Incremental(Recorder(), random_state=7, epochs=3).fit(Xd)
    assert [c[0] for c in again.calls_] == order
    other = Incremental(Recorder(), random_state=8, epochs=3).fit(Xd)
    assert [c[0] for c in other.calls_] != order
    in_order = Incremental(Recorder(), shuffle_blocks=False, random_state=7).fit(Xd)
    assert [c[0] for c in in_order.calls_] == list(range(8))

    # the shuffled SGD fit equals a manual loop in the recorded order
    _, y = data
    Xr = data[0]
    sgd = SGDClassifier(random_state=0)
    inc = Incremental(sgd, random_state=7, epochs=3).fit(
        da.from_array(Xr, chunks=CHUNK), da.from_array(y, chunks=CHUNK), classes=[0, 1, 2]
    )
    manual = _manual(sgd, Xr, y, epochs, classes=[0, 1, 2])
    np.testing.assert_array_equal(inc.coef_, manual.coef_)


def test_fit_params_forwarded_and_sample_weight_split(data):
    X, y = data
    w = np.linspace(0.1, 2.0, len(y))
    sgd = SGDRegressor(random_state=0)
    yr = X @ np.arange(6.0)
    manual = clone(sgd)
    for Xb, yb, wb in zip(_blocks(X), _blocks(yr), _blocks(w), strict=True):
        manual.partial_fit(Xb, yb, sample_weight=wb)
    Xd = da.from_array(X, chunks=CHUNK)
    for weights in (w, da.from_array(w, chunks=CHUNK), da.from_array(w, chunks=333)):
        inc = Incremental(sgd, shuffle_blocks=False).fit(
            Xd, da.from_array(yr, chunks=CHUNK), sample_weight=weights
        )
        np.testing.assert_array_equal(inc.coef_, manual.coef_)

    rec = Incremental(Recorder(), shuffle_blocks=False).fit(
        da.from_array(_ids(300), chunks=CHUNK), None, classes=[1, 2], sample_weight=w[:300]
    )
    assert [c[2] for c in rec.calls_] == [["classes", "sample_weight"]] * 3
    assert rec.kwargs_["classes"] == [1, 2] and len(rec.kwargs_["sample_weight"]) == CHUNK


def test_numpy_input_is_one_block_per_epoch(data):
    X, y = data
    sgd = SGDClassifier(random_state=0)
    inc = Incremental(sgd, epochs=2).fit(X, y)
    manual = clone(sgd)
    for _ in range(2):
        manual.partial_fit(X, y, classes=np.unique(y))
    np.testing.assert_array_equal(inc.coef_, manual.coef_)
    np.testing.assert_array_equal(inc.predict(X), manual.predict(X))


def test_dataframe_input_with_empty_partition(data):
    X, y = data
    pdf = pd.DataFrame(X, columns=[f"f{i}" for i in range(6)])
    pdf["y"] = y
    df = dd.from_pandas(pdf, npartitions=4)
    cut = df.divisions[2]
    # partition 1 becomes empty: skipped, the others are fitted in order
    kept = df.map_partitions(lambda p: p[(p.index < df.divisions[1]) | (p.index >= cut)])
    assert kept.map_partitions(len).compute().tolist()[1] == 0
    features = [f"f{i}" for i in range(6)]
    sgd = SGDClassifier(random_state=0)
    inc = Incremental(sgd, shuffle_blocks=False).fit(kept[features], kept["y"])
    manual = clone(sgd)
    parts = [pdf.iloc[: df.divisions[1]], pdf.iloc[cut : df.divisions[3]], pdf.iloc[df.divisions[3] :]]
    for part in parts:
        manual.partial_fit(part[features], part["y"], classes=np.unique(y))
    np.testing.assert_array_equal(inc.coef_, manual.coef_)
    np.testing.assert_array_equal(inc.feature_names_in_, features)
    pred = inc.predict(kept[features])
    assert isinstance(pred, dd.Series)
    np.testing.assert_array_equal(pred.compute().to_numpy(), manual.predict(kept[features].compute()))


@pytest.mark.parametrize("Est", [MiniBatchKMeans, IncrementalPCA])
def test_unsupervised_partial_fit(Est, data):
    X, _ = data
    est = Est(n_clusters=3, random_state=0, n_init=1) if Est is MiniBatchKMeans else Est(n_components=2)
    inc = Incremental(est, shuffle_blocks=False).fit(da.from_array(X, chunks=CHUNK))
    manual = clone(est)
    for Xb in _blocks(X):
        manual.partial_fit(Xb)
    attr = "cluster_centers_" if Est is MiniBatchKMeans else "components_"
    np.testing.assert_allclose(getattr(inc, attr), getattr(manual, attr), rtol=1e-12)
    out = inc.transform(da.from_array(X, chunks=CHUNK)).compute()
    np.testing.assert_allclose(out, manual.transform(X), rtol=1e-12)


def test_wrapper_partial_fit_continues_training(data):
    X, y = data
    sgd = SGDClassifier(random_state=0)
    Xd, yd = da.from_array(X, chunks=CHUNK), da.from_array(y, chunks=CHUNK)
    inc = Incremental(sgd, shuffle_blocks=False, epochs=5)  # epochs: fit only
    inc.partial_fit(Xd, yd, classes=[0, 1, 2])
    first = inc.estimator_
    inc.partial_fit(Xd, yd)
    assert inc.estimator_ is first
    manual = clone(sgd)
    for Xb, yb in zip(_blocks(X), _blocks(y), strict=True):
        manual.partial_fit(Xb, yb, classes=[0, 1, 2])
    for Xb, yb in zip(_blocks(X), _blocks(y), strict=True):
        manual.partial_fit(Xb, yb)
    np.testing.assert_array_equal(inc.coef_, manual.coef_)


# -- bounded memory -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["array", "frame"])
def test_at_most_two_blocks_in_memory(kind):
    X = _ids(1200)
    y = np.arange(1200) % 2
    if kind == "array":
        Xd = da.from_array(X, chunks=CHUNK).map_blocks(_tag_load, dtype=float)
        yd = da.from_array(y, chunks=CHUNK)
    else:
        pdf = pd.DataFrame(X, columns=["id", "a", "b"])
        pdf["y"] = y
        df = dd.from_pandas(pdf, npartitions=12)
        df = df.map_partitions(
            lambda p, partition_info=None: (
                _record(("load", partition_info["number"])) or p
            ),
            meta=df._meta,
        )
        Xd, yd = df[["id", "a", "b"]], df["y"]
    inc = Incremental(Recorder(pause=0.01), random_state=0, epochs=2).fit(Xd, yd)
    assert len(inc.calls_) == 24
    loads = [i for k, i in _LOG if k == "load"]
    assert len(loads) == 24  # X and y of a block come from one read
    assert _max_in_memory(_LOG) <= 2  # the block being fitted + one read ahead


@pytest.fixture(scope="module")
def local_shuffled_fit(data):
    """Fitted on the local scheduler (module scope: built before any client exists)."""
    X, y = data
    Xd, yd = da.from_array(X, chunks=CHUNK), da.from_array(y, chunks=CHUNK)
    sgd = SGDClassifier(random_state=0)
    return Incremental(sgd, random_state=3, epochs=2).fit(Xd, yd, classes=[0, 1, 2])


@pytest.mark.distributed
def test_distributed_fit_runs_on_workers_and_equals_local(local_shuffled_fit, client, data):
    X, y = data
    sgd = SGDClassifier(random_state=0)
    Xd, yd = da.from_array(X, chunks=CHUNK), da.from_array(y, chunks=CHUNK)
    dist = Incremental(sgd, random_state=3, epochs=2).fit(Xd, yd, classes=[0, 1, 2])
    # same model as on the local scheduler: exact, the same calls on the same blocks
    np.testing.assert_array_equal(dist.coef_, local_shuffled_fit.coef_)
    Xt = da.from_array(_ids(1000), chunks=CHUNK).map_blocks(_tag_load, dtype=float)
    rec = Incremental(Recorder(pause=0.005), random_state=3, epochs=2).fit(Xt)
    # every partial_fit ran inside a worker, so the blocks never came to the client;
    # the client only received the final model
    workers = set(client.scheduler_info()["workers"])
    assert len(rec.workers_) == 20 and set(rec.workers_) <= workers
    assert _max_in_memory(_LOG) <= 2


# -- alignment, validation, pickling ------------------------------------------------------------


def test_alignment_of_y(data):
    X, y = data
    sgd = SGDClassifier(random_state=0)
    ref = Incremental(sgd, shuffle_blocks=False).fit(
        da.from_array(X, chunks=CHUNK), da.from_array(y, chunks=CHUNK)
    )
    # y in memory, or with other known chunks: rechunked to X's blocks (no data pass)
    for yy in (y, da.from_array(y, chunks=300)):
        got = Incremental(sgd, shuffle_blocks=False).fit(da.from_array(X, chunks=CHUNK), yy)
        np.testing.assert_array_equal(got.coef_, ref.coef_)

    Xd = da.from_array(X, chunks=CHUNK)
    keep = da.from_array(np.ones(len(y), bool), chunks=CHUNK)
    Xu, yu = Xd[keep], da.from_array(y, chunks=CHUNK)[keep]  # unknown sizes, same blocks
    got = Incremental(sgd, shuffle_blocks=False).fit(Xu, yu)
    np.testing.assert_array_equal(got.coef_, ref.coef_)

    yu_other = da.from_array(y, chunks=200)[da.from_array(np.ones(len(y), bool), chunks=200)]
    with pytest.raises(ValueError, match="assume_equal_chunks=False"):
        Incremental(sgd).fit(Xu, yu_other)
    got = Incremental(sgd, shuffle_blocks=False, assume_equal_chunks=False).fit(Xu, yu_other)
    np.testing.assert_array_equal(got.coef_, ref.coef_)
    with pytest.raises(ValueError, match="in memory but X's row blocks have unknown sizes"):
        Incremental(sgd).fit(Xu, y)
    got = Incremental(sgd, shuffle_blocks=False, assume_equal_chunks=False).fit(Xu, y)
    np.testing.assert_array_equal(got.coef_, ref.coef_)

    # same number of blocks, different unknown sizes: detected when the block is read
    shifted = da.from_array(y, chunks=((50, 150) + (CHUNK,) * 6,))
    shifted = shifted[da.from_array(np.ones(len(y), bool), chunks=((50, 150) + (CHUNK,) * 6,))]
    with pytest.raises(ValueError, match="partitioned alike"):
        Incremental(sgd, shuffle_blocks=False).fit(Xu, shifted)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        Incremental(sgd).fit(Xd, y[:-1])


def test_bad_estimators_and_parameters(data):
    X, y = data
    Xd = da.from_array(X, chunks=CHUNK)
    with pytest.raises(TypeError, match="partial_fit"):
        Incremental(LogisticRegression()).fit(Xd, y)
    with pytest.raises(ValueError, match="needs an estimator"):
        Incremental().fit(Xd, y)
    with pytest.raises(InvalidParameterError, match="epochs"):
        Incremental(SGDClassifier(), epochs=0).fit(Xd, y)
    with pytest.raises(InvalidParameterError, match="shuffle_blocks"):
        Incremental(SGDClassifier(), shuffle_blocks="yes").fit(Xd, y)
    with pytest.raises(ValueError, match="Unknown label type"):
        Incremental(SGDClassifier()).fit(Xd, da.from_array(X[:, 0], chunks=CHUNK))
    with pytest.raises(ValueError, match="requires y"):
        Incremental(SGDClassifier()).fit(Xd)


def test_pickling_and_scoring(data):
    X, y = data
    inc = Incremental(SGDClassifier(random_state=0), random_state=0).fit(
        da.from_array(X, chunks=CHUNK), da.from_array(y, chunks=CHUNK)
    )
    back = pickle.loads(pickle.dumps(inc))
    np.testing.assert_array_equal(back.coef_, inc.coef_)
    Xd, yd = da.from_array(X, chunks=CHUNK), da.from_array(y, chunks=CHUNK)
    np.testing.assert_array_equal(back.predict(Xd).compute(), inc.estimator_.predict(X))
    assert back.score(Xd, yd) == pytest.approx(inc.estimator_.score(X, y), rel=1e-12)
    clone_ = clone(inc)
    assert not hasattr(clone_, "estimator_") and clone_.get_params()["random_state"] == 0


@settings(max_examples=10, deadline=None)
@given(sizes=st.lists(st.integers(0, 40), min_size=1, max_size=6).filter(lambda s: sum(s) > 0))
def test_any_chunking_equals_manual_loop_over_its_blocks(sizes):
    # Invariant: Incremental with shuffle_blocks=False is partial_fit over the non-empty
    # blocks in order, whatever the chunking.
    rng = np.random.default_rng(0)
    n = sum(sizes)
    X = rng.normal(size=(n, 3))
    y = np.arange(n) % 2
    Xd = da.from_array(X, chunks=(tuple(sizes), 3))
    yd = da.from_array(y, chunks=(tuple(sizes),))
    sgd = SGDClassifier(random_state=0)
    inc = Incremental(sgd, shuffle_blocks=False).fit(Xd, yd, classes=[0, 1])
    manual = clone(sgd)
    edges = np.concatenate([[0], np.cumsum(sizes)])
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        if b > a:
            manual.partial_fit(X[a:b], y[a:b], classes=[0, 1])
    np.testing.assert_array_equal(inc.coef_, manual.coef_)


# -- an already fitted estimator -------------------------------------------------------------


@pytest.mark.parametrize("kind", ["numpy", "dask_array", "unknown_chunks", "dask_frame"])
def test_prefit_estimator_predicts_and_scores_without_fit(data, kind):
    X, y = data
    cols = [f"f{i}" for i in range(X.shape[1])]
    Xfit = pd.DataFrame(X[:300], columns=cols) if kind == "dask_frame" else X[:300]
    sk = SGDClassifier(random_state=0).fit(Xfit, y[:300])
    wrapper = Incremental(sk, scoring="accuracy")
    if kind == "numpy":
        Xk, yk = X, y
    elif kind == "dask_frame":
        Xk = dd.from_pandas(pd.DataFrame(X, columns=cols), npartitions=4)
        yk = dd.from_pandas(pd.Series(y), npartitions=4)
    else:
        Xk, yk = da.from_array(X, chunks=CHUNK), da.from_array(y, chunks=CHUNK)
        if kind == "unknown_chunks":
            keep = da.isfinite(Xk[:, 0])
            Xk, yk = Xk[keep], yk[keep]
    Xsk = pd.DataFrame(X, columns=cols) if kind == "dask_frame" else X
    for method in ("predict", "decision_function"):
        (out,) = dask.compute(getattr(wrapper, method)(Xk))
        out = out.to_numpy() if hasattr(out, "to_numpy") else out
        np.testing.assert_allclose(out, getattr(sk, method)(Xsk), rtol=1e-12, err_msg=method)
    assert wrapper.score(Xk, yk) == pytest.approx(sk.score(Xsk, y), rel=1e-12)
    if kind != "numpy":
        lazy = wrapper.score(Xk, yk, compute=False)
        assert isinstance(lazy, Delayed) and lazy.compute() == wrapper.score(Xk, yk)
    np.testing.assert_array_equal(wrapper.classes_, sk.classes_)
    assert "estimator_" not in vars(wrapper)


def test_prefit_then_fit_starts_from_a_clone_and_unfitted_raises(data):
    X, y = data
    sk = SGDClassifier(random_state=0).fit(X[:300], y[:300])
    coef = sk.coef_.copy()
    Xd, yd = da.from_array(X, chunks=CHUNK), da.from_array(y, chunks=CHUNK)
    wrapper = Incremental(sk, shuffle_blocks=False).fit(Xd, yd)
    np.testing.assert_array_equal(sk.coef_, coef)  # the wrapped model is untouched
    expected = _manual(SGDClassifier(random_state=0), X, y, [range(8)], classes=np.unique(y))
    np.testing.assert_allclose(wrapper.coef_, expected.coef_, rtol=1e-12)
    with pytest.raises(NotFittedError, match="neither is the estimator it wraps"):
        Incremental(SGDClassifier()).predict(Xd)
    with pytest.raises(NotFittedError):
        Incremental(SGDClassifier()).score(Xd, yd, compute=False)


def test_sparse_blocks_densified_for_an_estimator_without_sparse_support():
    import scipy.sparse as sp
    from sklearn.naive_bayes import GaussianNB

    X, y = make_classification(n_samples=80, n_features=4, random_state=0)
    X[np.abs(X) < 0.5] = 0.0
    Xd = da.from_array(X, chunks=(20, 4))
    Xs = Xd.map_blocks(sp.csr_matrix, meta=sp.csr_matrix((0, 4)))
    yd = da.from_array(y, chunks=20)
    # GaussianNB refuses sparse input: each block is densified when it is read
    got = Incremental(GaussianNB(), shuffle_blocks=False).fit(Xs, yd, classes=[0, 1])
    want = Incremental(GaussianNB(), shuffle_blocks=False).fit(Xd, yd, classes=[0, 1])
    np.testing.assert_allclose(got.estimator_.theta_, want.estimator_.theta_, rtol=1e-12)
    np.testing.assert_array_equal(got.predict(Xs).compute(), want.predict(Xd).compute())
    # SGDClassifier takes sparse input: its blocks stay sparse (scikit-learn's sparse path,
    # whose result differs from its dense one), as partial_fit on the CSR blocks gives
    got = Incremental(SGDClassifier(random_state=0), shuffle_blocks=False).fit(
        Xs, yd, classes=[0, 1]).estimator_
    want = SGDClassifier(random_state=0)
    for i in range(4):
        want.partial_fit(sp.csr_matrix(X[20 * i:20 * (i + 1)]), y[20 * i:20 * (i + 1)],
                         classes=[0, 1])
    np.testing.assert_allclose(got.coef_, want.coef_, rtol=1e-12)
