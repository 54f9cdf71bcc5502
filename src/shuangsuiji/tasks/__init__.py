"""Random inspection tasks (抽查任务): freeze, draw, matching, recusal, dispatch; plus
targeted (non-random) checks and third-party commissions."""
