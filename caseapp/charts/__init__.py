"""统计图表: budget execution against the spending plan, indicator progress, payments by month and aid type,
the deadline timeline; each chart drawn in the browser (vendored ECharts) from the server's numbers, which the
page also prints as a table."""
