"""A simulated brand of millions of contacts, written as a prepared store in bounded memory.

:func:`analysis.simulate.simulate` holds the whole brand in memory (5.3 GB at 1M contacts).
:func:`simulate_store` splits the brand into shards of at most ``shard_users`` contacts.
Each shard is an independent simulation of the same world over the same months, with its own
seed (drawn from ``seed`` by numpy's ``SeedSequence``) and its user and order ids numbered on
from the shard before. Each shard is written as Parquet and prepared with
:func:`analysis.data.prepare.prepare` (the validation a brand's data gets); then the shards'
stores are merged by :func:`analysis.data.store.merge_stores` into ``out``, with the truth of
every shard in ``out/truth`` (``users.csv.gz``, ``params.json``). Memory is that of one shard.

Why the shards make one world: every shard draws its organic contacts' joins from the same
distribution over the period, so together they draw as many from it as one simulation of the
whole brand would; referred contacts belong to their referrer's shard; every other mechanism
is per user. Only which random numbers each user gets differs from one big simulation.
The touch worlds are not sharded (their broadcasts go to the whole brand at once).
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from pathlib import Path

import numpy as np

from analysis.data.schema import DEFAULT_TZ
from analysis.progress import progress as progress_bar

#: contacts per shard by default: 10 shards of 500,000 peaked at 4.53 GB (simulated, then
#: prepared, one at a time)
SHARD_USERS = 500_000


def shard_sizes(n_users: int, shard_users: int) -> list[int]:
    """``n_users`` split into the fewest shards of at most ``shard_users``, as even as can be
    (the first shards one larger)."""
    if shard_users < 10:
        raise ValueError(f"shard_users must be at least 10, got {shard_users}")
    k = max(1, math.ceil(n_users / shard_users))
    sizes = [n_users // k + (1 if i < n_users % k else 0) for i in range(k)]
    if sizes[-1] < 10:
        raise ValueError(
            f"every shard needs at least 10 contacts: {n_users} contacts in shards of at most "
            f"{shard_users} make shards of {sizes[-1]}"
        )
    return sizes


def shard_seeds(seed: int, k: int) -> list[int]:
    """The shards' seeds: one 64-bit number from each of ``k`` independent streams spawned
    from ``seed`` (numpy's ``SeedSequence.spawn``)."""
    return [
        int(child.generate_state(1, np.uint64)[0])
        for child in np.random.SeedSequence(seed).spawn(k)
    ]


def _merged_params(shards: list[dict], *, seed: int, n_users: int, z, hazard, world) -> dict:
    """``params.json`` of the whole brand: the first shard's (the world's constants are the
    same in every shard) with the counts, the realised K-factor and, where written, the
    truth's AUCs over all shards' users."""
    from analysis.simulate.tables import truth_aucs
    from analysis.simulate.world import truth_for

    out = json.loads(json.dumps(shards[0]))
    counts = {k: sum(p["counts"][k] for p in shards) for k in shards[0]["counts"]}
    referred = sum(p["referrals"]["referred_contacts"] for p in shards)
    out.update(seed=seed, n_users_requested=n_users, n_users=counts["contacts"], counts=counts)
    out["shards"] = {
        "n": len(shards),
        "users_requested": [p["n_users_requested"] for p in shards],
        "seeds": [p["seed"] for p in shards],
        "contacts": [p["counts"]["contacts"] for p in shards],
    }
    out["referrals"]["referred_contacts"] = referred
    out["referrals"]["k_factor_realised"] = round(referred / counts["contacts"], 6)
    if "truth_auc" in out["churn"]:
        # from the rounded truth the shards wrote (6 and 8 decimals)
        aucs = truth_aucs(np.vstack(z), np.concatenate(hazard), truth_for(world))
        out["churn"]["truth_auc"] = aucs
    return out


def simulate_store(
    n_users: int,
    out: str | Path,
    *,
    shard_users: int = SHARD_USERS,
    months: int = 18,
    seed: int = 0,
    start: str = "2025-01-01",
    world: str = "effects",
    tz: str = DEFAULT_TZ,
    progress: bool = False,
) -> dict:
    """Simulate about ``n_users`` contacts shard by shard into the prepared store ``out``
    (see the module docstring). Returns the merged ``params.json``.

    Same arguments, same store: the shards' seeds come from ``seed``, and each shard's
    tables are what :func:`~analysis.simulate.simulate` gives for its seed and first ids.
    """
    from analysis.data.prepare import prepare
    from analysis.data.store import PREPARE_FILE, merge_stores
    from analysis.simulate import simulate
    from analysis.simulate.io import gzip_writer, write_csv_rows, write_tables
    from analysis.simulate.population import VALUE_NAMES, Period
    from analysis.simulate.tables import WITHOUT_TRUTH_AUC
    from analysis.simulate.touches import TOUCH_WORLDS
    from analysis.simulate.world import WORLDS

    if world in TOUCH_WORLDS or world not in WORLDS:
        raise ValueError(
            f"world must be one of {', '.join(WORLDS)} (the touch worlds are simulated "
            f"whole, not in shards), got {world!r}"
        )
    if months < 1:
        raise ValueError(f"months must be at least 1, got {months}")
    Period.of(start, months)  # a bad start fails here, before anything is written
    sizes = shard_sizes(n_users, shard_users)
    seeds = shard_seeds(seed, len(sizes))
    width = max(7, len(str(int(n_users * 1.5))))  # referrals add a few percent
    keep_latent = world not in WITHOUT_TRUTH_AUC  # for the truth AUCs over all shards
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / PREPARE_FILE).unlink(missing_ok=True)  # a half-written store is not a store
    for old in out.glob(".shards-*"):  # left by a run that was killed
        shutil.rmtree(old, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix=".shards-", dir=out))
    truth = work / "truth"
    truth.mkdir()
    bar = progress_bar(total=len(sizes), desc="shards", enabled=progress)
    first_user = first_order = 1
    params, stores, z, hazard = [], [], [], []
    try:
        with gzip_writer(truth / "users.csv.gz") as users_fh:
            for i, (n, s) in enumerate(zip(sizes, seeds)):
                sim = simulate(
                    n, months, s, start=start, world=world, tz=tz,
                    first_ids=(first_user, first_order), id_width=width,
                )  # fmt: skip
                raw = work / f"raw-{i:03d}"
                write_tables(sim, raw, "parquet")
                write_csv_rows(sim.users, users_fh, header=i == 0)
                if keep_latent:
                    z.append(sim.users[[f"z_{v}" for v in VALUE_NAMES]].to_numpy())
                    hazard.append(sim.users["churn_hazard_per_day"].to_numpy())
                params.append(sim.params)
                first_user += sim.params["counts"]["contacts"]
                first_order += sim.params["counts"]["orders"]
                del sim
                stores.append(work / f"shard-{i:03d}")
                prepare(raw, stores[-1], {"tz": tz})
                shutil.rmtree(raw)
                bar.update(1)
        merged = _merged_params(params, seed=seed, n_users=n_users, z=z, hazard=hazard, world=world)
        (truth / "params.json").write_text(
            json.dumps(merged, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        old_truth = out / "truth"
        if old_truth.is_symlink() or old_truth.is_file():
            old_truth.unlink()
        elif old_truth.exists():
            shutil.rmtree(old_truth)
        shutil.move(truth, old_truth)
        merge_stores(stores, out)  # writes prepare.json last
    finally:
        bar.close()
        shutil.rmtree(work, ignore_errors=True)
    return merged
