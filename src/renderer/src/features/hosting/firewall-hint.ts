/**
 * What the operating system's firewall asks the first time the desktop app hosts a room, and what
 * to answer. Windows Defender Firewall and the macOS application firewall ask whether Parley may
 * accept incoming connections; Linux desktops usually do not ask (a firewall there, like ufw, is
 * configured by hand). The browser build never hosts, so it never shows this.
 *
 * The OS comes from the user agent (the renderer has no Node `process`): Chromium, and so
 * Electron, names Windows, macOS and Linux there reliably.
 */
export type DesktopOs = 'windows' | 'macos' | 'linux' | 'other';

export function desktopOsOf(userAgent: string): DesktopOs {
  if (/Windows/u.test(userAgent)) return 'windows';
  if (/Macintosh|Mac OS X/u.test(userAgent)) return 'macos';
  if (/Linux|X11|CrOS/u.test(userAgent)) return 'linux';
  return 'other';
}

/** One line for the hosting card: the prompt to expect and the answer. */
export function firewallHint(os: DesktopOs): string {
  switch (os) {
    case 'windows':
      return 'The first time you host, Windows may ask whether Parley may use the network: choose Allow, for private networks.';
    case 'macos':
      return 'The first time you host, macOS may ask whether Parley may accept incoming network connections: choose Allow.';
    case 'linux':
      return 'If a firewall runs on this computer (such as ufw), allow Parley’s TCP port (7275 unless you choose another above) and UDP port 5353, so others can find and join it.';
    default:
      return 'If your computer asks whether Parley may accept incoming connections, choose Allow.';
  }
}

/** The diagnostics view's line: the same advice, for someone whose guests cannot connect. */
export function firewallDiagnosticsText(os: DesktopOs): string {
  switch (os) {
    case 'windows':
      return 'When you host, Windows Defender Firewall asks once whether Parley may use the network. If you chose Cancel, others cannot join: allow Parley for private networks under Windows Security › Firewall & network protection › Allow an app through firewall.';
    case 'macos':
      return 'When you host, macOS asks once whether Parley may accept incoming network connections. If you chose Deny, others cannot join: allow Parley under System Settings › Network › Firewall › Options.';
    case 'linux':
      return 'When you host, a firewall on this computer (such as ufw) may keep others out: allow Parley’s TCP port (the hosting card shows it) so they can join, and UDP port 5353 (mDNS) so they can find it.';
    default:
      return 'When you host, your computer’s firewall may ask whether Parley may accept incoming connections: choose Allow.';
  }
}

/** The OS this page runs on, or 'other' without a navigator. */
export function currentDesktopOs(): DesktopOs {
  return desktopOsOf(globalThis.navigator?.userAgent ?? '');
}
