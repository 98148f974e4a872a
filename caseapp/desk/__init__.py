"""工作台: each role's home page with its work queue, deadlines, overdue reviews and what could not be sent."""
