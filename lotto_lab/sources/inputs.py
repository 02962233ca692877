"""Reading an input file: bytes, sha256, text encoding, and where each record sits in the file.

Every parser starts from a :class:`RawInput`. It keeps the bytes exactly as received (the store
archives them), decodes them as UTF-8 (with or without a BOM) or GBK/GB18030, and rejects empty
files, HTML pages and undecodable bytes with a :class:`~lotto_lab.errors.DataValidationError`.

Errors about one record name the 1-based line where the record starts in the file, as an editor
shows it. :class:`Origin` turns a record's position into that line number and builds the error.
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from lotto_lab.errors import ConfigError, DataValidationError

__all__ = [
    "Origin",
    "RawInput",
    "load_json",
    "read_csv_table",
    "read_input",
    "read_input_bytes",
]

_UTF8_BOM = b"\xef\xbb\xbf"
_HTML_START = re.compile(r"\s*(?:<!doctype\s+html|<html|<head|<body|<table|<\?xml)", re.IGNORECASE)
_CSV_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
# Nothing but blanks and the bytes of a BOM: the match stops at the first other byte, where
# bytes.strip would copy the whole file first.
_BLANK = re.compile(rb"[ \t\r\n\xef\xbb\xbf]*")


@dataclass(frozen=True, eq=False)
class RawInput:
    """One input file as received: its bytes, their sha256 and the decoded text."""

    path: Path
    data: bytes
    sha256: str
    text: str
    encoding: str

    @property
    def label(self) -> str:
        """The file name used in messages: the path as the user gave it."""
        return str(self.path)

    @property
    def looks_like_json(self) -> bool:
        """True when the first non-blank character opens a JSON array or object."""
        start = self.text.lstrip()[:1]
        return start in ("[", "{")


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise when neither UTF-8 nor GB18030 decodes the bytes."""
    if data.startswith(_UTF8_BOM):
        encodings = ("utf-8-sig",)
    else:
        encodings = ("utf-8", "gb18030")
    failures: list[UnicodeDecodeError] = []
    for encoding in encodings:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as error:
            failures.append(error)
    # The encoding that decoded further is the likelier one, so its failure is the one to show.
    failure = max(failures, key=lambda error: error.start)
    line = data.count(b"\n", 0, failure.start) + 1
    bad = data[failure.start : failure.end]
    raise DataValidationError(
        f"{path}, line {line}: bytes {bad!r} cannot be decoded as UTF-8 or GBK/GB18030 text. "
        "Nothing was stored; save the file as UTF-8 or GBK text and run lotto-lab ingest again.",
        zh=f"{path} 第 {line} 行：字节 {bad!r} 无法按 UTF-8 或 GBK/GB18030 解码。"
        "未写入任何数据；请将文件另存为 UTF-8 或 GBK 文本后重新运行 lotto-lab ingest。",
    )


def read_input_bytes(path: Path, data: bytes) -> RawInput:
    """Check and decode ``data`` read from ``path``; see :func:`read_input`."""
    if _BLANK.fullmatch(data):
        raise DataValidationError(
            f"{path}, line 1: the file is empty, so it holds no draws. Nothing was stored; choose a "
            "CSV or JSON file with one draw per row (see docs/data-formats.md).",
            zh=f"{path} 第 1 行：文件为空，没有任何开奖记录。未写入任何数据；请选择每行一期开奖的 "
            "CSV 或 JSON 文件（见 docs/data-formats.md）。",
        )
    text, encoding = _decode(path, data)
    html = _HTML_START.match(text.lstrip("\ufeff"))
    if html:
        line = text.count("\n", 0, html.end()) + 1
        start = html.group(0).strip()
        raise DataValidationError(
            f"{path}, line {line}: the file is a web page (it starts with {start!r}), not draw data. "
            "Nothing was stored; save the draw table as CSV or JSON and ingest that file.",
            zh=f"{path} 第 {line} 行：该文件是网页（以 {start!r} 开头），不是开奖数据。"
            "未写入任何数据；请把开奖表另存为 CSV 或 JSON 后再导入。",
        )
    return RawInput(
        path=path,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        text=text,
        encoding=encoding,
    )


