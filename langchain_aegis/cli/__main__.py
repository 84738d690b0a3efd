"""``python -m langchain_aegis.cli``: the same as the ``aegis`` command.

It must not hold logic of its own.
"""

from langchain_aegis.cli import main

raise SystemExit(main())
