from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from concertation.directory.models import College
from concertation.spaces.models import MembershipCategory, Role, Space

from .factories import (
    CharterFactory,
    CollegeFactory,
    DelegationFactory,
    MembershipFactory,
    OrganizationFactory,
    RoleAssignmentFactory,
    RoleFactory,
    SpaceFactory,
    TerritoryFactory,
    UserFactory,
)

PASSWORD = "motdepasse-solide-123"

# Wall-clock deadlines make property tests flaky on a loaded 2-core CI machine.
hypothesis_settings.register_profile("concertation", deadline=None)
hypothesis_settings.load_profile("concertation")


@pytest.fixture(autouse=True)
def _fast_test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Real password hashing costs ~0.3 s a user; tests create many.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language (fr-CA), whatever the test before it
    activated: a request in English leaves the thread's language set (the middleware does not
    deactivate it), and a later test reading a message would see English."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
                     "live_server"}
# Fixtures through which a test reaches the test database without the ones above: a module-scoped
# world built with django_db_blocker.unblock() asks for django_db_setup. (django_db_blocker itself
# is in every test's closure, through pytest-django's autouse fixtures: it says nothing.)
DATABASE_SETUP_FIXTURES = {"django_db_setup", "_django_db_helper"}


def uses_database(item) -> bool:
    """Whether a test may reach the test database: a ``django_db`` marker, or a fixture of the
    database (``db``, ``transactional_db``, ``live_server``, ``django_db_setup``…) anywhere in its
    resolved fixture closure (``item.fixturenames``: its own fixtures, the autouse ones and all
    they depend on), or a Django TestCase with databases. Any other test cannot touch the database:
    pytest-django refuses it ("Database access not allowed")."""
    if item.get_closest_marker("django_db") is not None:
        return True
    if (DATABASE_FIXTURES | DATABASE_SETUP_FIXTURES) & set(getattr(item, "fixturenames", ())):
        return True
    test_case = getattr(item, "cls", None)
    return bool(test_case is not None and getattr(test_case, "databases", None))


# The search index follows every write through signals (issue 17), which doubles the cost of the
# writes that build the tests' worlds. It runs where it is what is tested or what a person would use:
# the search's tests, the security reviews of the search, the browser tests (the live product) and the
# demo's tests (every builder's write, through the signals). Elsewhere it is paused, as the demo
# loader and a territory's import pause it in production (search.signals.paused).
SEARCH_INDEXED = ("tests/search/", "tests/browser/", "tests/demo/", "tests/security/test_review_a.py")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    from concertation.search.signals import PAUSED

    PAUSED.set(not item.nodeid.startswith(SEARCH_INDEXED))


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only", action="store_true", default=False,
        help="Deselect the tests that use no database (scripts/test.sh's PostgreSQL phase: they "
             "already ran on SQLite and give the same answer on any database).",
    )


