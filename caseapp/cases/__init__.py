"""困难职工档案: hardship case files, their family members, status history and category thresholds."""
