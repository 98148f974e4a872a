"""Demo data: the 魏县 organisation tree, one user per role and the carried 2025 budget document."""
