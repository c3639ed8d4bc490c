/**
 * The demo project: a small invoicing library planned as 3 modules and 9 epics, with implicit, frontmatter and
 * prose cross-module dependencies. Each epic spells its deliverables as `file:` blocks, which the simulated
 * model writes verbatim (see src/simulator/index.ts), so the merged result is a working program with tests.
 */
export interface DemoFile {
  path: string;
  content: string;
}

const epic = (title: string, intro: string, extra: string, files: DemoFile[], verify = 'node --test'): string =>
  [
    `# ${title}`,
    '',
    intro,
    '',
    extra,
    '',
    '## Deliverables',
    '',
    ...files.flatMap((f) => ['```file:' + f.path, f.content.trimEnd(), '```', '']),
    `Verify: \`${verify}\``,
    '',
  ].join('\n');

const fm = (lines: string[]): string => ['---', ...lines, '---', ''].join('\n');

export function demoPlan(): DemoFile[] {
  const files: DemoFile[] = [
    { path: 'package.json', content: JSON.stringify({ name: 'invoicer', version: '0.0.0', type: 'module', scripts: { test: 'node --test' } }, null, 2) + '\n' },
    { path: 'README.md', content: '# Invoicer\n\nA tiny invoicing library, built by agents under Orch.\n' },
    { path: '.orch/config.toml', content: 'max_parallel_agents = 3\n\n[writeback]\nepic_marker = true\n' },
    { path: 'docs/plans/technical-module/00-overview.md', content: '# Technical\n\nShared foundations: money arithmetic and ids. Pure ES modules, no dependencies.\n' },
    { path: 'docs/plans/billing-module/00-overview.md', content: '# Billing\n\nInvoices: lines, totals, and rendering.\n' },
    { path: 'docs/plans/pricing-module/00-overview.md', content: '# Pricing\n\nPrice lists and discounts applied to invoice lines.\n' },
  ];
  const e = (path: string, content: string) => files.push({ path: `docs/plans/${path}`, content });

  e('technical-module/epic-01-money.md', epic('Money arithmetic', 'Integer-cent money helpers so nothing rounds twice.', '', [
    { path: 'src/money.js', content: "export const cents = (n) => Math.round(n * 100);\nexport const add = (...xs) => xs.reduce((a, b) => a + b, 0);\nexport const format = (c) => `${(c / 100).toFixed(2)}`;\n" },
    { path: 'test/money.test.js', content: "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { cents, add, format } from '../src/money.js';\ntest('money', () => {\n  assert.equal(add(cents(1.1), cents(2.2)), 330);\n  assert.equal(format(330), '3.30');\n});\n" },
  ]));
  e('technical-module/epic-02-ids.md', fm(['priority: high']) + epic('Document ids', 'Sequential, prefixed document ids (INV-0001).', '', [
    { path: 'src/ids.js', content: "export const makeIds = (prefix) => { let n = 0; return () => `${prefix}-${String(++n).padStart(4, '0')}`; };\n" },
    { path: 'test/ids.test.js', content: "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { makeIds } from '../src/ids.js';\ntest('ids', () => { const next = makeIds('INV'); next(); assert.equal(next(), 'INV-0002'); });\n" },
  ]));
  e('technical-module/epic-04-config.md', epic('Runtime configuration', 'Currency and locale defaults in one place.', '', [
    { path: 'src/config.js', content: "export const config = Object.freeze({ currency: 'EUR', taxRate: 0.19 });\n" },
  ], 'ls src'));
  e('billing-module/epic-01-invoice-lines.md', epic('Invoice lines', 'An invoice is a list of lines with quantity and unit price in cents.', 'Requires technical/E01.', [
    { path: 'src/invoice.js', content: "import { add } from './money.js';\nexport const line = (name, qty, unit) => ({ name, qty, unit, total: qty * unit });\nexport const subtotal = (lines) => add(...lines.map((l) => l.total));\n" },
    { path: 'test/invoice.test.js', content: "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { line, subtotal } from '../src/invoice.js';\ntest('subtotal', () => assert.equal(subtotal([line('a', 2, 150), line('b', 1, 99)]), 399));\n" },
  ]));
  e('billing-module/epic-02-tax.md', epic('Tax', 'Add tax to an invoice subtotal using the configured rate.', 'Depends on technical E04 for the tax rate.', [
    { path: 'src/tax.js', content: "import { config } from './config.js';\nexport const withTax = (c, rate = config.taxRate) => Math.round(c * (1 + rate));\n" },
    { path: 'test/tax.test.js', content: "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { withTax } from '../src/tax.js';\ntest('tax', () => assert.equal(withTax(1000, 0.19), 1190));\n" },
  ]));
  e('billing-module/epic-03-render.md', fm(['depends_on: [technical/E02]', 'touches: [src/render.js]']) + epic('Render an invoice', 'Plain-text rendering with an id, lines and the total.', 'After pricing/E02, so discounts show on the invoice.', [
    { path: 'src/render.js', content: "import { format } from './money.js';\nexport const render = (id, lines, total) => [id, ...lines.map((l) => `${l.name} x${l.qty} ${format(l.total)}`), `TOTAL ${format(total)}`].join('\\n');\n" },
    { path: 'test/render.test.js', content: "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { render } from '../src/render.js';\ntest('render', () => assert.match(render('INV-0001', [{ name: 'a', qty: 1, total: 100 }], 100), /TOTAL 1.00/));\n" },
  ]));
  e('pricing-module/epic-01-price-list.md', epic('Price list', 'A price list maps SKUs to unit prices in cents.', 'Requires technical/E01 for cents.', [
    { path: 'src/prices.js', content: "export const priceList = (entries) => new Map(Object.entries(entries));\nexport const priceOf = (list, sku) => { const p = list.get(sku); if (p === undefined) throw new Error(`unknown sku ${sku}`); return p; };\n" },
    { path: 'test/prices.test.js', content: "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { priceList, priceOf } from '../src/prices.js';\ntest('prices', () => assert.equal(priceOf(priceList({ tea: 250 }), 'tea'), 250));\n" },
  ]));
  e('pricing-module/epic-02-discounts.md', epic('Discounts', 'Percentage discounts on invoice lines.', 'Requires billing/E01 (invoice lines).', [
    { path: 'src/discounts.js', content: "export const discount = (line, pct) => ({ ...line, total: Math.round(line.total * (1 - pct / 100)) });\n" },
    { path: 'test/discounts.test.js', content: "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { discount } from '../src/discounts.js';\ntest('discount', () => assert.equal(discount({ total: 1000 }, 10).total, 900));\n" },
  ]));
  e('pricing-module/epic-03-quotes.md', epic('Quotes', 'A quote prices a basket from the price list, with tax.', 'Depends on billing/E02 and on pricing E01.', [
    { path: 'src/quote.js', content: "import { priceOf } from './prices.js';\nimport { withTax } from './tax.js';\nexport const quote = (list, basket) => withTax(basket.reduce((s, [sku, qty]) => s + priceOf(list, sku) * qty, 0));\n" },
    { path: 'test/quote.test.js', content: "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { priceList } from '../src/prices.js';\nimport { quote } from '../src/quote.js';\ntest('quote', () => assert.equal(quote(priceList({ tea: 100 }), [['tea', 10]]), 1190));\n" },
  ]));

  const row = (m: string, n: string, file: string, title: string) => `| [E${n}](${m}-module/${file}) | ${title} | 🔴 |`;
  e('README.md', [
    '# Invoicer plan',
    '',
    '## Technical',
    '',
    '| Epic | Title | Status |',
    '|------|-------|--------|',
    row('technical', '01', 'epic-01-money.md', 'Money arithmetic'),
    row('technical', '02', 'epic-02-ids.md', 'Document ids'),
    row('technical', '04', 'epic-04-config.md', 'Runtime configuration'),
    '',
    '## Billing',
    '',
    '| Epic | Title | Status |',
    '|------|-------|--------|',
    row('billing', '01', 'epic-01-invoice-lines.md', 'Invoice lines'),
    row('billing', '02', 'epic-02-tax.md', 'Tax'),
    row('billing', '03', 'epic-03-render.md', 'Render an invoice'),
    '',
    '## Pricing',
    '',
    '| Epic | Title | Status |',
    '|------|-------|--------|',
    row('pricing', '01', 'epic-01-price-list.md', 'Price list'),
    row('pricing', '02', 'epic-02-discounts.md', 'Discounts'),
    row('pricing', '03', 'epic-03-quotes.md', 'Quotes'),
    '',
  ].join('\n'));
  return files;
}
