import { codeOf, commentStyle, isTestPath } from '../paths.js';
import type { DiffFile, DiffHunkLine } from '../types.js';
import { snippet, type ReasonSet } from './collect.js';

const base = (path: string) => path.slice(path.lastIndexOf('/') + 1);

const ANY_CHANGE_MANIFEST = /^(go\.mod|(requirements|constraints)([\w.-]*)?\.txt|Pipfile|Gemfile|setup\.py|setup\.cfg|build\.gradle(\.kts)?|settings\.gradle(\.kts)?|pom\.xml|composer\.json|[\w.-]+\.csproj|Directory\.Packages\.props|mix\.exs|Package\.swift|deno\.jsonc?|\.nvmrc|\.node-version|\.tool-versions|\.python-version|rust-toolchain(\.toml)?)$/;
const CI_BUILD = /^(\.github\/(workflows|actions)\/|\.gitlab-ci|\.circleci\/|\.buildkite\/|\.travis\.yml$|azure-pipelines|Jenkinsfile$|bitbucket-pipelines\.yml$|\.github\/dependabot\.yml$|renovate\.json)|(^|\/)(Dockerfile[\w.-]*|[\w.-]*\.Dockerfile|docker-compose[\w.-]*\.ya?ml|compose\.ya?ml|Makefile|GNUmakefile|justfile|Justfile|CMakeLists\.txt|BUILD(\.bazel)?|WORKSPACE(\.bazel)?|MODULE\.bazel|tsconfig[\w.-]*\.json|(vite|webpack|rollup|esbuild|tsup|babel|next|nuxt|svelte|astro)\.config\.[cm]?[jt]s|\.babelrc|build\.rs|Taskfile\.ya?ml|Earthfile|\.npmrc|\.yarnrc(\.yml)?)$/;
const ENTRY = /^((src|lib|app)\/)?(main|index|app|server|cli)\.([cm]?[jt]sx?|go|py|rs)$|^src\/lib\.rs$|^cmd\/[^/]+\/main\.go$|^bin\/|(^|\/)__main__\.py$|(^|\/)(core|kernel)\//;
const API_SPEC = /(^|\/)(openapi|swagger)[\w.-]*\.(ya?ml|json)$|\.(proto|graphql|graphqls|gql|avsc|thrift)$|(^|\/)asyncapi[\w.-]*\.(ya?ml|json)$/i;
const SURFACE = /(^|\/)(index\.[cm]?[jt]sx?|mod\.rs|lib\.rs|__init__\.py)$|\.d\.[cm]?ts$/;

const PKG_DEP_SECTIONS = /^(dependencies|devDependencies|peerDependencies|optionalDependencies|bundledDependencies|bundleDependencies|overrides|resolutions|pnpm)$/;
const PKG_ROUTINE = /^(version|description|keywords|author|contributors|license|homepage|repository|bugs|funding|private|displayName|publisher|icon|galleryBanner)$/;
const TOML_ROUTINE = /^(version|description|authors|keywords|categories|readme|homepage|repository|documentation|license|license-file|urls|classifiers|maintainers)$/;
const VERSION_LIKE = /^\s*"[^"]+"\s*:\s*"(\^|~|>=?|<=?|=|\*|\d|workspace:|npm:|file:|link:|git\+|github:|https?:|latest|next)/;

function isDirectChange(l: DiffHunkLine): boolean {
  return l.kind !== 'ctx' && l.text.trim() !== '' && !/^[{}[\],]+$/.test(l.text.trim());
}

function packageJson(file: DiffFile, out: ReasonSet): void {
  let section: string | undefined;
  for (const l of file.lines) {
    const top = /^ {2}"([^"]+)"\s*:\s*(.*)$/.exec(l.text) ?? /^\t"([^"]+)"\s*:\s*(.*)$/.exec(l.text);
    if (top) section = /^[{[]/.test(top[2] ?? '') && !/[}\]],?\s*$/.test(top[2] ?? '') ? top[1] : undefined;
    else if (/^( {0,2}|\t?)[}\]]/.test(l.text)) section = undefined;
    if (!isDirectChange(l)) continue;
    const key = top?.[1];
    const what = `${l.kind === 'add' ? 'added' : 'removed'} ${snippet(l.text)}`;
    if ((key !== undefined && PKG_DEP_SECTIONS.test(key)) || (section !== undefined && PKG_DEP_SECTIONS.test(section))) {
      out.add('architecture', 'architecture/dependency', file.path, `dependency ${what}`, l.line);
    } else if (key !== undefined && PKG_ROUTINE.test(key)) continue;
    else if (section === undefined && key === undefined && VERSION_LIKE.test(l.text)) {
      out.add('architecture', 'architecture/dependency', file.path, `dependency ${what}`, l.line);
    } else if (!(section !== undefined && PKG_ROUTINE.test(section))) {
      out.add('architecture', 'architecture/manifest', file.path, `package manifest ${what}`, l.line);
    }
  }
}

