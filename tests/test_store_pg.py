"""PostgreSQL only: store copy from an engagement's SQLite file, and the bad store URLs (one message, exit 2)."""

import pytest
from click.testing import CliRunner

from playbook import load
from playbook.cli import main
from playbook.core.responses import import_file
from playbook.core.store import Store, open_store
from playbook.core.store_url import ENV
from playbook.outreach import links

from .conftest import reset_pg, write_engagement


@pytest.fixture
def pg(pg_url, monkeypatch):
    reset_pg(pg_url)
    monkeypatch.delenv(ENV, raising=False)
    return pg_url


def _filled(tmp_path, name="eng", **fields):
    eng = load(write_engagement(tmp_path / name, rows=[("mkt-1", "MSE-1", "yes", "paper"),
                                                       ("sls-1", "SSE-1", "no", "")], **fields))
    import_file(eng)
    links.issue(eng, "mkt-1")
    links.revoke(eng, "mkt-1")
    links.issue(eng, "mkt-1", expires_days=7)
    links.issue_consultant(eng, "Ana Ruiz")
    with open_store(eng) as s:
        s.save("mkt-1", "MSE-1", "no", eng.period, "changed")
        s.save("mkt-1", "MSE-1", "yes", eng.period, "again")
        s.keep_comment("sls-1", "CS1-2", eng.period, "ask me later")
        s.submit("mkt-1", eng.period)
    return eng


def _rows(store):
    return store.rows_of()


def test_store_copy_moves_everything_row_by_row_and_twice_adds_nothing(tmp_path, pg):
    eng = _filled(tmp_path)
    res = CliRunner().invoke(main, ["store", "copy", str(eng.path), "--to", pg])
    assert res.exit_code == 0, res.output
    assert "answers: 4 added, 0 already there" in res.output and "tokens: 3 added" in res.output
    assert "submissions: 1 added" in res.output and "pending_comments: 1 added" in res.output
    assert "playbook-test" not in res.output  # never the password
    with Store.reader(eng.store_path) as src, Store(url=pg, engagement=eng.id, create=False) as dst:
        assert _rows(dst) == _rows(src)  # every row of every table, in order
    again = CliRunner().invoke(main, ["store", "copy", str(eng.path), "--to", pg])
    assert again.exit_code == 0 and "answers: 0 added, 4 already there" in again.output
    with Store.reader(eng.store_path) as src, Store(url=pg, engagement=eng.id, create=False) as dst:
        assert _rows(dst) == _rows(src)
    # the copy serves: the same link opens the same person's form through PostgreSQL
    with Store(url=pg, engagement=eng.id) as dst:
        live = [t for t in dst.tokens() if t["kind"] == "respondent" and t["revoked_at"] is None]
    assert len(live) == 1
    res = CliRunner().invoke(main, ["status", str(eng.path), "--store", pg])
    assert res.exit_code == 0, res.output


def test_store_copy_refuses_another_engagement_with_the_same_id(tmp_path, pg):
    first = _filled(tmp_path, "first")
    assert CliRunner().invoke(main, ["store", "copy", str(first.path), "--to", pg]).exit_code == 0
    other = load(write_engagement(tmp_path / "other", rows=[("mkt-1", "MSE-1", "no", "someone else")],
                                  client="Othercorp"))  # same id, test-eng
    import_file(other)
    with Store(url=pg, engagement=first.id, create=False) as dst:
        before = _rows(dst)
    res = CliRunner().invoke(main, ["store", "copy", str(other.path), "--to", pg])
    assert res.exit_code == 2 and "already holds engagement 'test-eng'" in res.output, res.output
    assert "Traceback" not in res.output
    with Store(url=pg, engagement=first.id, create=False) as dst:
        assert _rows(dst) == before  # nothing written


@pytest.mark.parametrize("url, words", [
    ("mysql://u@db.example.org/x", "is not a SQLite or PostgreSQL address"),
    ("not a url at all", "is not a SQLite or PostgreSQL address"),
])
def test_a_url_that_is_no_store_is_one_message(tmp_path, url, words, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    eng = load(write_engagement(tmp_path / "eng"))
    for args in (["status", str(eng.path), "--store", url], ["store", "copy", str(eng.path), "--to", url]):
        res = CliRunner().invoke(main, args)
        assert res.exit_code == 2 and words in res.output and "Traceback" not in res.output, (args, res.output)
    assert not eng.store_path.exists()


def test_an_unreachable_server_names_host_and_port(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    eng = load(write_engagement(tmp_path / "eng"))
    from .conftest import _free_port

    port = _free_port()  # nobody listens there
    res = CliRunner().invoke(main, ["invite", str(eng.path), "mkt-1", "--store",
                                    f"postgresql://u:secret@127.0.0.1:{port}/db"])
    assert res.exit_code == 2 and f"cannot reach the PostgreSQL store at 127.0.0.1:{port}" in res.output
    assert "secret" not in res.output and "Traceback" not in res.output
    assert not eng.store_path.exists()


def test_wrong_credentials_are_one_message(tmp_path, pg, monkeypatch):
    eng = load(write_engagement(tmp_path / "eng", rows=[("mkt-1", "MSE-1", "yes")]))
    bad = pg.replace(":playbook-test@", ":wrong@")
    res = CliRunner().invoke(main, ["import", str(eng.path), "--store", bad])
    assert res.exit_code == 2 and "refused user 'postgres': wrong user name or password" in res.output, res.output
    assert "wrong@" not in res.output and "Traceback" not in res.output
    monkeypatch.setenv(ENV, pg)
    with open_store(eng, read_only=True) as s:
        assert s.revision() is None  # nothing written


def test_an_older_postgresql_schema_is_refused_until_upgraded(tmp_path, pg, monkeypatch):
    """Tables there but no schema version (made by hand, or by a version before them): refused, then upgraded."""
    import sqlalchemy as sa

    engine = sa.create_engine(pg.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as c:
        c.exec_driver_sql("CREATE TABLE answers (id SERIAL PRIMARY KEY, respondent TEXT)")
    engine.dispose()
    eng = load(write_engagement(tmp_path / "eng"))
    res = CliRunner().invoke(main, ["status", str(eng.path), "--store", pg])
    assert res.exit_code == 2 and "run playbook store upgrade DIR" in res.output, res.output
    monkeypatch.setenv(ENV, pg)
    with pytest.raises(Exception, match="older than this version"):
        open_store(eng)
