"""一单两库: item lists, target directory, inspector directory."""
