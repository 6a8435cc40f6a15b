"""`python -m gas` runs the operator command."""

from gas.cli import main

raise SystemExit(main())
