"""劳模 pages: list with filters, register form, detail masked, edit, benefit rules; scope 404s."""
from caseapp.core.idnumber import make_id_number
from caseapp.modelworkers import services
from tests.conftest import acting_as, login

ID = make_id_number(seq=401)


def _client(app, user):
    c = app.test_client()
    login(c, user)
    return c


def _form(org, **over):
    return {"name": "冯劳模", "id_number": ID, "phone": "13612345678", "org_code": org.code, "level": "县级",
            "title": "县级劳动模范", "year_awarded": "2023", "awarded_by": "魏县人民政府", "status": "在职",
            "allowance_monthly": "", **over}


def test_register_detail_and_list(app, tree):
    c = _client(app, tree.worker_a)
    assert "登记劳模" in c.get("/model-workers/new").get_data(as_text=True)
    resp = c.post("/model-workers/new", data=_form(tree.town_a, is_hardship="y", hardship_reason="因病"))
    assert resp.status_code == 302
    detail = c.get(resp.headers["Location"]).get_data(as_text=True)
    assert "冯劳模" in detail and ID not in detail and ID[:4] + "*" * 10 + ID[-4:] in detail
    assert "136****5678" in detail and "因病" in detail
    page = c.get("/model-workers/?hardship=1&level=县级&q=冯").get_data(as_text=True)
    assert "冯劳模" in page and "共 1 条" in page
    assert "冯劳模" not in c.get("/model-workers/?level=全国").get_data(as_text=True)


def test_form_errors_are_chinese_and_nothing_saved(app, tree):
    c = _client(app, tree.worker_a)
    resp = c.post("/model-workers/new", data=_form(tree.town_a, id_number="123"))
    assert resp.status_code == 422
    assert "身份证号应为18位" in resp.get_data(as_text=True)
    with acting_as(tree.admin):
        assert services.list_model_workers()[1] == 0


def test_edit_and_other_township_404(app, tree):
    with acting_as(tree.worker_a):
        mw = services.create_model_worker(name="冯劳模", id_number=ID, org_code=tree.town_a.code, level="县级",
                                          title="县级劳动模范", year_awarded=2023)
    c = _client(app, tree.worker_a)
    assert "修改劳模记录" in c.get(f"/model-workers/{mw.id}/edit").get_data(as_text=True)
    resp = c.post(f"/model-workers/{mw.id}/edit", data={**_form(tree.town_a), "status": "退休",
                                                         "is_allowance_paid": "y", "allowance_monthly": "300"})
    assert resp.status_code == 302
    assert "每月 ¥300.00" in c.get(f"/model-workers/{mw.id}").get_data(as_text=True)
    other = _client(app, tree.worker_b)
    assert other.get(f"/model-workers/{mw.id}").status_code == 404
    assert other.post(f"/model-workers/{mw.id}/edit", data=_form(tree.town_a)).status_code == 404
    assert _client(app, tree.auditor).get(f"/model-workers/{mw.id}/edit").status_code == 403


def test_benefit_rules_page_admin_adds_others_read(app, tree):
    admin = _client(app, tree.admin)
    resp = admin.post("/model-workers/benefit-rules", data={
        "year": "2025", "shape": "top_up", "level": "", "aid_type": "劳模帮扶", "hardship_only": "y",
        "threshold": "2,500", "amount": "", "description": "困难劳模差额补助（冀财规〔2022〕7号）"})
    assert resp.status_code == 302
    from caseapp.modelworkers.models import BenefitRule
    from caseapp.core.db import db

    rule = db.session.scalars(db.select(BenefitRule)).one()
    form = admin.get(f"/model-workers/benefit-rules/{rule.id}/edit").get_data(as_text=True)
    assert 'value="2500.00"' in form
    page = _client(app, tree.worker_a).get("/model-workers/benefit-rules").get_data(as_text=True)
    assert "差额补助" in page and "¥2,500.00" in page and "新增帮扶标准" not in page
    refused = _client(app, tree.worker_a).post("/model-workers/benefit-rules", data={
        "year": "2025", "shape": "fixed", "aid_type": "劳模帮扶", "amount": "100"})
    assert refused.status_code == 403


def test_nav_has_the_entry(app, tree):
    assert "/model-workers/" in _client(app, tree.auditor).get("/model-workers/").get_data(as_text=True)
