// Loads dist/aws.js (the AWS SDK and the sources) the first time a command needs it.
import type * as AwsBundle from '../awsBundle';

let loaded: typeof AwsBundle | undefined;

export function loadAwsBundle(): typeof AwsBundle {
  // A plain require of the sibling bundle: esbuild leaves './aws.js' external (esbuild.mjs).
  loaded ??= require('./aws.js') as typeof AwsBundle;
  return loaded;
}
