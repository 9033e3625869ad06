/**
 * `Signature` header parsing as a property: whatever order, name case, spacing and quoting the fields
 * come in, with the signature raw or URL-encoded (upper- or lower-case escapes) and keyVersion present
 * or not, the parse yields exactly the signature and version that were written; a repeated field or
 * another algorithm is refused, never guessed at. FC_SEED reproduces a failure.
 */
import fc from 'fast-check';
import { parseSignatureHeader } from '../../server/openapi/signing';

const seed = Number(process.env.FC_SEED) || undefined;
const params = { numRuns: 1000, ...(seed ? { seed } : {}) };

const base64 = fc.uint8Array({ minLength: 1, maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('base64'));
const randomCase = (text: string) => fc.array(fc.boolean(), { minLength: text.length, maxLength: text.length }).map((ups) => [...text].map((c, i) => (ups[i] ? c.toUpperCase() : c.toLowerCase())).join(''));
const space = fc.constantFrom('', ' ', '  ', '\t', ' \t ');

/** The signature as a header carries it: raw, URL-encoded, or URL-encoded with lower-case escapes. */
const encoded = (signature: string) =>
  fc.constantFrom(signature, encodeURIComponent(signature), encodeURIComponent(signature).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()));

interface Field {
  name: string;
  value: string;
}

const field = (name: string, value: fc.Arbitrary<string>) =>
  fc.record({ name: randomCase(name), value, quoted: fc.boolean(), before: space, after: space }).map(({ name: n, value: v, quoted, before, after }) => ({
    name: n,
    value: v,
    text: `${before}${n}${before}=${after}${quoted ? `"${v}"` : v}${after}`,
  }));

const header = fc
  .record({ signature: base64, keyVersion: fc.option(fc.integer({ min: 0, max: 999_999 }), { nil: null }), separator: fc.constantFrom(',', ', ', ' , ', ',,') })
  .chain(({ signature, keyVersion, separator }) =>
    fc
      .tuple(
        field('algorithm', randomCase('RSA256')),
        field('signature', encoded(signature)),
        keyVersion === null ? fc.constant(null) : field('keyVersion', fc.constant(String(keyVersion))),
      )
      .chain((fields) => fc.shuffledSubarray(fields.filter((f): f is Field & { text: string } => f !== null), { minLength: keyVersion === null ? 2 : 3 }))
      .map((fields) => ({ signature, keyVersion, fields, separator })),
  );

test('any order, case, spacing, quoting and encoding parses to what was written', () => {
  fc.assert(
    fc.property(header, ({ signature, keyVersion, fields, separator }) => {
      expect(parseSignatureHeader(fields.map((f) => f.text).join(separator))).toEqual({ algorithm: 'RSA256', keyVersion, signature });
    }),
    params,
  );
});

test('a field given twice is refused, whether the copies agree or not', () => {
  fc.assert(
    fc.property(header, fc.nat(), fc.boolean(), ({ fields, separator }, pick, same) => {
      const twice = fields[pick % fields.length] as Field & { text: string };
      const copy = same ? twice.text : `${twice.name}=${twice.value === 'RSA256' ? 'RSA256' : 'AAAA'}`;
      expect(parseSignatureHeader([...fields.map((f) => f.text), copy].join(separator))).toBeNull();
    }),
    params,
  );
});

test('another algorithm, a bad version, a missing or non-base64 signature is refused', () => {
  fc.assert(
    fc.property(header, fc.constantFrom('RSA', 'SHA256withRSA', 'RSA2048', 'HS256', ''), ({ signature }, algorithm) => {
      expect(parseSignatureHeader(`algorithm=${algorithm}, signature=${signature}`)).toBeNull();
      expect(parseSignatureHeader(`algorithm=RSA256, keyVersion=v1, signature=${signature}`)).toBeNull();
      expect(parseSignatureHeader(`algorithm=RSA256, keyVersion=1`)).toBeNull();
      expect(parseSignatureHeader(`algorithm=RSA256, signature=${signature.replace(/=+$/, '')}!`)).toBeNull();
    }),
    { ...params, numRuns: 200 },
  );
  for (const bad of [null, undefined, 42, '', 'RSA256', 'algorithm', `algorithm=RSA256, signature=${'A'.repeat(9000)}`]) expect(parseSignatureHeader(bad)).toBeNull();
});
