"""Turns the /** name: text */ comments of a header into Markdown."""
import re
import sys

src = open(sys.argv[1]).read()
print("# calc API\n")
for name, text in re.findall(r"/\*\* (\w+): (.*?) \*/", src):
    print(f"- `{name}`: {text}")
