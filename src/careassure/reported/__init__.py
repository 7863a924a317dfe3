"""Reported measures' values: entered in the app or imported, corrected with a reason, audited.

The declarations and the rules turning values into figures are pure and live in
:mod:`careassure.measures.reported`; this package stores the values people enter in the
application database (``tables``), checks and writes them (``service``), reads the import
template (``files``), makes the demo's histories (``demo``) and offers them on the command line
(``command``). Nothing here is imported by ``import careassure.reported``, so the CLI's help stays
instant.
"""
