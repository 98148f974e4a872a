"""Award events (评选表彰): categories with caps and amounts, nominated and confirmed recipients."""
