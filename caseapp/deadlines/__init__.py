"""Deadlines: rules read from the budget document or added by hand, resolved to dates, and the daily scan."""
