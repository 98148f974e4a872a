"""The 2025 demo scores and exports from the command line, its deviations listed."""
import json

from tests.evaluation.readback import load_docx, load_xlsx


def test_demo_projects_score_and_export(app, tmp_path):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    scored = runner.invoke(args=["evaluation", "score", "--year", "2025", "--as-of", "2025-12-31", "--json"])
    assert scored.exit_code == 0, scored.output
    projects = {p["code"]: p for p in json.loads(scored.stdout)["projects"]}
    assert len(projects) == 3
    aid = {i["level3"]: i for i in projects["13043425P00430010001H"]["indicators"]}
    assert aid["满意率"]["source"] == "data" and aid["满意率"]["score"] == 10.0  # the demo's closed 电话回访
    award = {i["level3"]: i for i in projects["13043425P004300100025"]["indicators"]}
    assert award["评选县级先进集体、先进个人"]["needs_reason"]  # 100 promised, the 5万元 budget cannot pay them
    for fmt in ("xlsx", "docx"):
        out = tmp_path / f"all.{fmt}"
        done = runner.invoke(args=["evaluation", "export", "--year", "2025", "--format", fmt, str(out)])
        assert done.exit_code == 0, done.output
    assert len(load_xlsx((tmp_path / "all.xlsx").read_bytes()).worksheets) == 3
    assert len(load_docx((tmp_path / "all.docx").read_bytes()).tables) == 3
