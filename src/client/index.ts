export { connect, createClient, findDaemon, ClientError, type Client, type ClientOptions } from './client.js';
