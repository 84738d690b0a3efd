"""``python -m langchain_aegis.cli``: the same as the ``aegis`` command."""

from langchain_aegis.cli import main

raise SystemExit(main())
