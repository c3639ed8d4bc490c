import { describe, expect, it } from 'vitest';
import { markerStatus, parseMarker, setEpicMarker } from './marker.js';

describe('setEpicMarker', () => {
  it('inserts the marker as the first line', () => {
    expect(setEpicMarker('# Title\n\nBody\n', { status: 'in_progress' })).toBe('<!-- orch: status=in_progress -->\n# Title\n\nBody\n');
  });

  it('inserts after frontmatter and replaces an existing marker', () => {
    const first = setEpicMarker('---\npriority: high\n---\n# T\n', { status: 'in_progress' });
    expect(first).toBe('---\npriority: high\n---\n<!-- orch: status=in_progress -->\n# T\n');
    const second = setEpicMarker(first, { status: 'complete', pr: '#142', merged: '2026-01-12' });
    expect(second).toBe('---\npriority: high\n---\n<!-- orch: status=complete, pr=#142, merged=2026-01-12 -->\n# T\n');
  });

  it('keeps CRLF endings and a BOM', () => {
    const text = '\uFEFF---\r\na: 1\r\n---\r\n# T\r\n';
    const marked = setEpicMarker(text, { status: 'complete' });
    expect(marked).toBe('\uFEFF---\r\na: 1\r\n---\r\n<!-- orch: status=complete -->\r\n# T\r\n');
    expect(setEpicMarker(marked, { status: 'in_progress' })).toBe(marked.replace('complete', 'in_progress'));
  });

  it('removes the marker when no fields are left and strips what the format cannot carry', () => {
    const marked = setEpicMarker('# T\n', { note: 'a, b --> c\nd' });
    expect(marked).toBe('<!-- orch: note=a  b   c d -->\n# T\n');
    expect(parseMarker(marked.split('\n')[0]!)).toEqual({ note: 'a  b   c d' });
    expect(setEpicMarker(marked, {})).toBe('# T\n');
  });
});

describe('markerStatus', () => {
  it('maps the words people use and ignores unknown ones', () => {
    expect(markerStatus('complete')).toBe('complete');
    expect(markerStatus('In-Progress')).toBe('in_progress');
    expect(markerStatus('failed')).toBe('not_started');
    expect(markerStatus('banana')).toBeUndefined();
  });
});
