"""The web UI shell: login, role homes, navigation, department workspace, public pages."""