def pytest_collection_modifyitems(config, items):
    """``--database-tests-only`` (the PostgreSQL phase of scripts/test.sh): only the tests that use
    the database run.

    « Every test runs on SQLite and on PostgreSQL » is about the database's behaviour: a test whose
    fixture closure holds no database fixture and has no ``django_db`` marker cannot query the
    database (pytest-django blocks it), so it gives the same answer on both and running it again
    on PostgreSQL checks nothing more. It ran in the SQLite phase. Subprocess tests that start the
    real commands drop DATABASE_URL from their environment, so they do not depend on it either.
    The hook is generic: new tests are sorted by the same rule without anything to declare.

    It also keeps the browser tests in tests/browser/: scripts/test.sh collects only that directory
    for its browser phase (collecting the whole suite there cost ~10 s of one core), so a test
    marked ``browser`` elsewhere would run nowhere."""
    browser_dir = Path(__file__).resolve().parent / "browser"
    strays = [item.nodeid for item in items if item.get_closest_marker("browser") is not None
              and browser_dir not in Path(str(item.path)).resolve().parents]
    if strays:
        raise pytest.UsageError("browser tests live in tests/browser/ (scripts/test.sh runs only that "
                                "directory with -m browser); move: " + ", ".join(strays))
    if not config.getoption("database_tests_only"):
        return
    kept, deselected = [], []
    for item in items:
        (kept if uses_database(item) else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.fixture(autouse=True)
def _no_counters_left(request):
    """Each database test starts without rate-limit counters: they live in the database cache,
    whose table a transactional test's flush leaves as it is (a test's own transaction undoes the rest)."""
    if request.node.get_closest_marker("django_db") is None and not DATABASE_FIXTURES & set(request.fixturenames):
        return
    request.getfixturevalue("_django_db_helper")
    from django.core.cache import caches

    caches["default"].clear()


class World:
    """A territory with a public assembly, a members-only committee and a territory-wide working
    group, and one person of each kind of user; plus another territory."""


@pytest.fixture
def world(db):
    w = World()
    w.territory = TerritoryFactory(name="Pointe-Test", slug="pointe-test")
    w.community = CollegeFactory(territory=w.territory, name="Communautaire", slug="communautaire")
    w.citizen_college = CollegeFactory(territory=w.territory, name="Citoyen", slug="citoyen",
                                       kind=College.Kind.CITIZEN)
    w.assembly = SpaceFactory(territory=w.territory, name="Assemblée", slug="assemblee",
                              kind=Space.Kind.ASSEMBLY, visibility=Space.Visibility.PUBLIC)
    w.committee = SpaceFactory(territory=w.territory, name="Comité", slug="comite", parent=w.assembly,
                               kind=Space.Kind.COORDINATION_COMMITTEE, visibility=Space.Visibility.MEMBERS)
    w.group = SpaceFactory(territory=w.territory, name="Chantier", slug="chantier", parent=w.assembly,
                           kind=Space.Kind.WORKING_GROUP, visibility=Space.Visibility.TERRITORY)
    w.org = OrganizationFactory(territory=w.territory, name="Comité logement", college=w.community)
    w.observer_org = OrganizationFactory(territory=w.territory, name="Centraide")

    w.admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    w.coordinator = UserFactory(email="coord@example.org")
    w.territory.coordinators.add(w.coordinator)
    w.delegate = UserFactory(email="delegue@example.org")
    w.observer = UserFactory(email="observateur@example.org")
    w.citizen = UserFactory(email="citoyenne@example.org")
    w.facilitator = UserFactory(email="animation@example.org")
    w.outsider = UserFactory(email="dehors@example.org")
    w.foreigner = UserFactory(email="ailleurs@example.org")

    w.org_in_assembly = MembershipFactory(space=w.assembly, organization=w.org)
    DelegationFactory(membership=w.org_in_assembly, person=w.delegate)
    w.org_in_committee = MembershipFactory(space=w.committee, organization=w.org)
    DelegationFactory(membership=w.org_in_committee, person=w.delegate)
    w.observer_membership = MembershipFactory(space=w.assembly, organization=w.observer_org,
                                              category=MembershipCategory.OBSERVER)
    DelegationFactory(membership=w.observer_membership, person=w.observer)
    w.citizen_membership = MembershipFactory(space=w.assembly, organization=None, person=w.citizen,
                                             college=w.citizen_college)
    w.facilitator_membership = MembershipFactory(space=w.group, organization=None, person=w.facilitator)
    w.facilitation = RoleFactory(space=w.group, name="Animation", kind=Role.Kind.FACILITATION)
    RoleAssignmentFactory(role=w.facilitation, person=w.facilitator)
    CharterFactory(space=w.assembly, college_minimums={"citoyen": 1})

    w.other_territory = TerritoryFactory(name="Ailleurs", slug="ailleurs")
    w.other_space = SpaceFactory(territory=w.other_territory, name="Table d'ailleurs", slug="table",
                                 visibility=Space.Visibility.TERRITORY)
    foreign_membership = MembershipFactory(space=w.other_space, organization=None, person=w.foreigner)
    assert foreign_membership.pk
    w.users = {
        "anonymous": None, "outsider": w.outsider, "foreigner": w.foreigner, "observer": w.observer,
        "delegate": w.delegate, "citizen": w.citizen, "facilitator": w.facilitator,
        "coordinator": w.coordinator, "admin": w.admin,
    }
    return w


@pytest.fixture
def client_for(client):
    """client_for(user) → the test client signed in as that user (or anonymous for None)."""

    def make(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return make



