"""Indicator 完成值: set-based roll-up of the case and payment data, hand-entered values, history."""
