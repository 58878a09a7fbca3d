'use strict';
// Text, ids and JSON the fuzz run puts everywhere: ordinary text, every code point, and what
// breaks stores and parsers (NUL, lone surrogates, quotes, percent signs, very long words).
const fc = require('fast-check');

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const nastyUnit = fc.oneof(
  fc.constantFrom('\u0000', '\\', '"', '%00', '%', '\u2028', '\uffff', '\ufeff', '\r\n', '<script>', "'", '${x}', '../'),
  loneSurrogate,
  fc.string({ maxLength: 3 }),
);

const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 3, arbitrary: fc.string({ unit: nastyUnit, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'clearagent', 'human', 'x'.repeat(5000), `${'word '.repeat(800)}`) },
);

const json = fc.jsonValue({ maxDepth: 3 });
const id = fc.oneof({ weight: 4, arbitrary: text }, fc.integer(), fc.constant(null), fc.uuid(), json);

/** A path segment encoded byte by byte; a lone surrogate becomes the (invalid UTF-8) bytes of its code unit. */
function encodeSegment(value) {
  let out = '';
  for (const ch of String(value)) {
    const code = ch.codePointAt(0);
    if (code >= 0xd800 && code <= 0xdfff) out += `%ED%${(0xa0 | ((code >> 6) & 0x1f)).toString(16).toUpperCase()}%${(0x80 | (code & 0x3f)).toString(16).toUpperCase()}`;
    else out += encodeURIComponent(ch).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  }
  return out;
}

const segment = fc.oneof({ weight: 3, arbitrary: text.filter((t) => t.length > 0 && t.length < 300) }, fc.uuid(), fc.constantFrom('.', '..', '%00', 'a%2Fb'));

/** A JSON text nested `depth` levels, the way a hostile context would be. */
const deepJson = fc.record({ depth: fc.integer({ min: 150, max: 6000 }), arrays: fc.boolean() }).map(({ depth, arrays }) =>
  arrays ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"n":'.repeat(depth)}1${'}'.repeat(depth)}`,
);

/** Bodies that are not what the route expects: broken JSON, other JSON types, deep nesting, too large. */
const oddBody = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom('', '{', '{"a":', 'null', '[]', '"x"', '1e999', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}', '\u0000'),
  json.map((v) => JSON.stringify(v)),
  deepJson.map((d) => `{"context":${d}}`),
  fc.constant('big').map(() => `{"message":"${'a'.repeat(1_200_000)}"}`),
);

module.exports = { text, json, id, segment, encodeSegment, deepJson, oddBody, loneSurrogate };
