import type { EventData, EventType } from '../api/index.js';

/** How the engine publishes an event: its payload is checked against its type; `persist: false` for live-only ones. */
export type Emit = <T extends EventType>(type: T, taskId: string | null, runId: string | null, data: EventData<T>, persist?: boolean) => void;
