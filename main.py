"""`python main.py ...` behaves exactly like the `fieldclient` console script."""

from fieldclient.cli import main

raise SystemExit(main())
