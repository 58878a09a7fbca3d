import { MORE_PATHS, hasUnstorableText, jsonDepthExceeds, mayHoldUnstorableJson, normalizeJsonValue, normalizeText } from './text-normalization';

describe('text normalisation at the edge', () => {
  it('removes NUL and replaces lone surrogates, keeping valid pairs', () => {
    expect(normalizeText('a\u0000b')).toBe('ab');
    expect(normalizeText('x\ud800y')).toBe('x\ufffdy');
    expect(normalizeText('x\udc00')).toBe('x\ufffd');
    expect(normalizeText('\udc00\ud800')).toBe('\ufffd\ufffd');
    expect(normalizeText('smile \ud83d\ude00')).toBe('smile \ud83d\ude00');
    expect(hasUnstorableText('plain text é')).toBe(false);
  });

  it('normalises every string of a parsed body, keys included, and says whether it changed', () => {
    const body = { requestId: 'r\u00001', message: 'hi\ud800', context: { ['k\u0000']: ['a\u0000', { deep: 'ok' }] } };
    const { value, changed } = normalizeJsonValue(body);
    expect(changed.sort()).toEqual(['context.k', 'context.k.0', 'message', 'requestId']);
    expect(value).toEqual({ requestId: 'r1', message: 'hi\ufffd', context: { k: ['a', { deep: 'ok' }] } });
    expect(normalizeJsonValue({ a: ['b', 1, null] }).changed).toEqual([]);
    const many = normalizeJsonValue({ list: Array.from({ length: 1500 }, () => 'x\u0000'), requestId: 'r\u0000' });
    expect(many.changed).toHaveLength(1001);
    expect(many.changed).toContain('requestId');
    expect(many.changed[1000]).toBe(MORE_PATHS);
  });

  it('spots NUL and surrogate escapes in raw JSON, and only those', () => {
    expect(mayHoldUnstorableJson('{"a":"\\u0000"}')).toBe(true);
    expect(mayHoldUnstorableJson('{"a":"\\uD83D\\uDE00"}')).toBe(true);
    expect(mayHoldUnstorableJson('{"a":"\\u00e9 \\n"}')).toBe(false);
    expect(mayHoldUnstorableJson('{"a":"plain"}')).toBe(false);
  });

  it('measures nesting outside strings only', () => {
    expect(jsonDepthExceeds('['.repeat(201) + ']'.repeat(201), 200)).toBe(true);
    expect(jsonDepthExceeds('['.repeat(200) + ']'.repeat(200), 200)).toBe(false);
    expect(jsonDepthExceeds(`{"t":"${'['.repeat(500)}"}`, 200)).toBe(false);
    expect(jsonDepthExceeds(`{"t":"\\"${'{'.repeat(300)}"}`, 200)).toBe(false);
    expect(jsonDepthExceeds(`{"t":"\\\\"${'['.repeat(300)}"}`, 200)).toBe(true);
    expect(jsonDepthExceeds(`[${'{"a":'.repeat(250)}1${'}'.repeat(250)}]`, 200)).toBe(true);
  });
});
