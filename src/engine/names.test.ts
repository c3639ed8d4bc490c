import { describe, expect, it } from 'vitest';
import { branchFor, newRunId } from './names.js';
import { normalizeTaskId } from './scheduler.js';
import { commitMessage } from './commit-message.js';

describe('names', () => {
  it('normalises the ways people write task ids', () => {
    expect(normalizeTaskId('billing/E1')).toBe('billing/E01');
    expect(normalizeTaskId('billing-module/e007')).toBe('billing/E07');
    expect(normalizeTaskId(' pricing/E123 ')).toBe('pricing/E123');
    expect(normalizeTaskId('garbage')).toBe('garbage');
  });
  it('gives every run its own branch', () => {
    const id = newRunId();
    expect(branchFor('billing/E05', id, () => false)).toBe('feat/billing-E05');
    expect(branchFor('billing/E05', id, () => true)).toBe(`feat/billing-E05-${id}`);
    expect(newRunId(1)).not.toBe(newRunId(1));
  });
  it('renders the commit template', () => {
    const msg = commitMessage('feat({module}): implement E{epic} - {title}', { module: 'billing', epic: 5, title: 'Invoices', id: 'billing/E05' } as never);
    expect(msg).toBe('feat(billing): implement E05 - Invoices');
  });
});
