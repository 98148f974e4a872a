"""Excel rosters (花名册): templates, all-or-nothing imports and exports for every roster kind."""
