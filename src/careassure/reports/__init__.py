"""Reports written by careassure: the committee update, the DHSC quarterly return and the
self-assessment, as Word, PDF and HTML (the return also as JSON and CSV), each with a trace of
every figure it quotes.

Entry points: :func:`careassure.reports.generate.build` (a report's document from an open store
and the application database) and :func:`careassure.reports.output.write_report`; the command is
``careassure report`` (:mod:`careassure.reports.command`). docs/reports.md describes the reports.
"""
