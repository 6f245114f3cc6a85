"""`python -m knowledge`: see knowledge/cli.py."""

import sys

from knowledge.cli import main

if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # the reader went away (e.g. `| head`): leave quietly
        sys.stderr.close()
        sys.exit(0)
    except KeyboardInterrupt:  # Ctrl-C: no traceback
        sys.exit(130)
    except Exception as err:  # the contract: never a traceback, even for a bug
        print(f"error: internal error ({type(err).__name__}: {str(err)[:200]!r}); nothing more was done. Please report it with the input.",
              file=sys.stderr)
        sys.exit(1)
