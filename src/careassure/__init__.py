"""careassure: CQC assurance and improvement for adult social care, from case-level data.

Data flows one way: records -> measures -> plan/forecast/framework -> reports/web. Every
sub-package below ``web`` is importable without the web app or a database server.
"""

__version__ = "0.1.0"
