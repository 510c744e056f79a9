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
