"""Reading 绩效目标 documents: the importer's reader against a bare python-docx / openpyxl pass on the same file.

    .venv/bin/python bench/targets_read.py [--projects 50] [--repeat 3]

Builds one flat department table (every project with 8 indicator rows, its cells merged down them) as .docx
and as .xlsx, plus the seed document, and prints seconds per read next to the floor: opening the file with
the bare library and touching every cell's text (python-docx plus every ``w:tc``; openpyxl ``iter_rows``).
Building the .docx (python-docx merges) takes most of the run.
"""
from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

import docx  # noqa: E402
import openpyxl  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402

from caseapp.budgets.importer.questions import Answers  # noqa: E402
from caseapp.budgets.importer.reader import read_document  # noqa: E402
from tests.budgets.layout import C, to_docx, to_xlsx  # noqa: E402

SEED = Path(__file__).parents[1] / "caseapp" / "budgets" / "demo" / "weixian-2025-budget-performance.docx"
_ROWS = [("产出指标", "数量指标", "救助人数", "39人"), ("产出指标", "质量指标", "救助率", "≥95%"),
         ("产出指标", "时效指标", "完成时间", "12月底前到位"), ("产出指标", "成本指标", "人均标准", "1000元/人"),
         ("效益指标", "社会效益指标", "改造面积", "1,200平方米"), ("效益指标", "可持续影响指标", "覆盖里程", "35公里"),
         ("满意度指标", "服务对象满意度指标", "满意度", "≥90%"), ("产出指标", "数量指标", "慰问人次", "500人/次")]


def flat_layout(projects: int) -> list:
    """A department's flat table: 单位名称 | 项目名称 | 预算数 | 年度目标 | 一级 | 二级 | 三级 | 指标值."""
    rows = [["单位名称", "项目名称", "预算数", "年度目标", "一级指标", "二级指标", "三级指标", "指标值"]]
    for number in range(projects):
        first = [C("某县总工会", rows=len(_ROWS)), C(f"项目{number}", rows=len(_ROWS)),
                 C(f"{number + 1}.00", rows=len(_ROWS)), C("完成年度任务。", rows=len(_ROWS))]
        for index, row in enumerate(_ROWS):
            rows.append((first if index == 0 else []) + list(row))
    return ["2025年部门项目支出绩效目标表", "单位：万元", rows]


def bare_docx(data: bytes) -> int:
    """python-docx: open and read the text of every ``w:tc`` (``row.cells`` is far slower on merged tables)."""
    body = docx.Document(io.BytesIO(data)).element.body
    return sum(len("".join(t.text or "" for t in tc.iter(qn("w:t")))) for tc in body.iter(qn("w:tc")))


def bare_xlsx(data: bytes) -> int:
    """openpyxl: open (merged ranges need the normal mode) and read every value."""
    workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    return sum(1 for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)


def best(fn, data: bytes, repeat: int) -> float:
    """The fastest of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(data)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.setrecursionlimit(20_000)  # python-docx merges a cell down one row per recursion (单位名称 spans every row)
    layout = flat_layout(args.projects)
    cases = [("seed .docx", SEED.read_bytes(), "docx", bare_docx),
             (f"flat {args.projects} projects .docx", to_docx(layout), "docx", bare_docx),
             (f"flat {args.projects} projects .xlsx", to_xlsx(layout), "xlsx", bare_xlsx)]
    for name, data, kind, floor in cases:
        document = read_document(data, kind, Answers())
        assert not document.questions, document.questions
        bare = best(floor, data, args.repeat)
        read = best(lambda d, k=kind: read_document(d, k, Answers()), data, args.repeat)
        rows = sum(len(p.indicators) for p in document.projects)
        print(f"{name:32} {len(document.projects):4} projects {rows:5} indicators  "
              f"read {read:7.3f} s   bare library {bare:7.3f} s   ratio {read / bare:5.1f}", flush=True)


if __name__ == "__main__":
    main()
