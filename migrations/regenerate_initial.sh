#!/bin/bash
# regenerate the single initial migration from the models (nothing deployed yet)
set -e
cd "$(dirname "$0")/.."
rm -rf ${TMPDIR:-/tmp}/caseapp-regen && mkdir -p ${TMPDIR:-/tmp}/caseapp-regen
rm -f migrations/versions/*.py
export CASEAPP_INSTANCE=${TMPDIR:-/tmp}/caseapp-regen
.venv/bin/caseapp db migrate -m "initial schema" --rev-id 0001 >/dev/null 2>&1
f=migrations/versions/0001_initial_schema.py
python3 - "$f" <<'PY'
import sys,re
p=sys.argv[1]; s=open(p).read()
s=s.replace('import sqlalchemy as sa\n','import sqlalchemy as sa\n\nfrom caseapp.core.ddl import APPEND_ONLY_TABLES, append_only_sql\n',1)
s=s.replace('    # ### end Alembic commands ###\n','''    # ### end Alembic commands ###
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY_TABLES:
        for stmt in append_only_sql(table, dialect):
            op.execute(stmt)
''',1)
open(p,'w').write(s)
PY
echo regenerated $f
