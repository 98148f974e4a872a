"""Persons (人员): one row per real person, keyed by the keyed hash of the 身份证号."""
