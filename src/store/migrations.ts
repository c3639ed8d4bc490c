/** Numbered, append-only. Never edit a released migration: add the next one. */
export const migrations: Array<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
CREATE TABLE tasks (
  id TEXT PRIMARY KEY,
  module TEXT NOT NULL,
  epic INTEGER NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  file TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  priority TEXT NOT NULL DEFAULT 'medium',
  depends_on TEXT NOT NULL DEFAULT '[]',
  needs_review INTEGER NOT NULL DEFAULT 0,
  touches TEXT NOT NULL DEFAULT '[]',
  conflicts_with TEXT NOT NULL DEFAULT '[]',
  agent TEXT,
  model TEXT,
  plan_status TEXT,
  status TEXT NOT NULL DEFAULT 'not_started',
  status_note TEXT,
  removed_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX tasks_module ON tasks(module, epic);
CREATE INDEX tasks_status ON tasks(status);

CREATE TABLE batches (
  id TEXT PRIMARY KEY,
  scope TEXT NOT NULL,
  max_tasks INTEGER,
  started INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'active',
  created_at TEXT NOT NULL,
  ended_at TEXT
);

CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  task_id TEXT NOT NULL REFERENCES tasks(id),
  batch_id TEXT REFERENCES batches(id),
  state TEXT NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 1,
  branch TEXT NOT NULL,
  worktree TEXT NOT NULL,
  target_branch TEXT NOT NULL,
  base_sha TEXT,
  backend TEXT NOT NULL,
  model TEXT,
  session_id TEXT,
  pid INTEGER,
  pgid INTEGER,
  commit_sha TEXT,
  merge_commit TEXT,
  saved_ref TEXT,
  waiting_reason TEXT,
  error TEXT,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_tokens INTEGER NOT NULL DEFAULT 0,
  cost_usd REAL NOT NULL DEFAULT 0,
  started_at TEXT,
  ended_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX runs_task ON runs(task_id, created_at);
CREATE INDEX runs_state ON runs(state);

CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  ts TEXT NOT NULL,
  type TEXT NOT NULL,
  task_id TEXT,
  run_id TEXT,
  data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_run ON events(run_id, seq);

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`,
  },
  {
    version: 2,
    sql: `
CREATE TABLE signals (
  id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs(id),
  task_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  text TEXT NOT NULL,
  audience TEXT,
  answer TEXT,
  answered_by TEXT,
  created_at TEXT NOT NULL,
  answered_at TEXT
);
CREATE INDEX signals_run ON signals(run_id, created_at);
ALTER TABLE runs ADD COLUMN next_prompt TEXT;
ALTER TABLE runs ADD COLUMN retries INTEGER NOT NULL DEFAULT 0;
`,
  },
  {
    version: 3,
    sql: `
ALTER TABLE runs ADD COLUMN review TEXT;
ALTER TABLE runs ADD COLUMN approved_by TEXT;
`,
  },
  {
    version: 4,
    sql: `
ALTER TABLE runs ADD COLUMN pr_number INTEGER;
ALTER TABLE runs ADD COLUMN pr_url TEXT;
ALTER TABLE runs ADD COLUMN fix_attempts INTEGER NOT NULL DEFAULT 0;
`,
  },
  {
    version: 5,
    sql: `
ALTER TABLE tasks ADD COLUMN source TEXT NOT NULL DEFAULT 'plan';
`,
  },
  {
    version: 6,
    sql: `
ALTER TABLE runs ADD COLUMN verification TEXT;
`,
  },
  {
    version: 7,
    sql: `
ALTER TABLE tasks ADD COLUMN deliverables TEXT NOT NULL DEFAULT '[]';
`,
  },
  {
    version: 8,
    sql: `
ALTER TABLE batches ADD COLUMN name TEXT;
ALTER TABLE batches ADD COLUMN budget_usd REAL;
ALTER TABLE batches ADD COLUMN deadline TEXT;
CREATE INDEX runs_created ON runs(created_at);
CREATE INDEX runs_batch ON runs(batch_id);
`,
  },
  {
    version: 9,
    sql: `
ALTER TABLE tasks ADD COLUMN workflow TEXT;
ALTER TABLE runs ADD COLUMN workflow TEXT;
`,
  },
  {
    version: 10,
    sql: `
CREATE TABLE web_sessions (
  hash TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
);
`,
  },
  {
    version: 11,
    sql: `
CREATE TABLE notify_outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  channel TEXT NOT NULL,
  state TEXT NOT NULL,
  notice TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX notify_outbox_channel ON notify_outbox(channel, state, seq);
`,
  },
  {
    version: 12,
    sql: `
ALTER TABLE tasks ADD COLUMN complexity TEXT;
`,
  },
];
