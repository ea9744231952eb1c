"""Results reused within one kernel (analysis.reuse): same inputs, the first result, as a copy."""

import warnings

import pandas as pd
import pytest

from analysis import reuse


@pytest.fixture
def active(monkeypatch):
    monkeypatch.setenv(reuse.ENV, "1")
    reuse.clear()
    yield
    reuse.clear()


def _counted():
    calls = []

    @reuse.reused
    def double(frame, *, by=2):
        calls.append(len(frame))
        return frame * by

    return double, calls


def test_off_unless_the_runner_switches_it_on(monkeypatch):
    monkeypatch.delenv(reuse.ENV, raising=False)
    double, calls = _counted()
    frame = pd.DataFrame({"x": [1, 2]})
    double(frame)
    double(frame)
    assert calls == [2, 2]
    assert not reuse.active()


def test_same_inputs_compute_once_and_each_caller_gets_a_copy(active):
    double, calls = _counted()
    first = double(pd.DataFrame({"x": [1, 2]}))
    first.loc[0, "x"] = 99  # a notebook changing what it got
    again = double(pd.DataFrame({"x": [1, 2]}))  # equal, not the same object
    assert calls == [2]
    assert again["x"].tolist() == [2, 4]
    assert reuse.counts == {"hits": 1, "misses": 1}


def test_other_inputs_compute_again(active):
    double, calls = _counted()
    double(pd.DataFrame({"x": [1, 2]}))
    assert double(pd.DataFrame({"x": [1, 3]}))["x"].tolist() == [2, 6]
    assert double(pd.DataFrame({"x": [1, 2]}), by=3)["x"].tolist() == [3, 6]
    assert double(pd.DataFrame({"x": [1.0, 2.0]}))["x"].tolist() == [2.0, 4.0]  # the dtype
    assert double(pd.DataFrame({"x": [1, 2]}, index=[5, 6])).index.tolist() == [5, 6]
    assert double(pd.DataFrame({"y": [1, 2]})).columns.tolist() == ["y"]
    assert calls == [2] * 6
    cats = [pd.Categorical(["a", "b"], categories=c) for c in (["a", "b"], ["b", "a"])]
    codes = [_codes(pd.DataFrame({"x": c})) for c in cats]
    assert codes == [[0, 1], [1, 0]]  # the same values, categories in another order: computed


@reuse.reused
def _codes(frame):
    return frame["x"].cat.codes.tolist()


def test_equal_content_is_the_same_input_whatever_its_memory_layout(active):
    double, calls = _counted()
    spread = pd.DataFrame({"a": [1, 2]})
    spread["b"] = [3.0, 4.0]
    spread["c"] = [5, 6]  # three blocks
    whole = pd.DataFrame({"a": [1, 2], "b": [3.0, 4.0], "c": [5, 6]})
    double(spread)
    double(whole)
    assert calls == [2]


def test_an_input_that_cannot_be_pickled_means_the_function_runs(active):
    calls = []

    @reuse.reused
    def apply(f, x):
        calls.append(x)
        return f(x)

    assert apply(lambda v: v + 1, 1) == 2
    assert apply(lambda v: v + 1, 1) == 2
    assert calls == [1, 1]


def test_warnings_of_the_first_call_are_given_again(active):
    @reuse.reused
    def noisy(x):
        warnings.warn(f"careful with {x}", UserWarning, stacklevel=1)
        return x

    for _ in range(2):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert noisy(3) == 3
        assert [str(w.message) for w in caught] == ["careful with 3"]
    assert reuse.counts["hits"] == 1


class Model:
    """An estimator whose fit returns itself (a module's class: instances pickle)."""

    fits = 0

    def __init__(self, k):
        self.k = k

    @reuse.reused(fits=True)
    def fit(self, xs):
        Model.fits += 1
        self.total_ = sum(xs) * self.k
        return self


def test_a_fit_gives_its_state_to_the_callers_estimator(active):
    Model.fits = 0
    first = Model(2).fit([1, 2])
    second = Model(2)
    assert second.fit([1, 2]) is second
    assert second.total_ == first.total_ == 6
    assert Model.fits == 1  # fitted once, by the first
    assert Model(3).fit([1, 2]).total_ == 9  # other parameters: fitted
    assert Model.fits == 2
    assert reuse.counts == {"hits": 1, "misses": 2}


def test_an_index_is_an_input_by_its_content(active):
    calls = []

    @reuse.reused
    def first(index):
        calls.append(1)
        return index[0]

    days = pd.date_range("2025-01-01", periods=3, freq="D", tz="Asia/Shanghai")
    assert first(days) == first(pd.DatetimeIndex(list(days))) == days[0]
    assert first(days.tz_convert("UTC")) == days[0]  # another zone: computed
    assert calls == [1, 1]


@reuse.reused
def _inner(x):
    return x + 1


@reuse.reused
def _outer(x):
    return _inner(x) * 2


def test_a_call_inside_a_reused_call_computes_and_is_not_kept(active):
    """The outer result is what a later run takes: the inner one would be a copy kept for
    nothing (the label sensitivity's ten bootstraps and study frames, on the sample)."""
    assert _outer(1) == 4
    assert reuse.counts == {"hits": 0, "misses": 1}
    assert len(reuse._results) == 1
    assert _inner(1) == 2  # called on its own: computed and kept
    assert _outer(1) == 4
    assert reuse.counts == {"hits": 1, "misses": 2}
