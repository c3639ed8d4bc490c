export { connect, createClient, daemonUrl, findDaemon, ClientError, type Client, type ClientOptions } from './client.js';
