"""`python -m brief_reader`: the same as the `brief-reader` command."""

import sys

from brief_reader.tui.cli import main

sys.exit(main())
