"""满意度调查: sampling frames, samples, call sheets, answers, results feeding the 满意度 indicator."""
