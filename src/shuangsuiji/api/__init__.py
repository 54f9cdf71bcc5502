"""The REST API (django-ninja, OpenAPI 3) and the file exchange with the national platform
(国家企业信用信息公示系统 / 部门协同监管平台), R14.  See ``docs/api.md``."""
