"""``python -m policytext`` runs the command line."""

import sys

from policytext.cli import main

sys.exit(main())
