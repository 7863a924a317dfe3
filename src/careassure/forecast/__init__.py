"""Forecast and capacity planning for waiting lists (see docs/forecast.md).

- :mod:`~careassure.forecast.formulas`: the closed-form planning formulas (Fong et al.);
- :mod:`~careassure.forecast.observed`: a queue's daily list, flows and waits from the store;
- :mod:`~careassure.forecast.simulate`: the vectorised Monte Carlo model and the
  NHSRwaitinglist-compatible scheduler ``fcfs_schedule``;
- :mod:`~careassure.forecast.planner`: targets to capacity, staffing plans to trajectories (the
  JSON behind ``careassure capacity --format json`` and the web planner page).

Nothing is imported here, so that the command line can load the package without NumPy.
"""
