"""The CYPE Directorate Scorecard: data in, a published edition (website, PDF, downloads) out.

The pipeline, one subpackage per stage:

- ``rules``   periods, printed numbers, RAG ratings, direction of travel (pure functions)
- ``inputs``  the data folder, edition parameters and analysts' files, read and checked
- ``engine``  the edition: every printed table, cell and rating, decided once
- ``content`` tables (great-tables), charts (Altair), commentary, lint, the notebooks' page API
- ``publish`` executing the notebooks (papermill), the website and the PDF, with or without Quarto
- ``cli``     the `scorecard` command on top; nothing imports it
"""

__version__ = "0.2.0"

# jsonschema (used by nbformat and Altair) imports rfc3987_syntax when it is installed (JupyterLab's
# jupyter-events pulls it in), which compiles 39 grammars at import: ~1 s in every process and every
# kernel. No schema the scorecard validates checks IRI formats, so that import is declined here.
import sys as _sys

_sys.modules.setdefault("rfc3987_syntax", None)
