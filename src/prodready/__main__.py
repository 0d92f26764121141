from prodready.cli import main

raise SystemExit(main())
