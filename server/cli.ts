/**
 * The package's command: `npx miniapp-auth-kit check-keys --private-key <src> --wallet-public-key <src>`
 * (`<src>`: a file path, or `env:NAME`). Prints each key's kind, size and public fingerprint, and
 * every problem in plain words; never key material. Exit status: 0 sound, 1 a problem, 2 a usage error.
 */
import { checkKeys } from './openapi/check-keys';
import { nodeBuiltin } from './openapi/crypto-engine';
import type { KeyReport } from './openapi/types';

interface Io {
  argv: string[];
  env: Record<string, string | undefined>;
  readFile(path: string): Uint8Array;
  out(line: string): void;
}

const USAGE = `Usage: miniapp-auth-kit check-keys --private-key <src> --wallet-public-key <src> [--wallet-public-key <src>…] [--public-key <src>]

  --private-key        your RSA private key (signs your requests to the wallet)
  --wallet-public-key  the wallet's public key (verifies its answers); repeat it for a key rotation
  --public-key         your public key as registered with the wallet (optional: checked against --private-key)

  <src> is a file path, or env:NAME for an environment variable. Keys may be PEM (PKCS#1, PKCS#8,
  SPKI, RSA PUBLIC KEY), base64 DER, with \\n escapes or CRLF. Nothing secret is printed.`;

const OPTIONS: Record<string, 'privateKey' | 'walletPublicKey' | 'merchantPublicKey'> = {
  '--private-key': 'privateKey',
  '--wallet-public-key': 'walletPublicKey',
  '--public-key': 'merchantPublicKey',
};

type Sources = { privateKey: string[]; walletPublicKey: string[]; merchantPublicKey: string[] };

/**
 * Whether a source is the key itself rather than where to read it (`--private-key "$KEY"`): a PEM,
 * a `\n`-escaped one, or a long run of base64. Sources are printed; such a value must never be.
 */
const isKeyMaterial = (source: string): boolean => /-----|[\r\n]/.test(source) || /^[A-Za-z0-9+/=_-]{100,}$/.test(source.replace(/\\[nr]|\s+/g, ''));

function parseArgs(args: string[]): Sources | string {
  const sources: Sources = { privateKey: [], walletPublicKey: [], merchantPublicKey: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const eq = arg.indexOf('=');
    const [flag, inline] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const option = OPTIONS[flag];
    if (!option) return `unknown argument ${JSON.stringify(flag.slice(0, 40))}`;
    const value = inline ?? args[++i];
    if (!value) return `${flag} needs a file path or env:NAME`;
    if (isKeyMaterial(value)) return `${flag} was given a key itself, not where to read it: pass a file path or env:NAME (the value is not printed)`;
    sources[option].push(value);
  }
  if (sources.privateKey.length !== 1) return 'give --private-key once';
  if (sources.walletPublicKey.length === 0) return 'give --wallet-public-key';
  if (sources.merchantPublicKey.length > 1) return 'give --public-key at most once';
  return sources;
}

/** A key's text or bytes from its source; a problem (in words) when it cannot be read. */
function readSource(source: string, io: Io): { value: unknown } | { problem: string } {
  if (source.startsWith('env:')) {
    const name = source.slice(4);
    const value = io.env[name];
    return value === undefined || value === '' ? { problem: `the environment variable ${name} is not set` } : { value };
  }
  try {
    return { value: io.readFile(source) };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { problem: `cannot read the file ${source}${typeof code === 'string' ? ` (${code})` : ''}` };
  }
}

const describe = (key: KeyReport) =>
  key.type === null ? 'not readable' : `RSA ${key.type} key, ${key.bits ?? '?'} bits, ${key.form}${key.fingerprint ? `\n      SHA-256 fingerprint of the public key: ${key.fingerprint}` : ''}`;

/** The API's option names as this command's flags, in what it prints. */
function asFlags(text: string, sources: Sources): string {
  return text
    .replace(/\bwalletPublicKey(?:\[(\d+)\])?/g, (_, i: string | undefined) => `--wallet-public-key ${sources.walletPublicKey[Number(i ?? 0)] ?? ''}`.trim())
    .replace(/\bmerchantPublicKey\b/g, `--public-key ${sources.merchantPublicKey[0] ?? ''}`.trim())
    .replace(/\bprivateKey\b/g, `--private-key ${sources.privateKey[0] ?? ''}`.trim());
}

function printProblems(problems: string[], io: Io): number {
  if (problems.length === 0) {
    io.out('OK: the keys are sound (the private key matches its public half; the wallet key is not your own).');
    return 0;
  }
  io.out(`${problems.length} problem${problems.length > 1 ? 's' : ''}:`);
  for (const problem of problems) io.out(`  ✗ ${problem}`);
  return 1;
}

async function checkSources(sources: Sources, io: Io): Promise<number> {
  const read = (list: string[]) => list.map((source) => readSource(source, io));
  const values = { privateKey: read(sources.privateKey), walletPublicKey: read(sources.walletPublicKey), merchantPublicKey: read(sources.merchantPublicKey) };
  io.out('miniapp-auth-kit check-keys\n');
  const unreadable = Object.values(values).flat().flatMap((r) => ('problem' in r ? [r.problem] : []));
  if (unreadable.length) return printProblems(unreadable.map((p) => `${p}.`), io);
  const value = (r: { value: unknown } | { problem: string } | undefined) => (r && 'value' in r ? r.value : undefined);
  const wallet = values.walletPublicKey.map(value);
  const result = await checkKeys({
    privateKey: value(values.privateKey[0]),
    walletPublicKey: wallet.length === 1 ? wallet[0] : wallet,
    ...(values.merchantPublicKey.length ? { merchantPublicKey: value(values.merchantPublicKey[0]) } : {}),
  });
  for (const key of result.keys) io.out(`  ${asFlags(key.option, sources)}\n      ${describe(key)}`);
  io.out('');
  return printProblems(result.problems.map((p) => asFlags(p, sources)), io);
}

export async function runCli(io: Io): Promise<number> {
  const [command, ...rest] = io.argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'check-keys') {
    io.out(`Unknown command ${JSON.stringify(command.slice(0, 40))}.\n\n${USAGE}`);
    return 2;
  }
  const parsed = parseArgs(rest);
  if (typeof parsed === 'string') {
    io.out(`check-keys: ${parsed}.\n\n${USAGE}`);
    return 2;
  }
  return checkSources(parsed, io);
}

interface NodeProcess {
  argv: string[];
  env: Record<string, string | undefined>;
  exitCode?: number;
}

const proc = (globalThis as { process?: NodeProcess }).process;
const fs = nodeBuiltin<{ readFileSync(path: string): Uint8Array }>('node:fs');
if (proc && fs) {
  runCli({ argv: proc.argv.slice(2), env: proc.env, readFile: (path) => fs.readFileSync(path), out: (line) => console.log(line) }).then(
    (code) => {
      proc.exitCode = code;
    },
    (error: unknown) => {
      console.error(`miniapp-auth-kit: ${error instanceof Error ? error.name : 'error'}`);
      proc.exitCode = 2;
    },
  );
}
