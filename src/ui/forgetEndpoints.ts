// "Forget Allowed Endpoints…": the endpoints the user allowed to receive signed AWS requests
// (endpointConsent.ts) are listed, and the ones chosen are asked about again before the next call.
import * as vscode from 'vscode';
import type { EndpointConsent } from './endpointConsent';
import type { Logger } from './logger';

export async function forgetAllowedEndpoints(consent: EndpointConsent, log: Logger): Promise<void> {
  const allowed = consent.allowed();
  if (allowed.length === 0) {
    void vscode.window.showInformationMessage(
      'Timeout Lens: no endpoint is allowed. Before sending signed requests to an endpoint that is neither AWS nor this machine, Timeout Lens asks first.',
    );
    return;
  }
  const picked = await vscode.window.showQuickPick(
    // Most recently allowed first; each origin is shown as text, never as a link.
    [...allowed].reverse().map((origin) => ({ label: origin, description: 'allowed to receive signed AWS requests' })),
    {
      title: 'Timeout Lens: Forget Allowed Endpoints',
      placeHolder: 'Choose the endpoints to ask about again before Timeout Lens sends them signed requests',
      canPickMany: true,
      ignoreFocusOut: true,
    },
  );
  if (!picked || picked.length === 0) return;
  for (const p of picked) await consent.forget(p.label);
  log.info(`forgot ${picked.length} allowed endpoint(s)`);
  const names = picked.map((p) => p.label).join(', ');
  void vscode.window.showInformationMessage(`Timeout Lens will ask again before sending signed requests to ${names}.`);
}
