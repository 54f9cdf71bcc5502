"""督查考核: the county's supervision figures per department and period, the dashboard's
data, and the periodic report (通报) as PDF, XLSX and CSV (R12).

No models of its own: every figure is an aggregate query over the rows the other apps
keep (plans, tasks, draws, results, publications, follow-ups), so the figures can never
disagree with the records they summarise.
"""
