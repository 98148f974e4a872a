#!/bin/bash
# Regenerate the single initial migration from the models (allowed while nothing is deployed), with the
# registered trigger DDL written out literally for each engine. Review the result before committing.
set -e
cd "$(dirname "$0")/.."
tmp="${TMPDIR:-/tmp}/caseapp-regen"
rm -rf "$tmp" && mkdir -p "$tmp"
rm -f migrations/versions/*.py
export CASEAPP_INSTANCE="$tmp"
.venv/bin/caseapp db migrate -m "initial schema" --rev-id 0001 >/dev/null 2>&1
.venv/bin/python - migrations/versions/0001_initial_schema.py <<'PY'
import sys
from caseapp import create_app
from caseapp.core.ddl import all_ddl

create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
path = sys.argv[1]
src = open(path).read()
ddl = {d: all_ddl(d) for d in ("postgresql", "sqlite")}
block = "\n\n#: triggers registered next to the models (caseapp.core.ddl), written out per engine\nTRIGGERS = {\n"
for dialect, stmts in ddl.items():
    block += f"    {dialect!r}: [\n" + "".join(f"        {s!r},\n" for s in stmts) + "    ],\n"
block += "}\n"
src = src.replace("depends_on = None\n", "depends_on = None\n" + block, 1)
src = src.replace("    # ### end Alembic commands ###\n",
                  "    # ### end Alembic commands ###\n    for stmt in TRIGGERS[op.get_bind().dialect.name]:\n        op.execute(stmt)\n", 1)
open(path, "w").write(src)
print("regenerated", path)
PY
