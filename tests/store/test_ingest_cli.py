"""``lotto-lab ingest`` through the dispatcher and as a real subprocess."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from lotto_lab.cli import main
from lotto_lab.sources import FORMATS
from lotto_lab.store.ingest_cli import FORMAT_CHOICES
from lotto_lab.store.schema import TABLES


def _copy(database: Path, folder: Path) -> Path:
    target = folder / "copy.duckdb"
    shutil.copy(database, target)
    return target


def test_prints_one_line_per_game_english(bundled_db: Path, tmp_path: Path, capsys) -> None:
    database = _copy(bundled_db, tmp_path)
    assert main(["ingest", "--db", str(database), "--lang", "en"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "SSQ: read 3493 draws, added 0, unchanged 3493, quarantined 0; data through issue 2026096",
        "DLT: read 2913 draws, added 0, unchanged 2913, quarantined 0; data through issue 26095",
    ]


def test_prints_chinese_by_default(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOTTO_LAB_LANG", raising=False)
    assert main(["ingest", "--db", str(tmp_path / "new.duckdb"), "--game", "dlt"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "DLT: 读取 2913 期, 新增 2913 期, 未变 0 期, 隔离 0 行; 数据截至第 26095 期",
    ]


def test_user_file_with_format(tmp_path: Path, capsys) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("issue,draw_date,front_1,front_2,front_3,front_4,front_5,back_1,back_2\n"
                    "26096,2026-08-24,1,2,3,4,5,6,7\n", encoding="utf-8")  # fmt: skip
    code = main(
        [
            "ingest",
            "--db",
            str(tmp_path / "u.duckdb"),
            "--source",
            str(path),
            "--format",
            "wide",
            "--lang",
            "en",
        ]
    )
    assert code == 0
    assert capsys.readouterr().out.splitlines() == [
        "DLT: read 1 draws, added 1, unchanged 0, quarantined 0; data through issue 26096",
    ]


def test_unknown_game_exits_2(tmp_path: Path, capsys) -> None:
    database = tmp_path / "x.duckdb"
    assert main(["ingest", "--db", str(database), "--game", "kl8", "--lang", "en"]) == 2
    assert capsys.readouterr().err == "error: unknown game 'kl8': choose one of ssq, dlt, all\n"
    assert main(["ingest", "--db", str(database), "--game", "kl8", "--lang", "zh"]) == 2
    assert capsys.readouterr().err == "错误: 未知游戏 'kl8'：请从 ssq, dlt, all 中选择\n"
    assert not database.exists()


def test_bad_file_exits_1(tmp_path: Path, capsys) -> None:
    path = tmp_path / "page.csv"
    path.write_text("<html><body>502 Bad Gateway</body></html>", encoding="utf-8")
    assert main(["ingest", "--db", str(tmp_path / "x.duckdb"), "--source", str(path), "--lang", "en"]) == 1
    assert capsys.readouterr().err == (
        f"error: {path}, line 1: the file is a web page (it starts with '<html'), not draw data. Nothing was "
        "stored; save the draw table as CSV or JSON and ingest that file.\n"
    )


def test_format_with_bundled_exits_2(tmp_path: Path, capsys) -> None:
    assert main(["ingest", "--db", str(tmp_path / "x.duckdb"), "--format", "wide", "--lang", "en"]) == 2
    assert capsys.readouterr().err == (
        "error: --format wide applies to a file, not to the bundled data: "
        "leave it out or pass --source PATH\n"
    )


def test_format_choices_match_registry() -> None:
    assert FORMAT_CHOICES == tuple(FORMATS)


def test_cli_module_imports_stdlib_only() -> None:
    code = (
        "import sys\n"
        "import lotto_lab.store.ingest_cli\n"
        "print(sorted(name for name in ('pandas', 'duckdb', 'pandera', 'numpy') if name in sys.modules))\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "[]"


def test_installed_command(tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "lotto-lab"
    database = tmp_path / "cli.duckdb"
    completed = subprocess.run(
        [str(command), "ingest", "--db", str(database), "--game", "ssq", "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == (
        "SSQ: read 3493 draws, added 3493, unchanged 0, quarantined 0; data through issue 2026096\n"
    )
    assert completed.stderr == ""
    assert database.is_file()


SSQ_HEADER = "issue,draw_date,red_1,red_2,red_3,red_4,red_5,red_6,blue_1"
ROW_EN = "Nothing was stored; correct the row and run lotto-lab ingest again."
ROW_ZH = "未写入任何数据；请修正该行后重新运行 lotto-lab ingest。"

# file text, then the English and Chinese error after the path
BAD_FILES = [
    (
        f"{SSQ_HEADER}\n2030001,2030-01-01,4,6,14,21,22,33,16,9\n",
        f", line 2: the row has 10 fields but the header has 9. {ROW_EN}",
        f" 第 2 行：该行有 10 个字段，但表头有 9 个。{ROW_ZH}",
    ),
    (
        f"{SSQ_HEADER}\n2030001,2030-01-01,4,6,14,21,22,33,16,9,1\n2030002,2030-01-03,1,2,3,4,5,6,7\n",
        f", line 2: the row has 11 fields but the header has 9. {ROW_EN}",
        f" 第 2 行：该行有 11 个字段，但表头有 9 个。{ROW_ZH}",
    ),
    (
        f"{SSQ_HEADER}\n2030001,2030-01-01,4,6,14,21,22,33,16\n2030002,2030-02-30,1,2,3,4,5,6,7\n",
        f", line 3: draw date '2030-02-30' is not a calendar date: February 2030 has 28 days. {ROW_EN}",
        f" 第 3 行：开奖日期 '2030-02-30' 不是日历上的日期：2030 年 2 月只有 28 天。{ROW_ZH}",
    ),
]


def _row_counts(database: Path) -> dict[str, int]:
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}
    finally:
        connection.close()


@pytest.mark.parametrize(("text", "english", "chinese"), BAD_FILES, ids=["extra1", "extra2", "date"])
def test_bad_row_stores_nothing(tmp_path: Path, capsys, text: str, english: str, chinese: str) -> None:
    database = tmp_path / "exp.duckdb"
    good = tmp_path / "good.csv"
    good.write_text(f"{SSQ_HEADER}\n2029001,2029-01-02,1,2,3,4,5,6,7\n", encoding="utf-8")
    assert main(["ingest", "--db", str(database), "--source", str(good), "--lang", "en"]) == 0
    capsys.readouterr()
    before = _row_counts(database)
    assert before["draws"] == 1

    bad = tmp_path / "bad.csv"
    bad.write_text(text, encoding="utf-8")
    assert main(["ingest", "--db", str(database), "--source", str(bad), "--lang", "en"]) == 1
    assert capsys.readouterr().err == f"error: {bad}{english}\n"
    assert main(["ingest", "--db", str(database), "--source", str(bad), "--lang", "zh"]) == 1
    assert capsys.readouterr().err == f"错误: {bad}{chinese}\n"
    assert _row_counts(database) == before
