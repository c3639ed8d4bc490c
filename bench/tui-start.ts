// Imported first by the TUI benchmark, so it measures what users run: React reads NODE_ENV when it loads (the
// production build), and `orch tui` keeps V8's young generation small before it loads the UI (src/tui/heap.ts).
import { holdNewSpace } from '../src/tui/heap.js';

process.env.NODE_ENV ??= 'production';
holdNewSpace();
