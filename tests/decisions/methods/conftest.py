"""The decision-method tests are pure Python: no database, no Django settings.

They also run with ``pytest -p no:django``. The root conftest's autouse fixtures ask for
pytest-django's ``settings``; without that plugin a stand-in is given here (these tests never
read Django settings). Under pytest-django nothing is overridden.
"""

import sys
import types

import pytest

if "pytest_django.plugin" not in sys.modules:

    @pytest.fixture
    def settings():
        return types.SimpleNamespace()
