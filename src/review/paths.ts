const base = (path: string) => path.slice(path.lastIndexOf('/') + 1);

const TEST_DIR = /(^|\/)(tests?|__tests__|__mocks__|specs?|fixtures|testdata|test-data|e2e|cypress)\//i;
const TEST_FILE = /(\.(test|spec|e2e)\.[cm]?[jt]sx?$)|(_test\.(go|py|rb|exs?)$)|(^test_[^/]*\.py$)|(^conftest\.py$)|(_spec\.rb$)|(Tests?\.(java|kt|cs|swift)$)/;

export function isTestPath(path: string): boolean {
  return TEST_DIR.test(path) || TEST_FILE.test(base(path));
}

const LOCKFILES = new Set([
  'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock', 'Cargo.lock',
  'go.sum', 'poetry.lock', 'Pipfile.lock', 'uv.lock', 'Gemfile.lock', 'composer.lock', 'mix.lock', 'flake.lock',
]);

export function isLockfile(path: string): boolean {
  return LOCKFILES.has(base(path));
}

export function isDocPath(path: string): boolean {
  const b = base(path);
  if (/^(requirements|constraints)[\w.-]*\.txt$/i.test(b) || b === 'CODEOWNERS') return false;
  return /\.(md|mdx|markdown|rst|adoc|txt)$/i.test(b) || /(^|\/)docs?\//i.test(path) || /^(LICENSE|CHANGELOG|AUTHORS|NOTICE)/.test(b);
}

const ASSET_EXT = /\.(png|jpe?g|gif|svg|ico|icns|webp|avif|bmp|tiff?|woff2?|ttf|otf|eot|mp3|mp4|wav|ogg|webm|mov|pdf|psd|sketch|fig)$/i;

export function isAssetPath(path: string): boolean {
  return ASSET_EXT.test(path) || /(^|\/)(assets|static|public|images|img|media|fonts)\//i.test(path);
}

export function isStylePath(path: string): boolean {
  return /\.(css|scss|sass|less|styl|pcss)$/i.test(path);
}

/** `.env`, `.env.production`, `prod.env`; templates with placeholders are not real settings. */
export function isEnvFile(path: string): boolean {
  const b = base(path);
  if (/\.(example|sample|template|dist|defaults)$/i.test(b)) return false;
  return /^\.env(\.[\w-]+)?$/.test(b) || /\.env$/.test(b);
}

export type CommentStyle = 'c' | 'hash' | 'sql' | 'none';

export function commentStyle(path: string): CommentStyle {
  const b = base(path);
  if (/\.(py|rb|sh|bash|zsh|ya?ml|toml|ini|cfg|conf|r|pl|ex|exs|tf|nix)$/i.test(b) || /^(Dockerfile|Makefile|\.env.*|Gemfile|requirements.*\.txt)$/.test(b)) return 'hash';
  if (/\.sql$/i.test(b)) return 'sql';
  if (/\.(json|md|txt)$/i.test(b)) return 'none';
  return 'c';
}

/** The code part of a line: comment lines become empty and trailing comments are dropped. */
export function codeOf(text: string, style: CommentStyle): string {
  const t = text.trim();
  if (style === 'none') return t;
  if (style === 'c') {
    if (/^(\/\/|\/\*|\*|<!--)/.test(t)) return '';
    return t.replace(/(^|\s)\/\/.*$/, '').replace(/\/\*.*?\*\//g, '');
  }
  if (style === 'sql') return t.startsWith('--') ? '' : t.replace(/\s--\s.*$/, '');
  if (t.startsWith('#')) return '';
  return t.replace(/\s#\s.*$/, '');
}
