import { describe, expect, it } from 'vitest';
import { escapeHtml, join, markup, page, raw } from './html.js';

describe('markup', () => {
  it('escapes every interpolated text, in content and in attributes', () => {
    const name = `<script>alert(1)</script> & "x" 'y'`;
    const out = markup`<td title="${name}">${name}</td>`.value;
    expect(out).toBe(
      '<td title="&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot; &#39;y&#39;">' +
        '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot; &#39;y&#39;</td>',
    );
    expect(escapeHtml('a&amp;b')).toBe('a&amp;amp;b');
  });

  it('nests safe markup, joins arrays and prints nothing for null, undefined and booleans', () => {
    const cells = ['a<', 'b'].map((v) => markup`<td>${v}</td>`);
    expect(markup`<tr>${cells}${null}${undefined}${false}${true}${0}</tr>`.value).toBe(
      '<tr><td>a&lt;</td><td>b</td>0</tr>',
    );
    expect(join([markup`<b>x</b>`, 'y&'], ', ').value).toBe('<b>x</b>, y&amp;');
    expect(raw('<br>').value).toBe('<br>');
  });

  it('builds a page that forbids loading anything but its inline styles', () => {
    const doc = page({ title: 'T <1>', css: 'body{}', body: markup`<p>${'<b>'}</p>` });
    expect(doc.startsWith('<!DOCTYPE html>\n<html lang="en-GB">')).toBe(true);
    expect(doc).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(doc).toContain('<title>T &lt;1&gt;</title>');
    expect(doc).toContain('<p>&lt;b&gt;</p>');
    expect(doc).not.toMatch(/<script|https?:\/\//);
  });
});
