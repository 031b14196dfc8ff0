from spec_hooks.cli import main

raise SystemExit(main())
