import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'

/** Runs a system command; the error names the command and what it printed. */
export function sh(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (err) {
    const e = err as { stderr?: string; message: string }
    throw new Error(`${cmd} ${args.join(' ')}: ${(e.stderr || e.message).trim()}`)
  }
}

/**
 * Mounts a tmpfs of `sizeMiB` at `dir`; returns why not (not root, no mount permission) or undefined when
 * mounted. Scenarios that need it report "skipped: needs root" with that reason.
 */
export function tryMountTmpfs(dir: string, sizeMiB: number): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (mount -t tmpfs)'
  mkdirSync(dir, { recursive: true })
  try {
    sh('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', dir])
    return undefined
  } catch (err) {
    return `needs root/tmpfs: ${(err as Error).message}`
  }
}

/** Grows (or shrinks) a mounted tmpfs in place: the files on it stay. */
export function resizeTmpfs(dir: string, sizeMiB: number): void {
  sh('mount', ['-o', `remount,size=${sizeMiB}m`, dir])
}

/** Unmounts `dir` (lazily, so a process still holding a file there cannot keep it mounted). */
export function unmount(dir: string): void {
  try {
    sh('umount', ['-l', dir])
  } catch {
    // not mounted
  }
}
