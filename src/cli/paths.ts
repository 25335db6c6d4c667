// Paths named on the command line: whether each can be read, said the way a terminal user
// expects ("no such file or folder"), before a command spends time on the rest.
import { access, constants } from 'node:fs/promises';

/** Why a path given on the command line cannot be read, or undefined when it can. */
export async function unreadable(path: string): Promise<string | undefined> {
  try {
    await access(path, constants.R_OK);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'no such file or folder';
    if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
    if (code === 'ENOTDIR') return 'a part of the path is not a folder';
    return (e as Error).message;
  }
}
