// `--hosts`: which IPv4 address each planned network listens on.
import { MeshCliError } from '../../errors.js'
import type { PlannedNode } from '../../mesh/plan.js'

/** `--hosts 127.0.0.2,127.0.0.3`: the host of each network in plan order (the rest stay on 127.0.0.1). */
export function hostsOf(plan: PlannedNode[], list: string | undefined): Map<string, string> {
  const hosts = new Map<string, string>()
  if (!list) return hosts
  const ips = list.split(',').map((h) => h.trim())
  for (const [i, ip] of ips.entries()) {
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip))
      throw new MeshCliError(`--hosts: "${ip}" is not an IPv4 address.`, {
        code: 'INVALID_OPTION',
        metaMessages: ['- Give one IPv4 address per network, comma-separated, e.g. 127.0.0.2,127.0.0.3.'],
      })
    const p = plan[i]
    if (!p)
      throw new MeshCliError(`--hosts lists ${ips.length} addresses for ${plan.length} networks.`, {
        code: 'INVALID_OPTION',
      })
    hosts.set(p.name, ip)
  }
  return hosts
}
