import sys

try:
    from portal.cli import main
except KeyboardInterrupt:  # Ctrl+C while the libraries load: nothing started yet, and no traceback
    print("interrupted", file=sys.stderr)
    sys.exit(130)

sys.exit(main())
