"""Launch Gradient Mountain: `python main.py` (same as the `gradient-mountain` command)."""

from app.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
