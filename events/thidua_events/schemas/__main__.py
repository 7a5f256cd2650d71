import sys

from thidua_events.schemas import main

sys.exit(main())
