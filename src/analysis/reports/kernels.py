"""The kernels the reports run in: one per run (:func:`kernel_manager`), or one per job that
runs report after report (:class:`SharedKernel`), where a report's second language reuses
the first's results.

On small data (the sample) :func:`analysis.reports.build.build_reports` runs the reports one
after the other in one kernel per job instead of one kernel each: the kernel starts and
imports the kit once per job, and within a report the functions marked
:func:`analysis.reuse.reused` (the table loading, the model fits, the bootstraps, the
scans) compute once; the second language's run only words and draws. A new report forgets
the results kept, so each report's first language computes everything itself. Before each
run the kernel is made as a new one would be (:func:`fresh_run`): an empty namespace,
execution counts from 1, no open figure, matplotlib's and pandas' settings and the BLAS
thread limits as they were, warnings shown again, and the run's own folder and
environment. A test builds every report in one kernel and compares every saved table,
figure text and page with those of a kernel of its own.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Mapping

from analysis import reuse
from analysis.reuse import ENV as REUSE_ENV

_START: dict = {}  # matplotlib's settings, warning filters, thread limits at the first run


def _thread_defaults() -> dict[str, int]:
    """A new kernel's thread pool size for each kind of pool (``blas``, ``openmp``): the
    libraries that bring them (NumPy's and SciPy's BLAS, scikit-learn's OpenMP) loaded."""
    import scipy.linalg  # noqa: F401
    import sklearn.linear_model  # noqa: F401
    from threadpoolctl import threadpool_info

    return {lib["user_api"]: lib["num_threads"] for lib in threadpool_info()}


def _restore_thread_limits(defaults: Mapping[str, int]) -> None:
    """Every thread pool back to a new kernel's size (a report may have called
    ``threadpool_limits(limits=1)``, which lasts for the kernel)."""
    from threadpoolctl import ThreadpoolController

    for lib in ThreadpoolController().lib_controllers:
        want = defaults.get(lib.user_api)
        if want is not None and lib.num_threads != want:
            lib.set_num_threads(want)


def fresh_run(folder: str, env: Mapping[str, str], forget: bool = False) -> None:
    """In the kernel, before a run: make it as a new kernel of ``folder`` with ``env``;
    ``forget``: drop the results kept for reuse (a new report)."""
    import sys
    import warnings

    import matplotlib as mpl
    import matplotlib.pyplot as plt
    import pandas as pd
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=True)  # the namespace and In [N] start again
    plt.close("all")
    if not _START:  # the kernel's first run: its settings are a new kernel's
        # (not the inline backend's own: its backend and interactive mode, set on first use)
        threads = _thread_defaults()  # (first: what its imports set is then recorded too)
        rc = {k: v for k, v in mpl.rcParams.items() if k not in ("backend", "interactive")}
        _START.update(rc=rc, filters=list(warnings.filters), threads=threads)
    else:
        changed = {k: v for k, v in _START["rc"].items() if mpl.rcParams[k] != v}
        mpl.rcParams.update(changed)  # e.g. the CJK font a Chinese run chose
        warnings.filters[:] = _START["filters"]
        _restore_thread_limits(_START["threads"])
    pd.reset_option("^display")
    for module in list(sys.modules.values()):  # each run shows its warnings, as a new kernel
        registry = getattr(module, "__warningregistry__", None)
        if isinstance(registry, dict):
            registry.clear()
    if forget:
        reuse.clear()
    reuse.counts.update(hits=0, misses=0)  # (this run's; the results stay)
    os.chdir(folder)
    os.environ.update(env)


class ParameterHelpNotice:
    """Drops papermill's "Unable to parse line N '...'" notices: its parser of parameter help
    gives up on any line with two ``=`` (``silent_days = 30  # this long = silent``); the
    parameters themselves are injected and checked by the kit
    (:func:`analysis.reports.build.check_parameters`)."""

    @staticmethod
    def filter(record) -> bool:
        return not str(record.getMessage()).startswith("Unable to parse line")


def quiet_parameter_help() -> None:
    import logging

    log = logging.getLogger("papermill.translators")
    if not any(isinstance(f, ParameterHelpNotice) for f in log.filters):
        log.addFilter(ParameterHelpNotice())


