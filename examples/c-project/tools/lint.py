"""Style checks: no trailing blanks, lines of at most 100 characters."""
import pathlib
import sys

problems = 0
for root in sys.argv[1:]:
    for path in sorted(pathlib.Path(root).rglob("*.[ch]")):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if line != line.rstrip():
                print(f"{path}:{n}: trailing blank")
                problems += 1
            if len(line) > 100:
                print(f"{path}:{n}: line longer than 100")
                problems += 1
print(f"lint: {problems} problem(s)")
sys.exit(1 if problems else 0)
