"""Reminders: the outbox of findings per user, daily digests, and their delivery by e-mail."""
