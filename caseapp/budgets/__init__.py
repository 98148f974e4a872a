"""Budget projects, spending plans, indicators, and the 绩效目标 document importer."""
