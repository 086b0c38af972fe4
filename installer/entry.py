"""The installed application's entry point: the same `workstation` command as a checkout's."""

import sys

from workstation.cli import main

if __name__ == "__main__":
    sys.exit(main())