def kernel_manager(env: Mapping[str, str]):
    """A Jupyter kernel manager class whose kernels start with ``env`` on top of this
    process's environment: each report's own folders reach its kernel without changing
    ``os.environ``, so several reports can run side by side (threads of one process).
    The kernel talks to the runner over Unix sockets (``ipc``), not over TCP on localhost: no
    other user of the machine can connect to it, and ipykernel has no reason to warn, on
    every report, that the channel is not encrypted."""
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    extra = dict(env)

    class ReportKernelManager(AsyncKernelManager):
        @default("transport")
        def _ipc_transport(self):
            return "ipc"

        @default("ip")
        def _socket_path(self):
            # absolute: the kernel starts in the report's folder, the runner stays where it is
            # (jupyter's default, a relative "kernel-ipc", made them look in two places)
            from jupyter_core.paths import jupyter_runtime_dir

            Path(jupyter_runtime_dir()).mkdir(parents=True, exist_ok=True)
            return str(Path(jupyter_runtime_dir()) / f"kernel-{uuid.uuid4()}-ipc")

        async def start_kernel(self, **kw):
            kw["env"] = {**os.environ, **kw.get("env", {}), **extra}
            return await super().start_kernel(**kw)

    return ReportKernelManager


class SharedKernel:
    """A kernel that runs several notebooks in turn (see the module docstring): start it
    with the environment every run shares, :meth:`prepare` it before each run, pass
    :attr:`km` to papermill, and :meth:`shutdown` it at the end."""

    def __init__(self, manager_class, folder: Path):
        from jupyter_core.utils import run_sync

        self._manager_class = manager_class
        self._run = run_sync
        self._folder = Path(folder)
        self._start()

    def _start(self) -> None:
        self.km = self._manager_class(kernel_name="python3")
        self._folder.mkdir(parents=True, exist_ok=True)
        self._run(self.km.start_kernel)(cwd=str(self._folder))
        self._report = None  # the report whose results the kernel keeps

    def prepare(self, folder: Path, env: Mapping[str, str], report: str | None = None) -> None:
        """Make the kernel as a new one in ``folder`` with ``env`` (:func:`fresh_run`); the
        results kept for reuse are dropped unless ``report`` is the one run last. A kernel
        that died (e.g. a report that ran out of memory) is replaced by a new one."""
        if not self._run(self.km.is_alive)():
            self.shutdown()
            self._start()
        forget = report is None or report != self._report
        self._report = report
        self._execute(
            "from analysis.reports.kernels import fresh_run as _fresh_run\n"
            f"_fresh_run({str(folder)!r}, {dict(env)!r}, forget={forget})\n"
        )

    def reused(self) -> int:
        """How many results the run since the last :meth:`prepare` reused."""
        return int(self._execute("", hits="__import__('analysis.reuse').reuse.counts['hits']"))

    def _execute(self, code: str, **expressions: str):
        """Run ``code`` in the kernel, silently; the value of the one expression given."""
        from jupyter_client.blocking import BlockingKernelClient

        kc = BlockingKernelClient()
        kc.load_connection_info(self.km.get_connection_info())
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            reply = kc.execute_interactive(
                code, silent=True, store_history=False, user_expressions=expressions, timeout=120
            )
        finally:
            kc.stop_channels()
        content = reply["content"]
        if content["status"] != "ok":
            raise RuntimeError(
                f"the shared kernel: {content.get('ename')}: {content.get('evalue')}"
            )
        for value in content.get("user_expressions", {}).values():
            if value.get("status") != "ok":
                raise RuntimeError(
                    f"the shared kernel: {value.get('ename')}: {value.get('evalue')}"
                )
            return value["data"]["text/plain"]
        return None

    def shutdown(self) -> None:
        self._run(self.km.shutdown_kernel)(now=True)  # (idle: nothing to finish)


class JobKernels:
    """One :class:`SharedKernel` per job (the thread that runs it), started when the job's
    first report needs it (:meth:`get`) with ``env`` and reuse on; :meth:`shutdown` them
    all at the end."""

    def __init__(self, folder: Path, env: Mapping[str, str]):
        self._folder, self._env = Path(folder), dict(env)
        self._kernels: dict[int, SharedKernel] = {}

    def get(self) -> SharedKernel:
        import threading

        job = threading.get_ident()
        if job not in self._kernels:
            manager = kernel_manager(shared_env(self._env))
            self._kernels[job] = SharedKernel(manager, self._folder)
        return self._kernels[job]

    def shutdown(self) -> None:
        for kernel in self._kernels.values():
            kernel.shutdown()


def shared_env(env: Mapping[str, str]) -> dict:
    """``env`` with the reuse of results switched on (:mod:`analysis.reuse`)."""
    return {**env, REUSE_ENV: "1"}
