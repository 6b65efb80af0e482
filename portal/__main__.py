import sys

from portal.cli._main import main

sys.exit(main())
