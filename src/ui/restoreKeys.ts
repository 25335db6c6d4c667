// The restore keys of waterfall panels opened from trace files. The webview persists its restore
// key (webview/waterfall/uiState.ts) and hands it back after a window reload, so the key is
// untrusted: it is an opaque random id, and the files it stands for stay with the extension (its
// workspace state). A webview can only name an id the extension made for files the user opened
// in this workspace; anything else reopens nothing. Pure (a Memento-shaped store): unit-tested.
import { randomBytes } from 'node:crypto';

/** The part of `vscode.Memento` this needs. */
export interface RestoreStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

interface Entry {
  id: string;
  paths: string[];
}

interface Stored {
  v: 1;
  /** Least recently used first. */
  entries: Entry[];
}

/** At most this many file sets are remembered (the most recently opened win). */
const MAX_ENTRIES = 100;
/** 16 random bytes, base64url: what `keyFor` makes and the only shape `pathsOf` looks up. */
const ID = /^[A-Za-z0-9_-]{22}$/;

export class RestoreKeys {
  /** The workspace-state key. */
  static readonly KEY = 'timeoutLens.waterfallRestoreKeys';

  constructor(
    private readonly state: RestoreStore,
    private readonly newId: () => string = () => randomBytes(16).toString('base64url'),
  ) {}

  private entries(): Entry[] {
    const s = this.state.get<Stored>(RestoreKeys.KEY);
    if (!s || s.v !== 1 || !Array.isArray(s.entries)) return [];
    return s.entries.filter((e): e is Entry => typeof e?.id === 'string' && Array.isArray(e.paths) && e.paths.every((p) => typeof p === 'string'));
  }

  /** The id for these files (the same files keep their id), remembered as the most recent. */
  keyFor(paths: readonly string[]): string {
    const entries = this.entries();
    const same = entries.find((e) => e.paths.length === paths.length && e.paths.every((p, i) => p === paths[i]));
    const id = same?.id ?? this.newId();
    const next = [...entries.filter((e) => e.id !== id), { id, paths: [...paths] }].slice(-MAX_ENTRIES);
    void this.state.update(RestoreKeys.KEY, { v: 1, entries: next } satisfies Stored);
    return id;
  }

  /** The files behind an id this store made, or undefined for anything else. */
  pathsOf(key: unknown): string[] | undefined {
    if (typeof key !== 'string' || !ID.test(key)) return undefined;
    const e = this.entries().find((x) => x.id === key);
    return e ? [...e.paths] : undefined;
  }
}
