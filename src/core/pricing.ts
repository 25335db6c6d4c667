// What Lambda work costs: the public on-demand price per GB-second by architecture and Region,
// and per request. The table is data with its date and source; the engine takes the price as an
// option (`PricingOptions`), so a setting or a flag can override it and the core stays pure.

/** A Lambda function's instruction set (`Architectures` in its configuration). */
export type Architecture = 'x86_64' | 'arm64';

/** When the figures below were read, and where. */
export const LAMBDA_PRICES_AS_OF = '2026-12-02';
export const LAMBDA_PRICING_SOURCE = 'https://aws.amazon.com/lambda/pricing/';

/**
 * USD per GB-second of on-demand duration, first tier (the first 6 billion GB-s a month on x86_64,
 * 7.5 billion on arm64; larger accounts pay less past that, which is not modelled). us-east-1 is
 * the price most Regions pay; the others listed are the Regions confirmed to charge more.
 */
export const LAMBDA_GB_SECOND_USD: Readonly<Record<string, Readonly<Record<Architecture, number>>>> = {
  'us-east-1': { x86_64: 0.0000166667, arm64: 0.0000133334 },
  'af-south-1': { x86_64: 0.0000221, arm64: 0.00001768 },
  'ap-east-1': { x86_64: 0.00002292, arm64: 0.0000183 },
  'eu-south-1': { x86_64: 0.0000195172, arm64: 0.0000156138 },
  'me-south-1': { x86_64: 0.0000206667, arm64: 0.0000165334 },
  'me-central-1': { x86_64: 0.0000206667, arm64: 0.0000165334 },
};

/** The Region whose price is used for a Region the table does not list (or none given). */
export const DEFAULT_PRICE_REGION = 'us-east-1';

/** USD per request (invocation): $0.20 per million, both architectures (confirmed for us-east-1). */
export const LAMBDA_REQUEST_USD = 0.2 / 1_000_000;

/** The architecture assumed when neither the function's configuration nor an option says. */
export const DEFAULT_ARCHITECTURE: Architecture = 'x86_64';

export interface PricingOptions {
  /** The Region the functions run in (the connection's, or the function ARN's). */
  region?: string;
  /** A price per GB-second that replaces the table's (setting `timeoutLens.pricing.gbSecondUsd`, `--gb-second-usd`). */
  gbSecondUsd?: number;
  /** A price per request that replaces the table's. */
  requestUsd?: number;
  /** Function name → architecture, from the function's configuration. */
  architectures?: Record<string, Architecture>;
  /** Function name → configured memory (MB), for invocations whose REPORT line does not say. */
  memoryMb?: Record<string, number>;
}

/** The price a function's work is charged at, and what it rests on. */
export interface LambdaPrice {
  gbSecondUsd: number;
  requestUsd: number;
  architecture: Architecture;
  /** True when the function's architecture is not known and x86_64 is assumed. */
  architectureAssumed: boolean;
  /** The Region whose table row was used. */
  region: string;
  /** True when the Region was not given or is not in the table (DEFAULT_PRICE_REGION's price is used). */
  regionAssumed: boolean;
  /** `table` (LAMBDA_GB_SECOND_USD) or `option` (a price given by the user). */
  source: 'table' | 'option';
}

/** `x86_64`, `arm64` (also `x86-64`, `amd64`, `aarch64`, any case) → the architecture; else undefined. */
export function architectureOf(s: string | undefined): Architecture | undefined {
  const a = (s ?? '').trim().toLowerCase();
  if (a === 'arm64' || a === 'aarch64') return 'arm64';
  if (a === 'x86_64' || a === 'x86-64' || a === 'amd64' || a === 'x64') return 'x86_64';
  return undefined;
}

/** An own field of a map keyed by names from logs (never one of its prototype's, `constructor`). */
function own<T>(map: Record<string, T> | undefined, key: string | undefined): T | undefined {
  return map && key !== undefined && Object.hasOwn(map, key) ? map[key] : undefined;
}

/** The price of a function's GB-seconds and requests under the options. */
export function lambdaPrice(functionName: string | undefined, o: PricingOptions = {}): LambdaPrice {
  const known = own(o.architectures, functionName);
  const architecture = known ?? DEFAULT_ARCHITECTURE;
  const listed = o.region !== undefined && Object.hasOwn(LAMBDA_GB_SECOND_USD, o.region);
  const region = listed ? o.region! : DEFAULT_PRICE_REGION;
  const given = o.gbSecondUsd !== undefined && Number.isFinite(o.gbSecondUsd) && o.gbSecondUsd >= 0;
  return {
    gbSecondUsd: given ? o.gbSecondUsd! : LAMBDA_GB_SECOND_USD[region]![architecture],
    requestUsd: o.requestUsd !== undefined && Number.isFinite(o.requestUsd) && o.requestUsd >= 0 ? o.requestUsd : LAMBDA_REQUEST_USD,
    architecture,
    architectureAssumed: known === undefined,
    region,
    regionAssumed: !listed,
    source: given ? 'option' : 'table',
  };
}

/** GB-seconds of `ms` milliseconds at `memoryMb` (Lambda bills memory in GB = MB / 1024). */
export function gbSeconds(memoryMb: number, ms: number): number {
  return (memoryMb / 1024) * (ms / 1000);
}

/** The memory of an invocation: its REPORT's Memory Size, else the function's configuration, else Lambda's 128 MB default. */
export function memoryOf(reportMb: number | undefined, functionName: string | undefined, o: PricingOptions = {}): { mb: number; known: boolean } {
  if (reportMb !== undefined && reportMb > 0) return { mb: reportMb, known: true };
  const cfg = own(o.memoryMb, functionName);
  if (cfg !== undefined && cfg > 0) return { mb: cfg, known: true };
  return { mb: 128, known: false };
}

/** Dollars as a person reads them: cents from a cent up, else 3 significant figures ($0.0000917, $0.0000002). */
export function usd(x: number): string {
  if (x === 0) return '$0';
  if (Math.abs(x) >= 0.01) return `$${x.toFixed(2)}`;
  const digits = Math.min(20, Math.ceil(-Math.log10(Math.abs(x))) + 2);
  return `$${x.toFixed(digits).replace(/0+$/, '')}`;
}

/** What a price rests on, in words: "arm64, us-east-1 price $0.0000133334/GB-s, AWS list price read 2026-12-02". */
export function priceBasis(p: LambdaPrice): string {
  const arch = p.architectureAssumed ? `${p.architecture} assumed (architecture not known)` : p.architecture;
  if (p.source === 'option') return `${arch}, $${p.gbSecondUsd}/GB-s as given`;
  const region = p.regionAssumed ? `${p.region} price (Region not known or not in the table)` : `${p.region} price`;
  return `${arch}, ${region} $${p.gbSecondUsd}/GB-s, AWS list price read ${LAMBDA_PRICES_AS_OF}`;
}
