// The Node the CLI runs on. The AWS SDK versions published from January 2027 require Node 22
// (today's warn on every run under Node 20), and the tests run on 22 and 24: an older Node is
// refused with what to do, rather than run untested and print the SDK's warning.

/** The oldest Node major the CLI runs on; package.json's engines.node says the same. */
export const MIN_NODE_MAJOR = 22;

/** Why `timeout-lens` cannot run on Node `version` (as `process.version` prints it), or undefined. */
export function nodeTooOld(version: string): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (Number.isFinite(major) && major >= MIN_NODE_MAJOR) return undefined;
  return (
    `timeout-lens needs Node ${MIN_NODE_MAJOR} or newer, and this is Node ${version}.\n` +
    `Install Node ${MIN_NODE_MAJOR} (https://nodejs.org, or \`nvm install ${MIN_NODE_MAJOR}\`) and run it again; ` +
    `in a checkout of Timeout Lens, \`npm start\` and \`npm test\` bring their own Node ${MIN_NODE_MAJOR} when the machine's is older.`
  );
}
