"""Background jobs: run records, scheduler heartbeat, locks, the in-process scheduler and the admin page."""
