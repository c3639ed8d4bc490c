import { codeOf, commentStyle, isDocPath, isTestPath } from '../paths.js';
import type { DiffFile } from '../types.js';
import { clip, snippet, type ReasonSet } from './collect.js';

const MIGRATION_PATH = /(^|\/)(migrations?|migrate|alembic|flyway|liquibase|schema_migrations|drizzle)\/|(^|\/)db\/(migrate|changelog)\/|(^|\/)V\d+(_\d+)*__[\w-]+\.sql$|(^|\/)migrations?\.[cm]?[jt]s$|(^|\/)\d{3,}[_-][\w-]+\.(sql|up\.sql|down\.sql)$/i;
const SCHEMA_FILE = /(^|\/)(schema\.prisma|[\w.-]+\.prisma|schema\.rb|structure\.sql|schema\.sql|db\.schema|db\/schema\.[cm]?[jt]s|alembic\.ini|knexfile\.[cm]?[jt]s|ormconfig\.\w+|drizzle\.config\.[cm]?[jt]s)$/i;
const DDL = /\b(CREATE|ALTER|DROP|TRUNCATE|RENAME)\s+(TABLE|INDEX|UNIQUE\s+INDEX|VIEW|MATERIALIZED\s+VIEW|SCHEMA|SEQUENCE|TYPE|COLUMN|CONSTRAINT|TRIGGER|FUNCTION|EXTENSION|DATABASE)\b|\b(ADD|DROP|RENAME|ALTER)\s+COLUMN\b/i;

export function migrationReasons(file: DiffFile, out: ReasonSet): void {
  const paths = [file.path, ...(file.oldPath === undefined ? [] : [file.oldPath])];
  const test = isTestPath(file.path);
  if (!test && paths.some((p) => MIGRATION_PATH.test(p))) {
    const detail = file.status === 'renamed'
      ? `migration renamed from ${file.oldPath ?? '?'}; applied migrations are keyed by name`
      : `migration file ${file.status}`;
    out.add('migrations', file.status === 'renamed' ? 'migrations/renamed' : 'migrations/path', file.path, detail);
  }
  if (!test && paths.some((p) => SCHEMA_FILE.test(p))) out.add('migrations', 'migrations/schema-file', file.path, `schema file ${file.status}`);
  if (test || isDocPath(file.path)) return;
  const cs = commentStyle(file.path);
  // Outside .sql files only upper-case DDL counts, so a "Create table" button label is not a migration.
  const ddl = cs === 'sql' ? DDL : new RegExp(DDL.source);
  for (const l of file.added) {
    const code = codeOf(clip(l.text), cs);
    if (code !== '' && ddl.test(code)) out.add('migrations', 'migrations/ddl', file.path, `schema change: ${snippet(code)}`, l.line);
  }
}
