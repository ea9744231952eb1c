"""No raw personal id reaches a report: build every report from inputs whose user ids are
phone numbers and whose contacts carry WeChat unionids and names, then scan every generated
file (HTML, executed notebooks, saved tables, exported CSV lists) for any of them."""

import gzip
import hashlib
import re

import pandas as pd
import pytest

from analysis.paths import resolve
from analysis.reports.build import discover, run_report

PHONE = re.compile(r"1[3-9]\d{9}")
UNIONID = re.compile(r"o[0-9A-Za-z_-]{27}")


def _phone(uid: str) -> str:
    return "13" + str(int(hashlib.sha256(uid.encode()).hexdigest(), 16))[:9]


def _unionid(uid: str) -> str:
    h = hashlib.sha256(("union" + uid).encode()).hexdigest()
    return "o" + h[:27]


def _personal_copy(src, out) -> set:
    """``src`` (canonical CSV folder) with phone-number ids, unionids and names, in ``out``;
    returns the personal values planted."""
    (out / "truth").mkdir(parents=True)
    contacts = pd.read_csv(src / "contacts.csv", dtype=str, keep_default_na=False)
    ids = {u: _phone(u) for u in contacts["user_id"]}
    assert len(set(ids.values())) == len(ids)
    contacts["user_id"] = contacts["user_id"].map(ids)
    contacts["referrer_id"] = contacts["referrer_id"].map(lambda r: ids.get(r, ""))
    contacts["unionid"] = [_unionid(u) for u in contacts["user_id"]]
    contacts["name"] = ["王" + u[-4:] for u in contacts["user_id"]]
    contacts.to_csv(out / "contacts.csv", index=False)
    for name in ("events.csv.gz", "orders.csv", "touches.csv.gz", "truth/users.csv.gz"):
        if not (src / name).is_file():
            continue
        df = pd.read_csv(src / name, dtype=str, keep_default_na=False)
        df["user_id"] = df["user_id"].map(lambda u: ids.get(u, u))  # group rows: no user
        df.to_csv(out / name, index=False)
    (out / "truth" / "params.json").write_text((src / "truth/params.json").read_text())
    return set(ids.values()) | set(contacts["unionid"]) | set(contacts["name"])


def _default_data_dir(report) -> str:
    found = re.search(r'^data_dir = "([^"]+)"', report.source.read_text(encoding="utf-8"), re.M)
    return found.group(1) if found else "data/sample"


@pytest.fixture(scope="module")
def personal_data(tmp_path_factory):
    """Each report's default data folder (the sample; the touches sample) with phone-number
    ids, unionids and names, in canonical CSV files: {default data_dir: copy}, secrets."""
    folders, secrets = {}, set()
    for src in sorted({_default_data_dir(r) for r in discover()}):
        out = tmp_path_factory.mktemp("personal")
        secrets |= _personal_copy(resolve(src), out)
        folders[src] = out
    return folders, secrets


def _text(path):
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    return raw.decode("utf-8", errors="replace")


def leaks_in(folder, secrets) -> dict:
    """Files under ``folder`` that contain any of ``secrets`` (first three per file)."""
    leaks = {}
    for p in (p for p in folder.rglob("*") if p.is_file()):
        text = _text(p)
        found = {m for m in PHONE.findall(text) + UNIONID.findall(text) if m in secrets}
        found |= {s for s in secrets if s.startswith("王") and s in text}
        if found:
            leaks[str(p.relative_to(folder))] = sorted(found)[:3]
    return leaks


def test_the_scan_finds_a_planted_id(tmp_path):
    secrets = {_phone("u1"), _unionid("u1"), "王1234"}
    (tmp_path / "ok.html").write_text("<p>p3f2a9c1b0d4e</p>")
    assert leaks_in(tmp_path, secrets) == {}
    for i, s in enumerate(sorted(secrets)):
        (tmp_path / f"leak{i}.csv").write_text(f"pseudo_id,x\n{s},1\n")
    assert len(leaks_in(tmp_path, secrets)) == 3


@pytest.mark.notebook
def test_no_raw_id_in_any_generated_file(personal_data, tmp_path):
    folders, secrets = personal_data
    for report in discover():
        data = folders[_default_data_dir(report)]
        params = {"data_dir": str(data), "truth_dir": str(data / "truth")}
        text = report.source.read_text(encoding="utf-8")
        wanted = {k: v for k, v in params.items() if re.search(rf"^{k} = ", text, re.M)}
        run_report(report, tmp_path, parameters=wanted)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".html" for p in files) and any(p.suffix == ".csv" for p in files)
    leaks = leaks_in(tmp_path, secrets)
    assert not leaks, f"raw ids in generated files: {leaks}"
