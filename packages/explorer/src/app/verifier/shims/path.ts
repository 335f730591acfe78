/**
 * `node:path` for the browser verifier: string joins only (module-level constants such as zk-bridge's
 * default artifacts directory are computed at load; nothing is read from them in the browser).
 */
export const sep = '/'

export function join(...parts: (string | undefined)[]): string {
  const out: string[] = []
  for (const seg of parts
    .filter((p): p is string => typeof p === 'string')
    .join('/')
    .split('/')) {
    if (seg === '..') out.pop()
    else if (seg !== '.' && seg !== '') out.push(seg)
  }
  return `${parts[0]?.startsWith('/') ? '/' : ''}${out.join('/')}`
}

export const resolve = (...parts: (string | undefined)[]): string => join('/', ...parts)
export const normalize = (p: string): string => join(p)
export const dirname = (p: string): string => p.replace(/\/[^/]*$/, '') || '/'
export const basename = (p: string): string => p.replace(/.*\//, '')
export const relative = (_from: string, to: string): string => to
export const isAbsolute = (p: string): boolean => p.startsWith('/')
export default { sep, join, resolve, normalize, dirname, basename, relative, isAbsolute }
