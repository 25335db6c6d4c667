// The one output channel ("Timeout Lens", a LogOutputChannel) and a `[component]`-prefixed
// logger on top of it. Payloads at debug level; credentials are never passed in.
import * as vscode from 'vscode';
import { Commands, OUTPUT_CHANNEL_NAME } from '../constants';

export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
  child(component: string): Logger;
}

export function createOutputChannel(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
}

export function createLogger(channel: vscode.LogOutputChannel, component: string): Logger {
  const p = `[${component}]`;
  return {
    trace: (m) => channel.trace(`${p} ${m}`),
    debug: (m) => channel.debug(`${p} ${m}`),
    info: (m) => channel.info(`${p} ${m}`),
    warn: (m) => channel.warn(`${p} ${m}`),
    error: (m) => channel.error(typeof m === 'string' ? `${p} ${m}` : `${p} ${m.message}`),
    child: (c) => createLogger(channel, `${component}:${c}`),
  };
}

/** A message whose button (e.g. "Show Log") opens the log: pass the `show…Message` call made with it. */
export function offerLog(shown: Thenable<string | undefined>): void {
  void shown.then((choice) => {
    if (choice) void vscode.commands.executeCommand(Commands.showOutput);
  });
}
