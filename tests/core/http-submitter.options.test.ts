/** httpSubmitter's options, tightened: one URL rule with no credentials in it, the fetch credentials mode checked, headers an object of strings. */
import { httpSubmitter } from '../../utils';

test.each(['https://user:secret@api.example.com/auth', 'https://token@api.example.com/auth', 'http://user@localhost:3000/auth'])('refuses credentials in the URL: %p', (url) => {
  expect(() => httpSubmitter({ url })).toThrow(TypeError);
});

test('the same rule without URL (DSL engines): credentials refused, loopback and https accepted', () => {
  const g = globalThis as { URL?: unknown };
  const saved = g.URL;
  g.URL = undefined;
  try {
    expect(() => httpSubmitter({ url: 'https://user@api.example.com/auth' })).toThrow(TypeError);
    expect(() => httpSubmitter({ url: 'HTTPS://API.EXAMPLE.COM/auth' })).not.toThrow();
    expect(() => httpSubmitter({ url: 'http://[::1]:8080/auth' })).not.toThrow();
  } finally {
    g.URL = saved;
  }
});

test.each<[string, unknown]>([
  ['credentials not a fetch mode', { url: 'https://a.example/x', credentials: 'always' }],
  ['credentials a boolean', { url: 'https://a.example/x', credentials: true }],
  ['headers an array', { url: 'https://a.example/x', headers: ['X-A: b'] }],
])('refuses %s', (_label, options) => {
  expect(() => httpSubmitter(options as never)).toThrow(TypeError);
});

test.each(['omit', 'same-origin', 'include'])('accepts credentials %p', (credentials) => {
  expect(typeof httpSubmitter({ url: 'https://a.example/x', credentials: credentials as RequestCredentials })).toBe('function');
});
