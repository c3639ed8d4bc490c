// Chaos suite, part 3: the GitHub forge: a real bare repository as `origin`, served by the GitHub API test server.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGitHubServer, type GitHubTestServer } from '../../src/forge/testing/github-server.js';
import type { ChaosForge, Project } from './project.js';
import type { PlanTask } from './plan.js';

const TOKEN = 'ghp_orch_chaos';
const OWNER = 'acme';
const REPO = 'app';
const PULLS = new RegExp(`^/repos/${OWNER}/${REPO}/pulls$`);

/** Pull requests of a task: its branch is `feat/<module>-E<nn>`, or that plus `-<run id>` for a later run. */
const branchOf = (t: PlanTask): string => `feat/${t.id.replace('/', '-')}`;
const ownsHead = (t: PlanTask, head: string): boolean => head === branchOf(t) || head.startsWith(`${branchOf(t)}-r`);

export function githubForge(): ChaosForge {
  let server: GitHubTestServer | undefined;
  let bare = '';
  const srv = (): GitHubTestServer => {
    if (!server) throw new Error('chaos: the GitHub test server is not running');
    return server;
  };
  const state = () => srv().repo(OWNER, REPO);

  return {
    name: 'github',
    target: 'main',
    async prepare(base) {
      server = await createGitHubServer();
      server.addUser({ login: 'orch-bot', token: TOKEN, scopes: ['repo'] });
      bare = join(base, 'origin.git');
      return {
        config: `\n[forge]\nkind = "github"\nbase_url = "${server.baseUrl}"\nowner = "${OWNER}"\nrepo = "${REPO}"\ncheck_poll_seconds = 1\n`,
        env: { GH_ENTERPRISE_TOKEN: TOKEN },
      };
    },
    async attach(p) {
      await p.git(['init', '-q', '--bare', '-b', 'main', bare], p.base);
      await p.git(['remote', 'add', 'origin', bare]);
      await p.git(['push', '-q', 'origin', 'main']);
      srv().addRepo({ owner: OWNER, repo: REPO, bare, permissions: { 'orch-bot': 'write' } });
    },
    async targetRef(p) {
      // Its own ref: the daemon fetches refs/remotes/origin/main at the same time.
      await p.git(['fetch', '-q', 'origin', '+refs/heads/main:refs/chaos/origin-main']);
      return 'refs/chaos/origin-main';
    },
    show: (p: Project, path: string) => p.git(['--git-dir', bare, 'show', `main:${path}`], p.base),
    async check(p, plan) {
      const out: string[] = [];
      const pulls = state().pulls;
      const perHead = new Map<string, number[]>();
      for (const pr of pulls) perHead.set(pr.head, [...(perHead.get(pr.head) ?? []), pr.number]);
      for (const [head, nums] of perHead) if (nums.length > 1) out.push(`duplicate PRs for head ${head}: ${nums.map((n) => `#${n}`).join(', ')}`);
      for (const t of plan) {
        const merged = pulls.filter((pr) => ownsHead(t, pr.head) && pr.merged);
        if (merged.length !== 1) out.push(`${t.id}: ${merged.length} merged PRs (${merged.map((pr) => `#${pr.number}`).join(', ') || 'none'}), want exactly 1`);
      }
      for (const pr of pulls) {
        if (pr.state === 'open') out.push(`PR #${pr.number} (${pr.head}) left open`);
        if (!plan.some((t) => ownsHead(t, pr.head))) out.push(`PR #${pr.number} has a head no task owns: ${pr.head}`);
      }
      const branches = (await p.git(['--git-dir', bare, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/feat'], p.base)).split('\n').filter(Boolean);
      for (const b of branches) out.push(`remote branch ${b} not deleted after its task merged`);
      for (const v of srv().violations) out.push(`test server: ${v.slice(0, 300)}`);
      return out;
    },
    async holdNextPr(ms) {
      const s = srv();
      const from = s.requests.length;
      s.fail({ method: 'POST', path: PULLS, failure: { kind: 'timeout' } });
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        if (s.requests.slice(from).some((r) => r.method === 'POST' && r.status === 'hung' && PULLS.test(r.path))) return true;
        await sleep(20);
      }
      s.clearFailures();
      return false;
    },
    async teardown() {
      await server?.close();
      server = undefined;
    },
  };
}
