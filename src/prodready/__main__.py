from prodready.cli import main  # the sys.path guard ran in prodready/__init__.py

raise SystemExit(main())
