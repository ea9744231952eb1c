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


def test_a_bar_in_a_jupyter_kernel_writes_no_warning(monkeypatch):
    """Inside a kernel without ipywidgets, ``tqdm.auto`` warns on import (with the local path
    of the environment): that warning must never reach a cell's output, bar on or off."""
    import nbformat
    from nbclient import NotebookClient

    cell = "from analysis.progress import progress\nlist(progress(range(3), desc='x'))"
    for disable in ("1", ""):
        monkeypatch.setenv("TQDM_DISABLE", disable)
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)])
        NotebookClient(nb, kernel_name="python3", timeout=120).execute()
        stderr = "".join(
            o.get("text", "") for o in nb.cells[0].outputs if o.get("name") == "stderr"
        )
        assert "Warning" not in stderr and "site-packages" not in stderr, stderr