function tomlManifest(file: DiffFile, out: ReasonSet): void {
  let section: string | undefined;
  let inList: string | undefined;
  for (const l of file.lines) {
    const text = codeOf(l.text, 'hash');
    const header = /^\[\[?([^\]]+)\]\]?$/.exec(text);
    if (header) {
      section = header[1];
      inList = undefined;
    }
    const kv = /^([\w.-]+|"[^"]+")\s*=\s*(.*)$/.exec(text);
    if (kv) inList = kv[2]?.startsWith('[') && !kv[2].includes(']') ? kv[1] : undefined;
    else if (text.startsWith(']')) inList = undefined;
    if (!isDirectChange(l) || text === '') continue;
    const key = kv?.[1];
    const what = `${l.kind === 'add' ? 'added' : 'removed'} ${snippet(text)}`;
    const depish = (s: string | undefined) => s !== undefined && /dependencies|requires|build-system|patch|replace/.test(s);
    if (depish(section) || depish(key) || depish(inList) || (section === undefined && /^"[\w.-]+\s*[<>=~!^]/.test(text))) {
      out.add('architecture', 'architecture/dependency', file.path, `dependency ${what}`, l.line);
    } else if (key !== undefined && TOML_ROUTINE.test(key) && (section === undefined || /^(package|project|tool\.poetry)$/.test(section))) {
      continue;
    } else out.add('architecture', 'architecture/manifest', file.path, `manifest ${what}`, l.line);
  }
}

const EXPORT_DECL = /^export\s+(?:default\s+)?(?:declare\s+)?(?:async\s+)?(?:function\*?|const|let|class|interface|type|enum|abstract\s+class)\s+([\w$]+)|^export\s*\{([^}]*)\}|^export\s+\*\s+from|^pub\s+(?:async\s+)?(?:fn|struct|enum|trait|type|mod|use|const)\s+([\w:{}]+)|^func\s+(?:\([^)]*\)\s*)?([A-Z]\w*)|^def\s+([a-z]\w*)|^__all__/;

function exportNames(text: string): string | undefined {
  const m = EXPORT_DECL.exec(text.trim());
  if (!m) return undefined;
  return m[1] ?? m[3] ?? m[4] ?? m[5] ?? m[2]?.trim() ?? text.trim();
}

function publicApi(file: DiffFile, out: ReasonSet): void {
  const go = /\.go$/.test(file.path) && !/(^|\/)(internal|cmd)\//.test(file.path) && !/_test\.go$/.test(file.path);
  const py = /__init__\.py$/.test(file.path);
  if (!SURFACE.test(file.path) && !go) return;
  const added = new Set(file.added.map((l) => l.text.trim()));
  const addedNames = new Set(file.added.map((l) => exportNames(l.text)).filter((n) => n !== undefined));
  for (const l of file.removed) {
    const text = l.text.trim();
    if (/^def\s/.test(text) && !py) continue;
    const name = exportNames(text);
    if (name === undefined || added.has(text)) continue;
    const how = addedNames.has(name) ? 'changed' : 'removed';
    out.add('architecture', 'architecture/public-api', file.path, `exported ${name} ${how}: ${snippet(text)}`, l.line);
  }
  if (file.status === 'deleted') out.add('architecture', 'architecture/public-api', file.path, 'public entry file deleted');
}

export function architectureReasons(file: DiffFile, out: ReasonSet): void {
  const paths = [file.path, ...(file.oldPath === undefined ? [] : [file.oldPath])];
  const b = base(file.path);
  const changed = file.added.length + file.removed.length > 0 || file.status !== 'modified';
  if (b === 'package.json' && !isTestPath(file.path)) packageJson(file, out);
  else if ((b === 'Cargo.toml' || b === 'pyproject.toml') && !isTestPath(file.path)) tomlManifest(file, out);
  else if (ANY_CHANGE_MANIFEST.test(b) && !isTestPath(file.path)) {
    const l = file.lines.find((x) => x.kind !== 'ctx' && codeOf(x.text, commentStyle(file.path)) !== '');
    if (l || file.status !== 'modified') out.add('architecture', 'architecture/dependency', file.path, `dependency manifest ${b} changed${l ? `: ${snippet(l.text)}` : ''}`, l?.line);
  }
  if (['package.json', 'Cargo.toml', 'pyproject.toml'].includes(b) && file.status !== 'modified') {
    out.add('architecture', 'architecture/manifest', file.path, `manifest ${file.status}`);
  }
  if (!changed) return;
  if (paths.some((p) => CI_BUILD.test(p))) out.add('architecture', 'architecture/ci-build', file.path, `CI or build configuration ${file.status}`);
  if (paths.some((p) => /(^|\/)CODEOWNERS$/.test(p))) out.add('architecture', 'architecture/codeowners-file', file.path, 'ownership rules changed');
  if (paths.some((p) => API_SPEC.test(p))) out.add('architecture', 'architecture/api-spec', file.path, `API definition ${file.status}`);
  if (!isTestPath(file.path) && paths.some((p) => ENTRY.test(p))) {
    out.add('architecture', 'architecture/entry-point', file.path, `core module or entry point ${file.status}`);
  }
  if (!isTestPath(file.path)) publicApi(file, out);
}
