"""One unit of work for requests, CLI commands and jobs: commit once, or nothing at all."""
import pytest
from sqlalchemy import func, select

from caseapp.core import context
from caseapp.core.db import db
from caseapp.core.errors import Conflict, ValidationFailed
from caseapp.core.uow import after_commit, keep_anyway, unit_of_work
from caseapp.orgs.models import Organisation


def _orgs(code: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Organisation).where(Organisation.code == code))


def _add_org(code: str) -> None:
    db.session.add(Organisation(code=code, name=f"组织{code}", level="county", path="/0/"))
    db.session.flush()


def test_work_commits_once_at_the_end(app):
    done = []
    with unit_of_work(context.OPERATOR):
        _add_org("U1")
        after_commit(lambda: done.append(_orgs("U1")))
        assert done == []
    assert done == [1] and _orgs("U1") == 1


def test_a_refusal_caught_by_the_caller_still_rolls_back(app):
    with unit_of_work(context.OPERATOR) as unit:
        _add_org("U2")
        try:
            raise Conflict("名额已满")
        except Conflict:
            pass  # a view that shows the message and redirects
        after_commit(lambda: pytest.fail("ran after a rollback"))
    assert unit.refused and _orgs("U2") == 0


def test_a_refusal_that_keeps_its_work_commits(app):
    class Counted(ValidationFailed):
        keeps_work = True

    with unit_of_work(context.OPERATOR):
        _add_org("U3")
        Counted("用户名或密码错误")
    assert _orgs("U3") == 1


def test_an_error_rolls_back(app):
    with pytest.raises(RuntimeError), unit_of_work(context.OPERATOR):
        _add_org("U4")
        raise RuntimeError("boom")
    assert _orgs("U4") == 0 and context.current_principal() is None


def test_a_cli_command_that_catches_a_refusal_commits_nothing(app):
    import click
    from flask.cli import AppGroup

    from caseapp.core.cli import operator_command

    group = AppGroup("uowtest")

    @group.command("add")
    @operator_command()
    def add():
        _add_org("U5")
        try:
            raise ValidationFailed("不合规")
        except ValidationFailed:
            click.echo("忽略")

    app.cli.add_command(group)
    try:
        result = app.test_cli_runner().invoke(args=["uowtest", "add"])
    finally:
        app.cli.commands.pop("uowtest")
    assert result.exit_code == 0 and _orgs("U5") == 0


def test_a_kept_write_stays_when_the_refused_work_is_rolled_back(app):
    with unit_of_work(context.OPERATOR) as unit:
        _add_org("U8")
        ValidationFailed("第3行：身份证号应为18位")  # a row check refused the import
        keep_anyway(lambda: _add_org("U9"))  # its error workbook must still be there for the download
    assert unit.refused and _orgs("U8") == 0 and _orgs("U9") == 1
