import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/helpers/temp-dir.js';
import { writeFileAtomic } from './write-atomic.js';

const tmp = makeTempDir('segtrack-atomic-');
afterAll(() => tmp.remove());

describe('writeFileAtomic', () => {
  it('writes a new file and replaces an old one whole', () => {
    const path = tmp.path('report.html');
    writeFileAtomic(path, 'first');
    expect(readFileSync(path, 'utf8')).toBe('first');
    writeFileAtomic(path, 'second é');
    expect(readFileSync(path, 'utf8')).toBe('second é');
    expect(readdirSync(tmp.dir)).toEqual(['report.html']);
  });

  it('leaves no temporary file behind when the rename fails', () => {
    // A non-empty folder in the target's place: the rename is refused.
    mkdirSync(tmp.path('taken'));
    writeFileSync(tmp.path('taken/inside'), 'x');
    expect(() => writeFileAtomic(tmp.path('taken'), 'content')).toThrow();
    expect(readdirSync(tmp.dir).sort()).toEqual(['report.html', 'taken']);
    expect(readdirSync(tmp.path('taken'))).toEqual(['inside']);
  });
});
