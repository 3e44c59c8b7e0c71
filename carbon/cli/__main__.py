"""``python -m carbon.cli`` runs the ``carbon`` command."""

import sys

from carbon.cli import main

sys.exit(main())
