"""The conda environment pins the same versions as the pip constraints."""

import re

import yaml

from analysis.paths import resolve


def pins(path):
    out = {}
    for line in resolve(path).read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)", line.strip())
        if m:
            out[m.group(1).lower().replace("_", "-")] = m.group(2)
    return out


def test_environment_yml_matches_constraints():
    constraints = pins("requirements/constraints.txt")
    env = yaml.safe_load(resolve("environment.yml").read_text())
    conda = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and "=" in dep:
            name, version = dep.split("=", 1)
            conda[name.lower()] = version
        elif isinstance(dep, dict):  # the pip section: name==version
            for item in dep.get("pip", []):
                if "==" in item:
                    name, version = item.split("==", 1)
                    conda[name.lower()] = version.split()[0]
    assert conda.pop("python") == "3.11"
    assert len(conda) >= 15
    mismatched = {n: (v, constraints.get(n)) for n, v in conda.items() if constraints.get(n) != v}
    assert not mismatched, f"environment.yml vs constraints.txt: {mismatched}"


def test_every_direct_dependency_is_pinned():
    import tomllib

    project = tomllib.loads(resolve("pyproject.toml").read_text())["project"]
    constraints = pins("requirements/constraints.txt")
    deps = (
        project["dependencies"]
        + project["optional-dependencies"]["notebooks"]
        + ["pytest", "hypothesis"]
    )
    names = {re.split(r"[<>=\[ ]", d)[0].lower() for d in deps}
    assert not sorted(n for n in names if n not in constraints)
