"""`python -m bench [seed|run] --scale N` (default: seed if needed, then run every metric)."""

from bench.run import main

raise SystemExit(main())
