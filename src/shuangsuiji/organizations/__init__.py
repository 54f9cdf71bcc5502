"""Regions, departments, people, roles and the one data-scope policy."""
