"""`python -m knowledge`: see knowledge/cli.py."""

import sys

from knowledge.cli import main

if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # the reader went away (e.g. `| head`): leave quietly
        sys.stderr.close()
        sys.exit(0)
