"""The file kept between an import's preview and its confirmation is handed back only to its owner."""

from django.contrib.sessions.backends.signed_cookies import SessionStore

from concertation.core import kept_upload
from concertation.core.kept_upload import KeptUpload

KEPT = KeptUpload("test_import", file_prefix="essai-")


def request_with(rf, session, token=""):
    request = rf.post("/", {"token": token})
    request.session = session
    return request


def test_the_file_comes_back_with_its_token_and_owner_only(rf):
    session = SessionStore()
    token = KEPT.keep(request_with(rf, session), owner=("plan", 3), name="mesures.csv", data=b"a;b\n1;2\n")
    assert KEPT.take(request_with(rf, session, token), owner=("plan", 3)) == (b"a;b\n1;2\n", "mesures.csv")
    assert KEPT.take(request_with(rf, session, "autre"), owner=("plan", 3)) is None
    assert KEPT.take(request_with(rf, session, token), owner=("plan", 4)) is None
    KEPT.forget(request_with(rf, session))
    assert KEPT.take(request_with(rf, session, token), owner=("plan", 3)) is None


def test_a_large_file_goes_to_the_storage_and_is_removed_when_forgotten(rf, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(kept_upload, "INLINE_LIMIT", 4)
    session = SessionStore()
    token = KEPT.keep(request_with(rf, session), owner=("territory", 1), name="gros.csv", data=b"0123456789")
    path = session["test_import"]["path"]
    assert path.startswith("imports/essai-") and (tmp_path / path).exists()
    assert KEPT.take(request_with(rf, session, token), owner=("territory", 1)) == (b"0123456789", "gros.csv")
    KEPT.forget(request_with(rf, session))
    assert not (tmp_path / path).exists()