def read_input(path: str | Path) -> RawInput:
    """Read ``path`` and return it checked and decoded.

    Raises
    ------
    ConfigError
        The path does not exist or is not a file.
    DataValidationError
        The file is empty, is an HTML page, or is neither UTF-8 nor GBK/GB18030 text.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(
            f"input file {path} does not exist or is not a file: pass the path of a CSV or JSON file",
            zh=f"输入文件 {path} 不存在或不是文件：请给出 CSV 或 JSON 文件的路径",
        )
    return read_input_bytes(path, path.read_bytes())


# -- locating records --------------------------------------------------------------------------


@dataclass(eq=False)
class Origin:
    """The file behind a parsed table, used to name a record's line in an error.

    ``lines`` gives the line of each record for CSV input. For JSON input it is filled on the
    first error only, from ``array_key`` (the key of the array of records, ``None`` for a
    top-level array), because finding the lines costs a second pass over the text.
    """

    raw: RawInput
    lines: np.ndarray | None = None
    array_key: str | None = None
    header_line: int = 1
    _json_lines: list[int] | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        """The file name used in messages."""
        return self.raw.label

    def line(self, position: int) -> int:
        """Return the 1-based line where record ``position`` (0-based, in file order) starts."""
        if self.lines is not None:
            return int(self.lines[position])
        if self._json_lines is None:
            self._json_lines = _json_item_lines(self.raw.text, self.array_key)
        if position < len(self._json_lines):
            return self._json_lines[position]
        return 1

    def row_error(self, position: int, rule_en: str, rule_zh: str) -> DataValidationError:
        """Return the error for record ``position``: file, line, the rule broken and what to do."""
        return self.line_error(self.line(position), rule_en, rule_zh)

    def line_error(self, line: int, rule_en: str, rule_zh: str) -> DataValidationError:
        """Return the error for line ``line`` of the file."""
        return DataValidationError(
            f"{self.label}, line {line}: {rule_en}. "
            "Nothing was stored; correct the row and run lotto-lab ingest again.",
            zh=f"{self.label} 第 {line} 行：{rule_zh}。"
            "未写入任何数据；请修正该行后重新运行 lotto-lab ingest。",
        )

    def header_error(self, rule_en: str, rule_zh: str) -> DataValidationError:
        """Return the error for a problem with the layout as a whole (a missing column and so on)."""
        return DataValidationError(
            f"{self.label}, line {self.header_line}: {rule_en}. "
            "Nothing was stored; see docs/data-formats.md for the supported layouts.",
            zh=f"{self.label} 第 {self.header_line} 行：{rule_zh}。"
            "未写入任何数据；支持的格式见 docs/data-formats.md。",
        )


def _json_item_lines(text: str, array_key: str | None) -> list[int]:
    """Return the start line of each element of the records array in a JSON text."""
    if array_key is None:
        start = text.index("[")
    else:
        match = re.search(rf'"{re.escape(array_key)}"\s*:\s*\[', text)
        if match is None:
            return []
        start = match.end() - 1
    newlines = [match.start() for match in re.finditer("\n", text)]
    decoder = json.JSONDecoder()
    whitespace = re.compile(r"[\s,]*")
    lines: list[int] = []
    position = whitespace.match(text, start + 1).end()
    while position < len(text) and text[position] != "]":
        lines.append(bisect.bisect_right(newlines, position - 1) + 1)
        _, position = decoder.raw_decode(text, position)
        position = whitespace.match(text, position).end()
    return lines


# -- JSON and CSV ------------------------------------------------------------------------------


def load_json(raw: RawInput) -> object:
    """Parse the text of ``raw`` as JSON; raise :class:`DataValidationError` at the broken line."""
    try:
        return json.loads(raw.text)
    except json.JSONDecodeError as error:
        raise DataValidationError(
            f"{raw.label}, line {error.lineno}: invalid JSON at column {error.colno} ({error.msg}). "
            "Nothing was stored; fix the file or export it again.",
            zh=f"{raw.label} 第 {error.lineno} 行：第 {error.colno} 列的 JSON 无效（{error.msg}）。"
            "未写入任何数据；请修正文件或重新导出。",
        ) from error


def read_csv_table(raw: RawInput) -> tuple[pd.DataFrame, Origin]:
    """Read CSV text into a frame of stripped strings, with the file line of every row.

    Blank rows are dropped. Column names are stripped but otherwise kept as written. A row with
    more fields than the header raises :class:`DataValidationError` naming that row's line.
    NOTE: line numbers assume no quoted field spans several lines; no supported layout has one.
    """
    try:
        table = pd.read_csv(
            io.StringIO(raw.text),
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
        )
    except pd.errors.ParserError as error:
        fields = _CSV_FIELDS.search(str(error))
        if fields is None:
            raise DataValidationError(
                f"{raw.label}: the file cannot be read as CSV ({error}). Nothing was stored; "
                "export it again as comma-separated values.",
                zh=f"{raw.label}：无法按 CSV 读取该文件（{error}）。"
                "未写入任何数据；请重新导出为逗号分隔的 CSV。",
            ) from error
        expected, line, seen = (int(number) for number in fields.groups())
        header_line, width = _header_fields(raw.text)
        if expected != width:
            # The first row had more fields than the header, so pandas took its width as the
            # table's and failed on a later, still wider row: the first row is the one to name.
            line, seen, expected = header_line + 1, expected, width
        raise _too_many_fields(raw, line, seen, expected) from error
    except pd.errors.EmptyDataError as error:
        raise DataValidationError(
            f"{raw.label}, line 1: the file has no header and no draws. Nothing was stored; choose a "
            "CSV or JSON file with one draw per row (see docs/data-formats.md).",
            zh=f"{raw.label} 第 1 行：文件没有表头也没有开奖记录。未写入任何数据；请选择每行一期开奖的 "
            "CSV 或 JSON 文件（见 docs/data-formats.md）。",
        ) from error

    if not isinstance(table.index, pd.RangeIndex):
        # pandas reads the surplus fields of a first row wider than the header as an index.
        header_line, _ = _header_fields(raw.text)
        width = len(table.columns)
        raise _too_many_fields(raw, header_line + 1, width + table.index.nlevels, width)

    table.columns = [str(name).strip().lstrip("\ufeff") for name in table.columns]
    for column in table.columns:
        table[column] = table[column].str.strip()
    lines = np.arange(len(table), dtype=np.int64) + 2
    filled = (table != "").any(axis=1).to_numpy()
    table = table.loc[filled].reset_index(drop=True)
    return table, Origin(raw=raw, lines=lines[filled])


def _header_fields(text: str) -> tuple[int, int]:
    """Return the line of the CSV header (the first line that is not blank) and its field count."""
    for line, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if row:
            return line, len(row)
    return 1, 0


def _too_many_fields(raw: RawInput, line: int, seen: int, expected: int) -> DataValidationError:
    """Return the error for a CSV row with more fields than the header."""
    return Origin(raw=raw).line_error(
        line,
        f"the row has {seen} fields but the header has {expected}",
        f"该行有 {seen} 个字段，但表头有 {expected} 个",
    )
