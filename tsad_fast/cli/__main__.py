"""``python -m tsad_fast.cli``."""
import sys

from tsad_fast.cli import main

sys.exit(main())
