import fc from 'fast-check';

import { needsRepair, repairText } from './text-repair';

describe('repairText', () => {
  it('replaces U+0000 and lone surrogates by U+FFFD and says where', () => {
    const { value, paths } = repairText({ content: { text: 'a\u0000b', caption: 'x\ud800y' }, ok: 'fine 😀', list: ['\udc00'] });
    expect(value).toEqual({ content: { text: 'a\uFFFDb', caption: 'x\uFFFDy' }, ok: 'fine 😀', list: ['\uFFFD'] });
    expect(paths).toEqual(['content.text', 'content.caption', 'list.0']);
  });

  it('repairs keys too', () => {
    const { value, paths } = repairText({ 'a\u0000': 1 });
    expect(value).toEqual({ 'a\uFFFD': 1 });
    expect(paths).toEqual(['a\uFFFD (key)']);
  });

  it('leaves well-formed text alone, including surrogate pairs and escaped-looking text', () => {
    const input = { t: 'emoji 😀 and a literal \\u0000 and \\ud800' };
    expect(repairText(input)).toEqual({ value: input, paths: [] });
    expect(needsRepair(JSON.stringify(input))).toBe(false);
  });

  it('is needed exactly when Postgres would refuse the JSON, and the result never needs it', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (json, s) => {
        const value = { json, s };
        const serialized = JSON.stringify(value);
        const refused = s.includes('\u0000') || !s.isWellFormed() || JSON.stringify(json).match(/\\u0000|\\ud[89a-f]/i) !== null;
        expect(needsRepair(serialized)).toBe(refused);
        expect(needsRepair(JSON.stringify(repairText(value).value))).toBe(false);
      }),
    );
  });
});
