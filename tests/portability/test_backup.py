"""docs/deployment.md's SQLite online backup (Python's ``Connection.backup``) copies writes still in
the WAL, while another connection holds the database open."""

import sqlite3


def test_the_online_backup_of_a_wal_database_holds_every_committed_write(tmp_path):
    source = tmp_path / "concertation.sqlite3"
    writer = sqlite3.connect(source)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # the writes stay in the -wal file
    writer.execute("CREATE TABLE t (n INTEGER)")
    writer.executemany("INSERT INTO t VALUES (?)", [(n,) for n in range(500)])
    writer.commit()
    assert (tmp_path / "concertation.sqlite3-wal").stat().st_size > 0

    copy = tmp_path / "backup.sqlite3"
    src, dst = sqlite3.connect(source), sqlite3.connect(copy)
    src.backup(dst)
    dst.close()
    src.close()

    restored = sqlite3.connect(copy)
    assert restored.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert restored.execute("SELECT count(*), sum(n) FROM t").fetchone() == (500, sum(range(500)))
    restored.close()
    writer.close()
