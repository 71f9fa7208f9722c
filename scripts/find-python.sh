#!/usr/bin/env sh
# Print the path of a Python >= 3.12 interpreter, or explain and fail.
for candidate in "${PYTHON:-}" python3.13 python3.12 python3; do
  [ -n "$candidate" ] || continue
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if "$path" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
    echo "$path"
    exit 0
  fi
done
echo "Cupboard needs Python 3.12 or newer (Django 6.1), and none was found." >&2
echo "Install Python 3.13 (e.g. 'pyenv install 3.13' or your OS package), or point PYTHON=/path/to/python3.13 at one." >&2
exit 1
