export { serve, DaemonRunningError, type ServeOptions } from './serve.js';
export { composeDaemon, ProjectError } from './compose.js';
export { pidAlive, readDaemonInfo } from './lockfile.js';
