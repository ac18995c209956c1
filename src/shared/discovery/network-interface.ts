/** A network interface as Settings and the diagnostics view show it. */
export interface NetworkInterfaceView {
  /** The system's name for it: "eth0", "wlan0", "docker0", "Wi-Fi"… */
  name: string;
  /** What it is, in words: "Network", "Docker", "VPN tunnel", "Bridge", "Loopback"… */
  kind: string;
  /** A virtual adapter (containers, bridges, VPNs): listed so it can be switched off. */
  virtual: boolean;
  /** Discovery advertises and browses on it (the user can switch any interface off). */
  enabled: boolean;
  /** Its addresses, IPv4 first ("192.168.1.20", "fe80::1"). */
  addresses: string[];
}
