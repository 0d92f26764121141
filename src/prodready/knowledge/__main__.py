"""`python -m prodready.knowledge`: regenerate _tables.py from the data files (run by `make docs`)."""

from prodready.knowledge import write_tables

write_tables()
