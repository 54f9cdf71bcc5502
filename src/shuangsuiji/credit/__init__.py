"""Credit linkage (信用监管联动, R10): each entity's credit record (信用档案)."""
