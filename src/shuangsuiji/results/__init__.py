"""Inspection results (检查结果), their publication (公示) within 20 working days, follow-up
(后续处置) and referral (线索移送): R8 and R9.  "谁检查、谁录入、谁公示"."""
