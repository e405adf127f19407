"""`python -m quiz` behaves exactly like the `rnnprep` command."""

import sys

from quiz.cli import main

sys.exit(main())
