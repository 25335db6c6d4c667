// `timeout-lens` help through its real dispatcher: each command's --help, -h and `help <command>`
// print one full text (synopsis, description, options, exit status), and a usage error prints the
// same text after its message; the command list, unknown commands, --version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMANDS } from '../../../src/cli/usage';
import { runCli, VERSION } from './runCli';

/** What a usage error of one command must say: the problem on its first line, then the help. */
function assertUsageError(r: { code: number; out: string; err: string }, command: string, problem: RegExp, help: string): void {
  assert.equal(r.code, 2, r.err);
  assert.equal(r.out, '', 'a usage error prints nothing on stdout');
  const [first] = r.err.split('\n');
  assert.ok(first!.startsWith(`timeout-lens ${command}: `), first);
  assert.match(first!, problem);
  assert.ok(r.err.endsWith(`\n\n${help}`), `the usage error ends with the same text as --help:\n${r.err}`);
}

for (const spec of COMMANDS) {
  test(`${spec.name} --help, -h and help ${spec.name}: the command's full help, the same text each way`, async () => {
    const long = await runCli([spec.name, '--help']);
    const short = await runCli([spec.name, '-h']);
    const viaHelp = await runCli(['help', spec.name]);
    for (const r of [long, short, viaHelp]) {
      assert.equal(r.code, 0);
      assert.equal(r.err, '');
    }
    assert.equal(short.out, long.out);
    assert.equal(viaHelp.out, long.out);
    const text = long.out;
    assert.ok(text.startsWith(`Usage: timeout-lens ${spec.name}`), text);
    // Full, not the one-line synopsis --help used to print: the description, every option, the exit codes.
    assert.ok(text.includes(spec.description.split(' ').slice(0, 6).join(' ')), 'the description');
    const options = text.slice(text.indexOf('\nOptions:\n'), text.indexOf('\nExit status:\n'));
    assert.ok(options.length > 0, 'an Options section before the Exit status section');
    for (const f of spec.flags) assert.match(options, new RegExp(`^  (-${f.short ?? '_'}, )?--${f.name}\\b`, 'm'), `--${f.name} has its line`);
    const status = text.slice(text.indexOf('\nExit status:\n'));
    for (const [code] of spec.exitStatus) assert.match(status, new RegExp(`^  ${code} `, 'm'));
    // Help after other arguments, even bad ones, is still help.
    const late = await runCli([spec.name, '--no-such-flag', 'x', '--help']);
    assert.equal(late.code, 0);
    assert.equal(late.out, text);
  });

  test(`${spec.name} with an unknown flag: exit 2, the flag named, then the same text as --help`, async () => {
    const help = (await runCli([spec.name, '--help'])).out;
    const r = await runCli([spec.name, '--no-such-flag']);
    assertUsageError(r, spec.name, /'--no-such-flag'/, help);
  });
}

test('a missing operand is a usage error with the full help: analyze and calls without files, trace without --api or --function', async () => {
  for (const [argv, problem] of [
    [['analyze'], /give at least one file or folder/],
    [['analyze', '--json'], /give at least one file or folder/],
    [['calls'], /give at least one file/],
    [['trace'], /give --api NAME or --function NAME/],
    [['trace', '--api', 'a', '--function', 'f'], /not both/],
    [['trace', 'orders-api'], /'orders-api'/],
  ] as const) {
    const help = (await runCli([argv[0], '--help'])).out;
    assertUsageError(await runCli([...argv]), argv[0], problem, help);
  }
});

test('timeout-lens --help, -h and help: the commands with their summaries and the exit codes; exit 0', async () => {
  const texts = await Promise.all([runCli(['--help']), runCli(['-h']), runCli(['help'])]);
  for (const r of texts) {
    assert.equal(r.code, 0);
    assert.equal(r.out, texts[0]!.out);
  }
  const text = texts[0]!.out;
  for (const c of COMMANDS) assert.match(text, new RegExp(`^  ${c.name} +${c.summary.split(' ').slice(0, 4).join(' ')}`, 'm'));
  assert.match(text, /timeout-lens help <command>/);
  for (const code of [0, 1, 2, 3, 70, 130]) assert.match(text.slice(text.indexOf('Exit status:')), new RegExp(`^  ${code} `, 'm'));
});

test('no command: exit 2, the command list on stderr', async () => {
  const r = await runCli([]);
  assert.equal(r.code, 2);
  assert.equal(r.out, '');
  const help = (await runCli(['--help'])).out;
  assert.ok(r.err.endsWith(help), r.err);
});

test('an unknown command, as a command or after help: exit 2, named, with the command list', async () => {
  const help = (await runCli(['--help'])).out;
  for (const argv of [['frobnicate'], ['frobnicate', '--help'], ['help', 'frobnicate'], ['--frobnicate']]) {
    const r = await runCli(argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.equal(r.out, '');
    assert.ok(r.err.startsWith(`timeout-lens: unknown command '${argv.find((a) => a !== 'help')}'\n`), r.err);
    assert.ok(r.err.endsWith(help));
  }
});

test('--version prints the version', async () => {
  assert.deepEqual(await runCli(['--version']), { code: 0, out: `${VERSION}\n`, err: '' });
});

test('after --, --help is a file name, not a request for help', async () => {
  const r = await runCli(['analyze', '--', '--help']);
  assert.equal(r.code, 2);
  assert.equal(r.err, 'timeout-lens analyze: cannot read --help: no such file or folder\n');
});
