// The endpoints the user allowed to receive signed AWS requests (endpointPolicy.ts says which need
// it). Kept in the extension's global state, on this computer only (never synced, never in the
// workspace): a workspace can name an endpoint, but only the user can allow it. Pure (a
// Memento-shaped store, no vscode import): unit-tested directly.

/** The part of `vscode.Memento` this needs. */
export interface ConsentStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** At most this many endpoints are remembered (the most recent win). */
const MAX_ALLOWED = 50;

export class EndpointConsent {
  /** The global-state key; not registered with `setKeysForSync`, so it stays on this computer. */
  static readonly KEY = 'timeoutLens.allowedEndpoints';

  constructor(private readonly state: ConsentStore) {}

  /** The allowed origins (`https://host:port`), most recent last. */
  allowed(): string[] {
    const v = this.state.get<unknown>(EndpointConsent.KEY);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  }

  isAllowed(origin: string): boolean {
    return this.allowed().includes(origin);
  }

  async allow(origin: string): Promise<void> {
    const list = [...this.allowed().filter((o) => o !== origin), origin].slice(-MAX_ALLOWED);
    await this.state.update(EndpointConsent.KEY, list);
  }

  async forget(origin: string): Promise<void> {
    await this.state.update(EndpointConsent.KEY, this.allowed().filter((o) => o !== origin));
  }
}
