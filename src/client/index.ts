export { connect, createClient, daemonUrl, findClient, findDaemon, ClientError, type Client, type ClientOptions } from './client.js';
