"""How do we compare? Published national figures beside the council's own.

A council judges itself against England, its region, councils of its type and its nearest
neighbours, as CQC and LG Inform do. This package reads the files in which those figures are
published (:mod:`careassure.compare.layouts`), keeps several years of them in the application
database (:mod:`careassure.compare.tables`, :mod:`careassure.compare.store`), builds the
comparator groups and the statistics a reader quotes: median, range and rank
(:mod:`careassure.compare.comparison`), and declares which careassure measures have a national
twin and how their periods and definitions differ (:mod:`careassure.compare.twins`).

It sits beside plan, forecast and framework: it reads the measure catalogue and the application
database, and never imports the web app or the demo.
"""
