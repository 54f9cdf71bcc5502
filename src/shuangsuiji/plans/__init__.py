"""Annual random-inspection plans (年度随机抽查计划) and their amendments (计划调整)."""
