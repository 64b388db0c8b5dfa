"""Conditions of the machine or absurd input are said in one line with their cause, never as a bug."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import copy_example, invoke
from tests.test_build import snapshot


@pytest.mark.parametrize(("moment", "year"), [("9999-12-31T23:00", 9999), ("0001-01-01T00:00", 1),
                                             ("1969-12-31T23:59", 1969)])
def test_absurd_clock_times_are_refused_in_one_line(moment: str, year: int) -> None:
    # The range is the deadline engine's (deadlines.FIRST_YEAR..LAST_YEAR); before, year 9999 overflowed.
    code, output = invoke("clock", "--aware", moment)
    assert code == 2
    assert output.splitlines()[-1] == (f"Error: Invalid value for --aware: the time of awareness is in the year "
                                       f"{year}; the clock counts only 2000 to 2099 - check the date")
    assert "internal error" not in output


STAGED = "dist/.danubia-pay-ag-3-1-offline-new-x/danubia-pay-ag-3-1-offline.zip.partial"


def _refuse(number: int) -> Any:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OSError(number, os.strerror(number), STAGED)
    return refuse


@pytest.mark.slow
@pytest.mark.parametrize(("where", "number", "cause"), [
    ("write_bundle", errno.ENOSPC, "No space left on device"),
    ("write_checksum", errno.EROFS, "Read-only file system"),
])
def test_a_full_disk_or_read_only_folder_is_said_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              where: str, number: int, cause: str) -> None:
    copy_example(tmp_path)
    assert invoke("build", cwd=tmp_path)[0] == 0
    before = snapshot(tmp_path / "site"), snapshot(tmp_path / "dist")
    monkeypatch.setattr(f"generator.build.{where}", _refuse(number))
    code, output = invoke("build", cwd=tmp_path)
    assert (code, output) == (1, f"{STAGED}: cannot read or write: {cause}\n"
                                 "Build failed; site/ and dist/ are unchanged.\n")
    assert (snapshot(tmp_path / "site"), snapshot(tmp_path / "dist")) == before


def test_a_read_only_project_folder_is_said_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy_example(tmp_path)

    def read_only(*args: Any, **kwargs: Any) -> str:  # tests run as root: chmod cannot stop a write
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(tmp_path / ".site-new-x"))
    monkeypatch.setattr("generator.build.tempfile.mkdtemp", read_only)
    code, output = invoke("build", cwd=tmp_path)
    assert (code, output) == (1, f"{tmp_path / '.site-new-x'}: cannot read or write: Read-only file system\n"
                                 "Build failed; site/ and dist/ are unchanged.\n")
