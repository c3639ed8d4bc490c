import Database from '/work/main/node_modules/better-sqlite3/lib/index.js';
const db = new Database('/tmp/locktest/x.db', { timeout: 0 });
db.pragma('locking_mode = EXCLUSIVE');
db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)');
db.exec('BEGIN EXCLUSIVE');
db.prepare('INSERT INTO holder (pid) VALUES (?)').run(process.pid);
console.log('got', db.pragma('journal_mode'), db.inTransaction);
setTimeout(()=>{},2000);
