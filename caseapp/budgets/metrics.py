"""Names of the metrics an indicator's 完成值 can be computed from."""

METRIC_LABELS = {
    "people_paid": "实际发放人数",
    "coverage_rate": "在档人员救助覆盖率",
    "on_time_share": "按期发放比例",
    "total_paid": "实际支出金额",
    "events_held": "举办评选次数",
    "awardees": "表彰集体/个人数",
    "satisfaction_rate": "满意度调查",
    "manual": "手工填报",
}
