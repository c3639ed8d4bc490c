/** A GitHub API call failed in a way retrying does not fix; `message` says what to do. */
export class ForgeError extends Error {
  readonly status: number;
  readonly method: string;
  readonly url: string;
  readonly documentationUrl: string | undefined;
  constructor(
    fields: { status: number; method: string; url: string; message: string; documentationUrl?: string | undefined },
    options?: { cause?: unknown },
  ) {
    super(fields.message, options);
    this.name = 'ForgeError';
    this.status = fields.status;
    this.method = fields.method;
    this.url = fields.url;
    this.documentationUrl = fields.documentationUrl;
  }
}

/** The advice part of an error message, by HTTP status. */
export function adviceFor(status: number, apiMessage: string): string {
  switch (status) {
    case 0:
      return 'the GitHub API did not answer; check the network and forge.base_url, then retry';
    case 401:
      return 'the token was rejected; refresh it (`gh auth login`, or a new GITHUB_TOKEN) and retry';
    case 403:
      return /rate limit/i.test(apiMessage)
        ? 'GitHub rate limit exhausted; wait for the reset or use a token with a higher limit'
        : 'the token is not allowed to do this; give it the `repo` scope (classic) or Contents, Pull requests and Issues write access (fine-grained)';
    case 404:
      return 'not found; check forge owner/repo and that the token can see the repository (private repositories need the `repo` scope)';
    case 409:
      return 'GitHub reports a conflict; the branch or pull request changed underneath, fetch and retry';
    case 422:
      return 'GitHub rejected the request as invalid; see the errors above';
    default:
      return status >= 500 ? 'GitHub is failing; retry later (githubstatus.com)' : 'unexpected answer from GitHub';
  }
}
