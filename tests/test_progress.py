import numpy as np

from analysis.progress import progress
from analysis.studies.stats import bootstrap_auc_samples


def test_bars_are_off_under_tqdm_disable_and_on_otherwise(monkeypatch):
    monkeypatch.setenv("TQDM_DISABLE", "1")
    assert progress(range(3), desc="x").disable
    monkeypatch.delenv("TQDM_DISABLE")
    bar = progress(range(3), desc="x")
    assert not bar.disable and list(bar) == [0, 1, 2]
    assert progress(range(3), enabled=False).disable


def test_large_bootstraps_show_progress_on_stderr(monkeypatch, capsys):
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    rng = np.random.default_rng(0)
    y = rng.random(200_000) < 0.3
    bootstrap_auc_samples(y, rng.random(200_000), n_boot=1001, random_state=0)
    assert "bootstrap" in capsys.readouterr().err
    bootstrap_auc_samples(y[:1000], rng.random(1000), n_boot=50, random_state=0)
    assert "bootstrap" not in capsys.readouterr().err  # small work: no bar
