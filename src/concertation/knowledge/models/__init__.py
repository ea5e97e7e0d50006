"""The knowledge app's models, one module a subject."""

from .discussions import *  # noqa: F403
from .documents import *  # noqa: F403
from .portrait import *  # noqa: F403
from .practices import *  # noqa: F403
from .references import *  # noqa: F403
