"""绩效自评: scoring settings, each project's self-evaluation, the department's, and their official tables."""
