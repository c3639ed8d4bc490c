/**
 * The forms a secret value takes on its way into what Orch stores: escaped inside a JSON string (once, or twice when
 * an agent's log line carries a tool's JSON output), with the `\uXXXX` escapes of serialisers that escape non-ASCII
 * (Python) or `<>&` (Go), URL-encoded (a query string, a form body, a URL's password), and base64 (an
 * `Authorization: Basic` header, a config blob) at each of the three alignments a value can have inside a longer
 * encoded text. Every form is blanked like the value itself.
 */
export function encodedForms(value: string): string[] {
  const forms = new Set<string>([value]);
  for (const ascii of [false, true]) for (const html of [false, true]) forms.add(jsonEscape(value, { ascii, html }));
  forms.add(jsonEscape(jsonEscape(value, { ascii: false, html: false }), { ascii: false, html: false }));
  const url = encodeURIComponent(value);
  forms.add(url);
  forms.add(url.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  forms.add(url.replace(/%20/g, '+'));
  forms.add(encodeURI(value));
  for (const b64 of base64Forms(value)) {
    forms.add(b64);
    forms.add(b64.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  // A form too short to be told apart from ordinary text would blank ordinary text.
  return [...forms].filter((f) => f.length >= 8);
}

const HTML = new Set(['<', '>', '&', "'"]);

function jsonEscape(value: string, o: { ascii: boolean; html: boolean }): string {
  let out = '';
  for (const ch of JSON.stringify(value).slice(1, -1)) {
    const code = ch.codePointAt(0)!;
    if ((o.ascii && code > 0x7e) || (o.html && HTML.has(ch))) {
      // Astral characters become a surrogate pair, as JSON serialisers write them.
      for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return out;
}

/**
 * The part of the base64 encoding of `value` that does not depend on what surrounds it, for each alignment (0, 1 or
 * 2 bytes before it in the encoded text): the characters whose 6 bits all come from the value.
 */
function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const start = Math.ceil((8 * k) / 6);
    const end = Math.floor((8 * (k + bytes.length)) / 6);
    out.push(encoded.slice(start, end));
  }
  return out;
}
