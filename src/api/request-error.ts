/**
 * A request the daemon refuses as expected (an unknown task, a branch that exists): `code` and the HTTP `status`
 * travel to the client as the error body (`{ error: { code, message } }`); the CLI turns a 4xx into exit code 2.
 * Thrown by the engine and the plan decomposer alike.
 */
export class RequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}
