"""Packaging: a licence in the repository, the sdist and the wheel; the test fixtures in the sdist;
ranges in pyproject.toml with every package pinned in constraints.txt; the data versions shown."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tomllib
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from generator import open_playbook
from generator.render import render_pages
from generator.versions import data_versions, zone_data_in_use
from tests.conftest import MINIMAL, ROOT, TODAY

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
CONSTRAINTS = {canonicalize_name(Requirement(line).name): Requirement(line)
               for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")}
DATA = {"tzdata", "holidays"}


def _requirements() -> list[Requirement]:
    return [Requirement(r) for r in PYPROJECT["dependencies"] + PYPROJECT["optional-dependencies"]["test"]]


def test_libraries_have_ranges_and_the_data_a_minimum() -> None:
    for requirement in _requirements():
        operators = {spec.operator for spec in requirement.specifier}
        if requirement.name.lower() in DATA:
            assert operators == {">="}, requirement
        else:
            assert "==" not in operators and ">=" in operators, requirement


def test_constraints_pin_every_requirement_within_its_range() -> None:
    for requirement in _requirements():
        pinned = CONSTRAINTS.get(canonicalize_name(requirement.name))
        assert pinned is not None, f"{requirement.name} is not in constraints.txt"
        [spec] = pinned.specifier
        assert spec.operator == "==" and requirement.specifier.contains(spec.version, prereleases=True), pinned


def test_the_metadata_says_what_a_package_index_needs() -> None:
    assert PYPROJECT["license"] == "MIT" and PYPROJECT["license-files"] == ["LICENSE"]
    assert PYPROJECT["requires-python"] == ">=3.11"
    assert {"Source", "Issues"} <= set(PYPROJECT["urls"])
    assert any(c.startswith("Framework :: MkDocs") for c in PYPROJECT["classifiers"])
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_regulators_page_shows_the_data_versions() -> None:
    pages = {page.path: page.markdown for page in render_pages(open_playbook(MINIMAL, today=TODAY).playbook)}
    versions = data_versions()
    assert versions["tzdata"] == f"{version('tzdata')} (IANA {__import__('tzdata').IANA_VERSION})"
    assert versions["holidays"] == version("holidays")
    zones = versions["zones"].replace("(", "&#40;").replace(")", "&#41;")
    assert (f"Computed with time-zone data {zones} and public holidays from holidays "
            f"{versions['holidays']}.") in pages["regulators.md"]


def test_the_time_zone_data_in_use_is_the_one_zoneinfo_reads(monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path: Path) -> None:
    import zoneinfo

    (tmp_path / "UTC").write_bytes(b"TZif")
    (tmp_path / "tzdata.zi").write_text("# version 2099z\n", encoding="utf-8")
    monkeypatch.setattr(zoneinfo, "TZPATH", (str(tmp_path / "missing"), str(tmp_path)))
    assert zone_data_in_use() == f"IANA 2099z ({tmp_path})"
    monkeypatch.setattr(zoneinfo, "TZPATH", ())
    assert zone_data_in_use() == f"IANA {__import__('tzdata').IANA_VERSION} (tzdata {version('tzdata')})"


@pytest.mark.slow
def test_sdist_has_the_fixtures_and_both_distributions_the_licence(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(tmp_path), str(ROOT)],
                          capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    [sdist] = tmp_path.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"LICENSE", "constraints.txt", "tests/fixtures/minimal/playbook.yml", "tests/conftest.py",
            "tests/golden/minimal/regulators.md", "playbook.yml", "mkdocs.yml"} <= names
    assert not any("__pycache__" in name for name in names)
    [wheel] = tmp_path.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        wheel_names = archive.namelist()
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in wheel_names), wheel_names[-10:]
    assert "generator/ci/github-workflow.yml" in wheel_names
