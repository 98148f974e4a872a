"""绩效运行监控: budget execution and indicator progress at a month end, entered forecasts, traffic lights."""
